#include "protocol/endpoint.h"

#include <asio/dispatch.hpp>
#include <asio/post.hpp>
#include <spdlog/spdlog.h>

namespace zerolock::protocol {

void Reply::result(json value) const { endpoint_->complete(id_, std::move(value), std::nullopt); }
void Reply::error(RpcError error) const { endpoint_->complete(id_, std::nullopt, std::move(error)); }

Endpoint::Endpoint(asio::io_context& io, Transport& transport) : io_(io), transport_(transport) {}

void Endpoint::on_request(std::string method, RequestHandler handler) {
  request_handlers_[std::move(method)] = std::move(handler);
}

void Endpoint::on_notification(std::string method, NotificationHandler handler) {
  notification_handlers_[std::move(method)] = std::move(handler);
}

void Endpoint::receive(std::string_view body) {
  auto parsed = parse_message(body);
  if (auto* bad = std::get_if<MalformedMessage>(&parsed)) {
    spdlog::warn("malformed message: {}", bad->error.message);
    send_response(bad->id, std::nullopt, bad->error);
    return;
  }
  std::visit([this](auto&& message) { handle(std::move(message)); }, std::move(std::get<Message>(parsed)));
}

void Endpoint::frame_error(const FrameError& error) { spdlog::warn("framing error: {}", error.message); }

void Endpoint::handle(Request request) {
  std::string key = id_key(request.id);
  spdlog::debug("<- request {} {}", request.method, key);
  if (in_flight_.count(key) > 0) {
    send_response(request.id, std::nullopt, RpcError{ErrorCode::InvalidRequest, "duplicate request id " + key, {}});
    return;
  }
  if (gate_) {
    if (auto refused = gate_(request.method)) {
      send_response(request.id, std::nullopt, std::move(*refused));
      return;
    }
  }
  auto handler = request_handlers_.find(request.method);
  if (handler == request_handlers_.end()) {
    send_response(request.id, std::nullopt, RpcError{ErrorCode::MethodNotFound, "unknown method " + request.method, {}});
    return;
  }
  auto flag = std::make_shared<std::atomic<bool>>(false);
  in_flight_.emplace(key, flag);
  Reply reply(this, request.id, flag);
  // Handlers read params with nlohmann's typed accessors; a type mismatch is the client's error.
  try {
    handler->second(request, reply);
  } catch (const nlohmann::json::exception& e) {
    reply.error(RpcError{ErrorCode::InvalidParams, std::string("invalid params: ") + e.what(), {}});
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", request.method, e.what());
    reply.error(RpcError{ErrorCode::InternalError, e.what(), {}});
  }
}

void Endpoint::handle(Notification notification) {
  spdlog::debug("<- notification {}", notification.method);
  if (notification.method == "$/cancelRequest") {
    if (!notification.params.is_object() || !notification.params.contains("id")) return;
    std::string key = id_key(notification.params["id"]);
    auto it = in_flight_.find(key);
    if (it == in_flight_.end()) return;  // already answered: nothing to do
    it->second->store(true);
    // Answer now; the handler's own late reply finds the id gone and is dropped.
    send_response(notification.params["id"], std::nullopt,
                  RpcError{ErrorCode::RequestCancelled, "request cancelled", {}});
    in_flight_.erase(it);
    return;
  }
  auto handler = notification_handlers_.find(notification.method);
  try {
    if (handler != notification_handlers_.end()) {
      handler->second(notification);
    } else if (unhandled_notification_) {
      unhandled_notification_(notification);
    } else {
      spdlog::debug("ignoring notification {}", notification.method);
    }
  } catch (const std::exception& e) {
    // A notification has no reply, so a bad one is logged and skipped.
    spdlog::warn("notification {} failed: {}", notification.method, e.what());
  }
}

void Endpoint::handle(Response response) {
  auto it = outgoing_.find(id_key(response.id));
  if (it == outgoing_.end()) {
    spdlog::warn("response to unknown request {}", id_key(response.id));
    return;
  }
  auto callback = std::move(it->second);
  outgoing_.erase(it);
  try {
    if (callback) callback(response);
  } catch (const std::exception& e) {
    spdlog::warn("handling response {} failed: {}", id_key(response.id), e.what());
  }
}

void Endpoint::complete(const json& id, std::optional<json> result, std::optional<RpcError> error) {
  asio::dispatch(io_, [this, id, result = std::move(result), error = std::move(error)]() mutable {
    auto it = in_flight_.find(id_key(id));
    if (it == in_flight_.end()) return;  // cancelled (already answered) or answered twice
    in_flight_.erase(it);
    send_response(id, std::move(result), std::move(error));
  });
}

void Endpoint::send_response(const json& id, std::optional<json> result, std::optional<RpcError> error) {
  transport_.send(serialize(Response{id, std::move(result), std::move(error)}));
}

void Endpoint::notify(std::string method, json params) {
  transport_.send(serialize(Notification{std::move(method), std::move(params)}));
}

void Endpoint::notify_raw(const std::string& method, const std::string& params_json) {
  // Framed here in one buffer: the params (megabytes of diagnostics) are copied once.
  const std::string head = R"({"jsonrpc":"2.0","method":)" + to_json_text(method) + R"(,"params":)";
  const size_t body_size = head.size() + params_json.size() + 1;
  std::string frame = "Content-Length: " + std::to_string(body_size) + "\r\n\r\n";
  frame.reserve(frame.size() + body_size);
  frame += head;
  frame += params_json;
  frame += '}';
  transport_.send_frame(std::move(frame));
}

void Endpoint::request(std::string method, json params, std::function<void(const Response&)> on_response) {
  json id = next_id_.fetch_add(1);
  std::string body = serialize(Request{id, std::move(method), std::move(params)});
  asio::post(io_, [this, key = id_key(id), body = std::move(body), on_response = std::move(on_response)]() mutable {
    outgoing_.emplace(key, std::move(on_response));
    transport_.send(std::move(body));
  });
}

}  // namespace zerolock::protocol
