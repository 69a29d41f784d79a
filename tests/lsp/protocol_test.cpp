// Unit tests of protocol/: framing (incl. resynchronisation after garbage) and JSON-RPC parsing.
#include <gtest/gtest.h>

#include "protocol/framing.h"
#include "protocol/json_rpc.h"
#include "protocol/lsp_types.h"

using namespace zerolock::protocol;

namespace {

std::vector<Frame> drain(FrameDecoder& decoder) {
  std::vector<Frame> frames;
  while (auto frame = decoder.next()) frames.push_back(std::move(*frame));
  return frames;
}

bool is_body(const Frame& frame, std::string_view body) {
  auto* text = std::get_if<std::string>(&frame);
  return text && *text == body;
}

}  // namespace

TEST(Framing, DecodesMessagesSplitAcrossReads) {
  std::string stream = encode_frame(R"({"a":1})") + encode_frame(R"({"b":2})");
  FrameDecoder decoder;
  std::vector<Frame> frames;
  for (char c : stream) {
    decoder.feed(std::string_view(&c, 1));
    while (auto frame = decoder.next()) frames.push_back(std::move(*frame));
  }
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(is_body(frames[0], R"({"a":1})"));
  EXPECT_TRUE(is_body(frames[1], R"({"b":2})"));
  EXPECT_EQ(decoder.buffered(), 0u);
}

TEST(Framing, AcceptsContentTypeAndAnyCase) {
  FrameDecoder decoder;
  decoder.feed("content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}");
  auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(is_body(frames[0], "{}"));
}

TEST(Framing, BadHeaderIsReportedAndSkipped) {
  FrameDecoder decoder;
  decoder.feed("Content-Length: abc\r\n\r\n" + encode_frame("{}"));
  auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<FrameError>(frames[0]));
  EXPECT_TRUE(is_body(frames[1], "{}"));
}

TEST(Framing, MissingContentLengthIsReported) {
  FrameDecoder decoder;
  decoder.feed("X-Other: 1\r\n\r\n" + encode_frame("[]"));
  auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<FrameError>(frames[0]));
  EXPECT_TRUE(is_body(frames[1], "[]"));
}

TEST(Framing, GarbageBeforeHeaderIsSkipped) {
  FrameDecoder decoder;
  decoder.feed("hello world\n" + encode_frame("{}"));
  auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<FrameError>(frames[0]));
  EXPECT_TRUE(is_body(frames[1], "{}"));
}

TEST(Framing, ShortContentLengthResynchronises) {
  // The declared length cuts the JSON; the rest is garbage up to the next header.
  FrameDecoder decoder;
  decoder.feed("Content-Length: 3\r\n\r\n{\"a\":1}" + encode_frame("{}"));
  auto frames = drain(decoder);
  ASSERT_GE(frames.size(), 2u);
  EXPECT_TRUE(is_body(frames.front(), "{\"a"));
  EXPECT_TRUE(is_body(frames.back(), "{}"));
}

TEST(Framing, OversizedBodyIsDropped) {
  FrameDecoder decoder;
  decoder.feed("Content-Length: 999999999999\r\n\r\nxx");
  auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<FrameError>(frames[0]));
}

TEST(JsonRpc, ParsesRequestNotificationResponse) {
  auto request = parse_message(R"({"jsonrpc":"2.0","id":7,"method":"m","params":{"x":1}})");
  ASSERT_TRUE(std::holds_alternative<Message>(request));
  auto& r = std::get<Request>(std::get<Message>(request));
  EXPECT_EQ(r.id, 7);
  EXPECT_EQ(r.method, "m");
  EXPECT_EQ(r.params["x"], 1);

  auto note = parse_message(R"({"jsonrpc":"2.0","method":"n"})");
  ASSERT_TRUE(std::holds_alternative<Notification>(std::get<Message>(note)));

  auto response = parse_message(R"({"jsonrpc":"2.0","id":"s","result":null})");
  auto& resp = std::get<Response>(std::get<Message>(response));
  EXPECT_EQ(resp.id, "s");
  EXPECT_FALSE(resp.error);
}

TEST(JsonRpc, InvalidJsonIsParseError) {
  auto parsed = parse_message("{not json");
  ASSERT_TRUE(std::holds_alternative<MalformedMessage>(parsed));
  EXPECT_EQ(std::get<MalformedMessage>(parsed).error.code, ErrorCode::ParseError);
  EXPECT_TRUE(std::get<MalformedMessage>(parsed).id.is_null());
}

