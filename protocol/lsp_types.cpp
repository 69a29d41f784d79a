#include "protocol/lsp_types.h"

namespace zerolock::protocol {

const char* position_encoding_name(PositionEncoding encoding) {
  switch (encoding) {
    case PositionEncoding::Utf8: return "utf-8";
    case PositionEncoding::Utf32: return "utf-32";
    case PositionEncoding::Utf16: break;
  }
  return "utf-16";
}

PositionEncoding negotiate_position_encoding(const json& client_capabilities) {
  if (!client_capabilities.is_object()) return PositionEncoding::Utf16;
  auto general = client_capabilities.find("general");
  if (general == client_capabilities.end() || !general->is_object()) return PositionEncoding::Utf16;
  auto offered = general->find("positionEncodings");
  if (offered == general->end() || !offered->is_array()) return PositionEncoding::Utf16;
  for (const auto& encoding : *offered) {
    if (encoding == "utf-8") return PositionEncoding::Utf8;
  }
  return PositionEncoding::Utf16;
}

void to_json(json& out, const Position& position) {
  out = json{{"line", position.line}, {"character", position.character}};
}

void from_json(const json& in, Position& position) {
  // Negative numbers are not positions; get<uint32_t> would wrap them silently.
  int64_t line = in.at("line").get<int64_t>();
  int64_t character = in.at("character").get<int64_t>();
  if (line < 0 || character < 0 || line > UINT32_MAX || character > UINT32_MAX)
    throw json::out_of_range::create(401, "position out of range", &in);
  position.line = static_cast<uint32_t>(line);
  position.character = static_cast<uint32_t>(character);
}

void to_json(json& out, const Range& range) { out = json{{"start", range.start}, {"end", range.end}}; }

void from_json(const json& in, Range& range) {
  range.start = in.at("start").get<Position>();
  range.end = in.at("end").get<Position>();
}

void from_json(const json& in, ContentChange& change) {
  change.text = in.at("text").get<std::string>();
  if (auto range = in.find("range"); range != in.end() && !range->is_null()) {
    change.range = range->get<Range>();
  } else {
    change.range.reset();
  }
}

json markdown(std::string value) { return json{{"kind", "markdown"}, {"value", std::move(value)}}; }

}  // namespace zerolock::protocol
