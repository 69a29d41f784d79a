#pragma once
// The LSP structures zerolock exchanges, with JSON conversion. Only what the server uses; the
// field names follow the 3.17 specification exactly. No engine types here: converting byte
// ranges to positions is the server's job (server/lsp/positions.h).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace zerolock::protocol {

using json = nlohmann::json;

enum class PositionEncoding { Utf16, Utf8, Utf32 };
const char* position_encoding_name(PositionEncoding encoding);  // "utf-16" ...
// utf-8 when the client offers it (cheapest for a UTF-8 server), else utf-16 (the spec's default).
PositionEncoding negotiate_position_encoding(const json& client_capabilities);

struct Position {
  uint32_t line = 0;
  uint32_t character = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

struct Range {
  Position start;
  Position end;
  friend bool operator==(const Range&, const Range&) = default;
};

// Throw nlohmann::json::exception on a wrong shape; the endpoint turns that into InvalidParams.
void to_json(json& out, const Position& position);
void from_json(const json& in, Position& position);
void to_json(json& out, const Range& range);
void from_json(const json& in, Range& range);

// One entry of didChange's contentChanges: a range edit, or the whole text when range is absent.
struct ContentChange {
  std::optional<Range> range;
  std::string text;
};
void from_json(const json& in, ContentChange& change);

struct VersionedDocument {
  std::string uri;
  int64_t version = 0;
};

enum class DiagnosticSeverity : int { Error = 1, Warning = 2, Information = 3, Hint = 4 };

namespace method {
inline constexpr const char* kPublishDiagnostics = "textDocument/publishDiagnostics";
}

// {"kind":"markdown","value":...}
json markdown(std::string value);

}  // namespace zerolock::protocol
