#pragma once
// Byte transport for JSON-RPC frames over asio: a pair of file descriptors (stdio, or pipes in
// tests) or one TCP connection accepted on 127.0.0.1. Reads run on the io_context; writes are
// queued and written asynchronously so the server never blocks on a client that is busy writing
// to us (the classic pipe deadlock) and can be requested from any thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include <asio/io_context.hpp>

#include "protocol/framing.h"

namespace zerolock::protocol {

class Transport {
 public:
  struct Handlers {
    std::function<void(std::string body)> on_message;       // one complete frame body
    std::function<void(const FrameError&)> on_frame_error;  // malformed framing, already skipped
    std::function<void()> on_closed;                        // EOF or read error: input is over
  };

  virtual ~Transport() = default;
  // Starts reading; handlers run on the io_context's thread.
  virtual void start(Handlers handlers) = 0;
  // Queues a body for writing (framing added here). Thread-safe.
  virtual void send(std::string body) = 0;
  // Queues a message already framed (encode_frame's form) as it is: a multi-megabyte notification
  // is then not copied once more to put a header in front of it. Thread-safe.
  virtual void send_frame(std::string frame) = 0;
  // Number of bodies queued but not yet written (io thread only; for tests and flushing).
  [[nodiscard]] virtual size_t pending_writes() const = 0;
  // Stops reading and closes the streams once queued writes are flushed.
  virtual void close() = 0;
};

// Reads in_fd, writes out_fd. Takes ownership of both descriptors.
std::unique_ptr<Transport> make_fd_transport(asio::io_context& io, int in_fd, int out_fd);

// Listens on 127.0.0.1:port and accepts one client (blocking). Error text on failure.
std::variant<std::unique_ptr<Transport>, std::string> accept_tcp_transport(asio::io_context& io, uint16_t port);

}  // namespace zerolock::protocol
