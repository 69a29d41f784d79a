#include "protocol/transport.h"

#include <array>
#include <deque>

#include <asio/ip/tcp.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/dispatch.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>

namespace zerolock::protocol {
namespace {

// One implementation for both kinds of stream: `in_` is read; writes go to `separate_out_` when
// given (stdio: two descriptors), else to `in_` itself (TCP: one socket).
template <typename Stream>
class StreamTransport final : public Transport {
 public:
  StreamTransport(asio::io_context& io, Stream in, std::unique_ptr<Stream> separate_out)
      : io_(io), in_(std::move(in)), separate_out_(std::move(separate_out)) {}

  void start(Handlers handlers) override {
    handlers_ = std::move(handlers);
    read_more();
  }

  void send(std::string body) override { send_frame(encode_frame(body)); }

  void send_frame(std::string frame) override {
    // dispatch: inline on the io thread (keeps order with a close() that follows), posted from
    // any other thread.
    asio::dispatch(io_, [this, frame = std::move(frame)]() mutable {
      if (closed_output_) return;
      queue_.push_back(std::move(frame));
      if (!writing_) write_next();
    });
  }

  [[nodiscard]] size_t pending_writes() const override { return queue_.size(); }

  void close() override {
    asio::post(io_, [this] {
      closing_ = true;
      asio::error_code ignored;
      in_.cancel(ignored);
      if (!writing_) finish_close();
    });
  }

 private:
  Stream& out() { return separate_out_ ? *separate_out_ : in_; }

  void read_more() {
    in_.async_read_some(asio::buffer(read_buffer_), [this](const asio::error_code& error, size_t bytes) {
      if (bytes > 0) {
        decoder_.feed(std::string_view(read_buffer_.data(), bytes));
        while (auto frame = decoder_.next()) {
          if (auto* body = std::get_if<std::string>(&*frame)) {
            if (handlers_.on_message) handlers_.on_message(std::move(*body));
          } else if (handlers_.on_frame_error) {
            handlers_.on_frame_error(std::get<FrameError>(*frame));
          }
          if (closing_) return;
        }
      }
      if (error || closing_) {
        if (!closing_ && handlers_.on_closed) handlers_.on_closed();
        return;
      }
      read_more();
    });
  }

  void write_next() {
    if (queue_.empty()) {
      writing_ = false;
      if (closing_) finish_close();
      return;
    }
    writing_ = true;
    asio::async_write(out(), asio::buffer(queue_.front()), [this](const asio::error_code& error, size_t) {
      queue_.pop_front();
      if (error) {
        // The client is gone; drop what is queued instead of spinning on a dead stream.
        queue_.clear();
        closed_output_ = true;
      }
      write_next();
    });
  }

  void finish_close() {
    asio::error_code ignored;
    if (in_.is_open()) in_.close(ignored);
    if (separate_out_ && separate_out_->is_open()) separate_out_->close(ignored);
    closed_output_ = true;
  }

  asio::io_context& io_;
  Stream in_;
  std::unique_ptr<Stream> separate_out_;
  Handlers handlers_;
  FrameDecoder decoder_;
  std::array<char, 65536> read_buffer_{};
  std::deque<std::string> queue_;
  bool writing_ = false;
  bool closing_ = false;
  bool closed_output_ = false;
};

}  // namespace

std::unique_ptr<Transport> make_fd_transport(asio::io_context& io, int in_fd, int out_fd) {
  using asio::posix::stream_descriptor;
  return std::make_unique<StreamTransport<stream_descriptor>>(io, stream_descriptor(io, in_fd),
                                                              std::make_unique<stream_descriptor>(io, out_fd));
}

std::variant<std::unique_ptr<Transport>, std::string> accept_tcp_transport(asio::io_context& io, uint16_t port) {
  using asio::ip::tcp;
  asio::error_code error;
  tcp::acceptor acceptor(io);
  tcp::endpoint endpoint(asio::ip::address_v4::loopback(), port);
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(1, error);
  if (error) return "cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + error.message();
  tcp::socket socket(io);
  acceptor.accept(socket, error);
  if (error) return "accept failed: " + error.message();
  socket.set_option(tcp::no_delay(true), error);
  return std::unique_ptr<Transport>(std::make_unique<StreamTransport<tcp::socket>>(io, std::move(socket), nullptr));
}

}  // namespace zerolock::protocol
