#include "protocol/json_rpc.h"

namespace zerolock::protocol {
namespace {

MalformedMessage malformed(json id, ErrorCode code, std::string message) {
  return MalformedMessage{std::move(id), RpcError{code, std::move(message), std::nullopt}};
}

bool valid_id(const json& id) { return id.is_number_integer() || id.is_string(); }

// nlohmann's parser is iterative, but copying, comparing and dumping a json value recurse per
// level: a body nested deeper than kMaxJsonDepth is refused before it becomes a tree.
bool nested_too_deep(std::string_view body) {
  size_t depth = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '"') {
      for (++i; i < body.size() && body[i] != '"'; ++i)
        if (body[i] == '\\') ++i;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

}  // namespace

std::variant<Message, MalformedMessage> parse_message(std::string_view body) {
  // nlohmann's lexer rejects ill-formed UTF-8 inside strings, so invalid UTF-8 ends up here as a
  // ParseError too.
  if (nested_too_deep(body))
    return malformed(nullptr, ErrorCode::ParseError,
                     "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels; message refused");
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return malformed(nullptr, ErrorCode::ParseError, "invalid JSON or invalid UTF-8");
  if (doc.is_array()) return malformed(nullptr, ErrorCode::InvalidRequest, "JSON-RPC batches are not supported");
  if (!doc.is_object()) return malformed(nullptr, ErrorCode::InvalidRequest, "a message must be a JSON object");

  json id = nullptr;
  bool has_id = doc.contains("id");
  if (has_id) {
    id = doc["id"];
    if (!valid_id(id) && !id.is_null()) return malformed(nullptr, ErrorCode::InvalidRequest, "id must be a number or a string");
  }
  auto version = doc.find("jsonrpc");
  if (version == doc.end() || *version != "2.0") return malformed(id, ErrorCode::InvalidRequest, "jsonrpc must be \"2.0\"");

  auto method = doc.find("method");
  if (method != doc.end()) {
    if (!method->is_string()) return malformed(id, ErrorCode::InvalidRequest, "method must be a string");
    json params = doc.contains("params") ? doc["params"] : json(nullptr);
    if (!params.is_null() && !params.is_object() && !params.is_array())
      return malformed(id, ErrorCode::InvalidRequest, "params must be an object or an array");
    if (!has_id) return Message{Notification{method->get<std::string>(), std::move(params)}};
    if (id.is_null()) return malformed(nullptr, ErrorCode::InvalidRequest, "a request id must not be null");
    return Message{Request{std::move(id), method->get<std::string>(), std::move(params)}};
  }

  // A response to one of our requests.
  if (!has_id) return malformed(nullptr, ErrorCode::InvalidRequest, "message has neither method nor id");
  Response response{std::move(id), std::nullopt, std::nullopt};
  if (auto result = doc.find("result"); result != doc.end()) response.result = *result;
  if (auto error = doc.find("error"); error != doc.end()) {
    RpcError rpc_error;
    if (error->is_object()) {
      rpc_error.code = static_cast<ErrorCode>(error->value("code", static_cast<int>(ErrorCode::UnknownErrorCode)));
      if (auto m = error->find("message"); m != error->end() && m->is_string()) rpc_error.message = *m;
      if (auto d = error->find("data"); d != error->end()) rpc_error.data = *d;
    }
    response.error = std::move(rpc_error);
  }
  if (!response.result && !response.error) response.result = json(nullptr);
  return Message{std::move(response)};
}

std::string to_json_text(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

json error_to_json(const RpcError& error) {
  json out{{"code", static_cast<int>(error.code)}, {"message", error.message}};
  if (error.data) out["data"] = *error.data;
  return out;
}

std::string serialize(const Request& request) {
  json out{{"jsonrpc", "2.0"}, {"id", request.id}, {"method", request.method}};
  if (!request.params.is_null()) out["params"] = request.params;
  return to_json_text(out);
}

std::string serialize(const Notification& notification) {
  json out{{"jsonrpc", "2.0"}, {"method", notification.method}};
  if (!notification.params.is_null()) out["params"] = notification.params;
  return to_json_text(out);
}

std::string serialize(const Response& response) {
  json out{{"jsonrpc", "2.0"}, {"id", response.id}};
  if (response.error) {
    out["error"] = error_to_json(*response.error);
  } else {
    out["result"] = response.result.value_or(json(nullptr));
  }
  return to_json_text(out);
}

std::string id_key(const json& id) { return id.dump(); }

}  // namespace zerolock::protocol
