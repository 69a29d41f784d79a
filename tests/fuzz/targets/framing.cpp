// JSON-RPC framing and message dispatch (protocol/): the input is a byte stream as a client would
// send it, fed to the FrameDecoder in chunks of varying size; every frame is handed to an Endpoint
// with a few handlers (typed params, a throwing notification, cancellation). Then the input itself
// is framed and decoded again: framing must round-trip any body in any chunking.
// Invariants: every message the endpoint sends is valid JSON-RPC; the decoder never holds more
// than it was fed; the round trip gives back exactly the body.
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <spdlog/spdlog.h>

#include "protocol/endpoint.h"
#include "protocol/framing.h"
#include "targets/fuzz_support.h"
#include "targets/fuzz_targets.h"

namespace {

using namespace zerolock::protocol;

class RecordingTransport : public Transport {
 public:
  void start(Handlers) override {}
  // A pre-framed message must be exactly one well-formed frame.
  void send_frame(std::string frame) override { send(zerolock::fuzz::single_frame_body(frame)); }
  void send(std::string body) override {
    json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
    FUZZ_CHECK(!doc.is_discarded(), "endpoint sent invalid JSON: " + body);
    FUZZ_CHECK(doc.is_object() && doc.value("jsonrpc", "") == "2.0", "endpoint sent a non JSON-RPC message: " + body);
    ++sent;
  }
  [[nodiscard]] size_t pending_writes() const override { return 0; }
  void close() override {}
  size_t sent = 0;
};

// Deterministic chunk sizes (1..64 bytes, sometimes everything at once).
struct Chunker {
  uint64_t state;
  size_t next(size_t left) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t n = (state >> 33) % 8 == 0 ? left : 1 + (state >> 40) % 64;
    return std::min(n, left);
  }
};

std::vector<Frame> decode_in_chunks(std::string_view stream, uint64_t seed) {
  FrameDecoder decoder;
  std::vector<Frame> frames;
  Chunker chunker{seed};
  size_t fed = 0;
  while (fed < stream.size()) {
    size_t n = chunker.next(stream.size() - fed);
    decoder.feed(stream.substr(fed, n));
    fed += n;
    FUZZ_CHECK(decoder.buffered() <= fed, "decoder holds more than it was fed");
    while (auto frame = decoder.next()) frames.push_back(std::move(*frame));
  }
  return frames;
}

}  // namespace

int fuzz_framing(const uint8_t* data, size_t size) {
  static const bool quiet = [] {
    spdlog::set_level(spdlog::level::off);
    return true;
  }();
  (void)quiet;
  std::string_view input = zerolock::fuzz::as_text(data, size);

  asio::io_context io;
  RecordingTransport transport;
  Endpoint endpoint(io, transport);
  endpoint.on_request("fuzz/echo", [](const Request& r, Reply reply) { reply.result(r.params); });
  endpoint.on_request("fuzz/typed", [](const Request& r, Reply reply) {
    reply.result(json{{"n", r.params.at("n").get<int>() + 1}, {"s", r.params.at("s").get<std::string>()}});
  });
  endpoint.on_request("fuzz/later", [&io](const Request&, Reply reply) {
    asio::post(io, [reply] { reply.result(reply.cancelled()); });  // answered after a possible $/cancelRequest
  });
  endpoint.on_notification("fuzz/note", [](const Notification& n) { (void)n.params.at("x").get<std::string>(); });
  for (auto& frame : decode_in_chunks(input, size)) {
    if (auto* body = std::get_if<std::string>(&frame)) {
      endpoint.receive(*body);
    } else {
      endpoint.frame_error(std::get<FrameError>(frame));
    }
    io.restart();  // poll() leaves the context stopped once it ran out of work
    io.poll();
  }
  io.restart();
  io.run();
  FUZZ_CHECK(endpoint.requests_in_flight() == 0, "a request was never answered");

  if (input.size() <= FrameDecoder::kMaxContentLength) {
    std::string stream = encode_frame(input) + encode_frame("{}");
    auto frames = decode_in_chunks(stream, size * 31 + 7);
    FUZZ_CHECK(frames.size() == 2, "round trip: expected two frames");
    auto* first = std::get_if<std::string>(&frames[0]);
    FUZZ_CHECK(first && *first == input, "round trip: body differs");
    auto* second = std::get_if<std::string>(&frames[1]);
    FUZZ_CHECK(second && *second == "{}", "round trip: second body differs");
  }
  return 0;
}