TEST(JsonRpc, InvalidUtf8IsParseError) {
  auto parsed = parse_message("{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}");
  ASSERT_TRUE(std::holds_alternative<MalformedMessage>(parsed));
  EXPECT_EQ(std::get<MalformedMessage>(parsed).error.code, ErrorCode::ParseError);
}

TEST(JsonRpc, WrongShapesAreInvalidRequest) {
  for (const char* body : {R"([1,2])", R"(42)", R"({"id":1,"method":"m"})", R"({"jsonrpc":"2.0","id":1,"method":3})",
                           R"({"jsonrpc":"2.0","id":{},"method":"m"})", R"({"jsonrpc":"2.0","id":1,"method":"m","params":5})"}) {
    auto parsed = parse_message(body);
    ASSERT_TRUE(std::holds_alternative<MalformedMessage>(parsed)) << body;
    EXPECT_EQ(std::get<MalformedMessage>(parsed).error.code, ErrorCode::InvalidRequest) << body;
  }
  // The id is echoed when it could be read.
  auto parsed = parse_message(R"({"jsonrpc":"1.0","id":5,"method":"m"})");
  EXPECT_EQ(std::get<MalformedMessage>(parsed).id, 5);
}

TEST(JsonRpc, SerialisationReplacesInvalidUtf8) {
  std::string text = serialize(Notification{"n", json{{"s", std::string("a\xff")}}});
  EXPECT_NE(text.find("\"n\""), std::string::npos);
  EXPECT_NE(text.find("\xef\xbf\xbd"), std::string::npos);
}

TEST(LspTypes, NegotiatesPositionEncoding) {
  EXPECT_EQ(negotiate_position_encoding(json::object()), PositionEncoding::Utf16);
  EXPECT_EQ(negotiate_position_encoding(json::parse(R"({"general":{"positionEncodings":["utf-16"]}})")),
            PositionEncoding::Utf16);
  EXPECT_EQ(negotiate_position_encoding(json::parse(R"({"general":{"positionEncodings":["utf-16","utf-8"]}})")),
            PositionEncoding::Utf8);
}

TEST(LspTypes, NegativePositionIsRejected) {
  EXPECT_THROW(json::parse(R"({"line":-1,"character":0})").get<Position>(), json::exception);
}

// ---- Limits (issue 9): an oversized message is refused without being buffered, and the
// messages after it are still served; deeply nested JSON is a parse error, not a deep tree.
TEST(Framing, OversizedBodyIsRefusedAndTheNextMessageServed) {
  FrameDecoder decoder;
  size_t claimed = FrameDecoder::kMaxContentLength + 1;
  decoder.feed("Content-Length: " + std::to_string(claimed) + "\r\n\r\n");
  auto frames = drain(decoder);
  ASSERT_EQ(frames.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<FrameError>(frames[0]));
  EXPECT_TRUE(std::get<FrameError>(frames[0]).too_large);
  EXPECT_NE(std::get<FrameError>(frames[0]).message.find("exceeds the limit"), std::string::npos);
  // 8 MB of the refused body arrive in 64 KB chunks: never buffered.
  std::string chunk(65536, 'x');
  for (int i = 0; i < 128; ++i) {
    decoder.feed(chunk);
    EXPECT_TRUE(drain(decoder).empty());
    ASSERT_LT(decoder.buffered(), 2 * chunk.size());
  }
  decoder.feed(encode_frame(R"({"jsonrpc":"2.0","method":"after"})"));
  frames = drain(decoder);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_TRUE(is_body(frames[0], R"({"jsonrpc":"2.0","method":"after"})"));
}

TEST(JsonRpc, DeeplyNestedJsonIsAParseError) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto parsed = parse_message(R"({"jsonrpc":"2.0","method":"m","params":{"x":)" + deep + "}}");
  ASSERT_TRUE(std::holds_alternative<MalformedMessage>(parsed));
  EXPECT_EQ(std::get<MalformedMessage>(parsed).error.code, ErrorCode::ParseError);
  EXPECT_NE(std::get<MalformedMessage>(parsed).error.message.find("nested deeper"), std::string::npos);
  // Brackets inside strings do not count; a normal depth parses.
  std::string shallow = R"({"jsonrpc":"2.0","method":"m","params":{"s":")" + std::string(1000, '[') + R"(","a":[[[1]]]}})";
  EXPECT_TRUE(std::holds_alternative<Message>(parse_message(shallow)));
}
