#pragma once
// The LSP base protocol's framing: header fields ("Content-Length: N\r\n", optional
// "Content-Type"), an empty line, then N bytes of JSON. The decoder is incremental (fed whatever
// the transport read) and never throws: a malformed header is reported as a FrameError and the
// decoder resynchronises on the next "Content-Length:" it can find, so one bad message never
// stalls or kills the connection.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace zerolock::protocol {

struct FrameError {
  std::string message;
  bool too_large = false;  // a Content-Length over kMaxContentLength: the client should hear of it
};

// A complete body, or a framing error the decoder has already skipped past.
using Frame = std::variant<std::string, FrameError>;

class FrameDecoder {
 public:
  // Bodies above this are refused, never buffered or allocated: the decoder reports the error and
  // resynchronises on the next header (the refused body's bytes are scanned past, not stored).
  // 64 MB: a 16 MB document (limits::kMaxDocumentBytes) with JSON escaping still fits.
  static constexpr size_t kMaxContentLength = 64u * 1024u * 1024u;
  // A header block longer than this without its blank line is garbage.
  static constexpr size_t kMaxHeaderBytes = 8192;

  void feed(std::string_view bytes);
  // The next frame, or nullopt when more bytes are needed.
  std::optional<Frame> next();
  // Bytes received but not yet part of a complete frame.
  [[nodiscard]] size_t buffered() const { return buffer_.size() - pos_; }

 private:
  std::optional<Frame> skip_garbage(std::string message);
  void compact();

  std::string buffer_;
  size_t pos_ = 0;
  // Set once a header block was parsed and we are waiting for its body.
  std::optional<size_t> body_length_;
  bool resyncing_ = false;  // after a refused body: dropping bytes until the next header
};

// "Content-Length: N\r\n\r\n" + body.
std::string encode_frame(std::string_view body);

}  // namespace zerolock::protocol
