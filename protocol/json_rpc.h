#pragma once
// JSON-RPC 2.0 messages as LSP uses them: parsing a frame body into a request, notification or
// response, and serialising them back. Parsing never throws; a body that is not a valid message
// becomes a MalformedMessage carrying the error the JSON-RPC spec names for it.
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace zerolock::protocol {

using json = nlohmann::json;

enum class ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  UnknownErrorCode = -32001,
  RequestFailed = -32803,
  ServerCancelled = -32802,
  ContentModified = -32801,
  RequestCancelled = -32800,
};

struct RpcError {
  ErrorCode code = ErrorCode::InternalError;
  std::string message;
  std::optional<json> data;
};

// Request ids are numbers or strings; kept as JSON so they round-trip exactly.
struct Request {
  json id;
  std::string method;
  json params;  // null when absent
};

struct Notification {
  std::string method;
  json params;
};

struct Response {
  json id;
  std::optional<json> result;
  std::optional<RpcError> error;
};

using Message = std::variant<Request, Notification, Response>;

// The body could not be understood. `id` is the request's id when it could be read, else null
// (the spec's answer to a parse error is a response with a null id).
struct MalformedMessage {
  json id;
  RpcError error;
};

// LSP messages nest a few levels; a body nested deeper is refused with a ParseError.
inline constexpr size_t kMaxJsonDepth = 128;

std::variant<Message, MalformedMessage> parse_message(std::string_view body);

// Serialisation; invalid UTF-8 in strings is replaced (U+FFFD) rather than throwing.
std::string to_json_text(const json& value);
std::string serialize(const Request& request);
std::string serialize(const Notification& notification);
std::string serialize(const Response& response);
json error_to_json(const RpcError& error);

// A stable string key for a request id (numbers and strings never collide: "1" vs "\"1\"").
std::string id_key(const json& id);

}  // namespace zerolock::protocol
