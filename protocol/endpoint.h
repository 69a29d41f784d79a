#pragma once
// A JSON-RPC peer on top of a Transport: routes incoming requests and notifications to
// handlers by method, answers what cannot be routed with the error the spec names, tracks the
// requests in flight (so `$/cancelRequest` can answer RequestCancelled and any later reply for
// that id is dropped) and matches responses to the requests we sent.
//
// Threading: receive() and the handlers run on the io thread. A Reply may be completed from any
// thread; it is marshalled back to the io thread, so responses and notifications leave in the
// order they were handed over.
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include <asio/io_context.hpp>

#include "protocol/json_rpc.h"
#include "protocol/transport.h"

namespace zerolock::protocol {

// Set when the client cancels the request; long-running work polls it.
using CancellationFlag = std::shared_ptr<std::atomic<bool>>;

class Endpoint;

// The one answer to a request. Copyable; the first result()/error() wins, later ones are ignored.
class Reply {
 public:
  Reply(Endpoint* endpoint, json id, CancellationFlag cancelled)
      : endpoint_(endpoint), id_(std::move(id)), cancelled_(std::move(cancelled)) {}
  void result(json value) const;
  void error(RpcError error) const;
  [[nodiscard]] bool cancelled() const { return cancelled_->load(std::memory_order_relaxed); }
  [[nodiscard]] const CancellationFlag& cancellation() const { return cancelled_; }
  [[nodiscard]] const json& id() const { return id_; }

 private:
  Endpoint* endpoint_;
  json id_;
  CancellationFlag cancelled_;
};

class Endpoint {
 public:
  using RequestHandler = std::function<void(const Request&, Reply)>;
  using NotificationHandler = std::function<void(const Notification&)>;
  // Decides whether a request may run now (lifecycle); an error is sent back instead.
  using RequestGate = std::function<std::optional<RpcError>(const std::string& method)>;

  Endpoint(asio::io_context& io, Transport& transport);

  void on_request(std::string method, RequestHandler handler);
  void on_notification(std::string method, NotificationHandler handler);
  void set_request_gate(RequestGate gate) { gate_ = std::move(gate); }
  // Called (io thread) for notifications nobody registered; default: logged and ignored.
  void set_unhandled_notification(NotificationHandler handler) { unhandled_notification_ = std::move(handler); }

  // Feeds one frame body (io thread).
  void receive(std::string_view body);
  // Reports a framing error (io thread): logged; nothing is answered (there is no id).
  void frame_error(const FrameError& error);

  // Thread-safe senders.
  void notify(std::string method, json params);
  // Same, with params already serialised (large notifications built without a JSON tree).
  void notify_raw(const std::string& method, const std::string& params_json);
  void request(std::string method, json params, std::function<void(const Response&)> on_response);

  [[nodiscard]] size_t requests_in_flight() const { return in_flight_.size(); }
  [[nodiscard]] asio::io_context& io() { return io_; }

 private:
  friend class Reply;
  void complete(const json& id, std::optional<json> result, std::optional<RpcError> error);
  void send_response(const json& id, std::optional<json> result, std::optional<RpcError> error);
  void handle(Request request);
  void handle(Notification notification);
  void handle(Response response);

  asio::io_context& io_;
  Transport& transport_;
  std::unordered_map<std::string, RequestHandler> request_handlers_;
  std::unordered_map<std::string, NotificationHandler> notification_handlers_;
  NotificationHandler unhandled_notification_;
  RequestGate gate_;
  // Incoming requests not yet answered, by id_key (io thread only).
  std::unordered_map<std::string, CancellationFlag> in_flight_;
  // Our requests awaiting a response (io thread only).
  std::unordered_map<std::string, std::function<void(const Response&)>> outgoing_;
  std::atomic<int64_t> next_id_{1};
};

}  // namespace zerolock::protocol
