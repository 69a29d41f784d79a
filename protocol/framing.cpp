#include "protocol/framing.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace zerolock::protocol {
namespace {

constexpr std::string_view kHeaderEnd = "\r\n\r\n";
constexpr std::string_view kContentLength = "content-length";

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Offset of the next "Content-Length:" (any case) at or after `from`, or npos.
size_t find_header_start(std::string_view buffer, size_t from) {
  for (size_t i = from; i + kContentLength.size() <= buffer.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(buffer[i])) != 'c') continue;
    if (lower(buffer.substr(i, kContentLength.size())) == kContentLength) return i;
  }
  return std::string_view::npos;
}

struct HeaderParse {
  std::optional<size_t> content_length;
  std::string error;
};

HeaderParse parse_header_block(std::string_view block) {
  HeaderParse result;
  size_t start = 0;
  while (start <= block.size()) {
    size_t end = block.find("\r\n", start);
    if (end == std::string_view::npos) end = block.size();
    std::string_view line = block.substr(start, end - start);
    start = end + 2;
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      result.error = "header line without ':'";
      return result;
    }
    std::string name = lower(trim(line.substr(0, colon)));
    std::string_view value = trim(line.substr(colon + 1));
    if (name == kContentLength) {
      size_t length = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (ec != std::errc() || ptr != value.data() + value.size()) {
        result.error = "Content-Length is not a number";
        return result;
      }
      result.content_length = length;
    }
    // Content-Type and unknown fields are accepted and ignored: the body is always UTF-8 JSON.
  }
  if (!result.content_length && result.error.empty()) result.error = "header without Content-Length";
  return result;
}

}  // namespace

void FrameDecoder::feed(std::string_view bytes) {
  buffer_.append(bytes);
}

void FrameDecoder::compact() {
  // Keep the buffer from growing without bound while avoiding a memmove per frame.
  if (pos_ > 0 && (pos_ == buffer_.size() || pos_ > 65536)) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
}

std::optional<Frame> FrameDecoder::skip_garbage(std::string message) {
  // Resynchronise on the next header that looks like the start of a message.
  size_t next_header = find_header_start(buffer_, pos_ + 1);
  size_t skipped = (next_header == std::string::npos ? buffer_.size() : next_header) - pos_;
  pos_ += skipped;
  compact();
  return Frame{FrameError{message + " (skipped " + std::to_string(skipped) + " bytes)"}};
}

std::optional<Frame> FrameDecoder::next() {
  if (resyncing_) {
    size_t header_start = find_header_start(buffer_, pos_);
    if (header_start == std::string::npos) {
      // Keep a possible partial "Content-Length" at the end; drop the rest unseen.
      pos_ = std::max(pos_, buffer_.size() - std::min(buffer_.size(), kContentLength.size()));
      compact();
      return std::nullopt;
    }
    pos_ = header_start;
    resyncing_ = false;
  }
  if (!body_length_) {
    std::string_view view(buffer_);
    view.remove_prefix(pos_);
    // Blank lines between messages are tolerated.
    while (view.size() >= 2 && view.substr(0, 2) == "\r\n") {
      view.remove_prefix(2);
      pos_ += 2;
    }
    size_t header_end = view.find(kHeaderEnd);
    if (header_end == std::string_view::npos) {
      if (view.size() > kMaxHeaderBytes) return skip_garbage("header block too long");
      // Junk before a header that has not fully arrived yet: drop it now so the error is prompt.
      size_t header_start = find_header_start(buffer_, pos_);
      if (header_start != std::string::npos && header_start > pos_) {
        size_t skipped = header_start - pos_;
        pos_ = header_start;
        compact();
        return Frame{FrameError{"bytes before a header (skipped " + std::to_string(skipped) + " bytes)"}};
      }
      compact();
      return std::nullopt;
    }
    HeaderParse header = parse_header_block(view.substr(0, header_end));
    if (!header.error.empty()) return skip_garbage(header.error);
    if (*header.content_length > kMaxContentLength) {
      // Refused without allocating it: the body (if it ever comes) is skipped like garbage up to
      // the next header, so the messages after it are still served.
      pos_ += header_end + kHeaderEnd.size();
      resyncing_ = true;
      compact();
      FrameError error{"Content-Length " + std::to_string(*header.content_length) + " exceeds the limit of " +
                           std::to_string(kMaxContentLength) + " bytes; message refused",
                       true};
      return Frame{std::move(error)};
    }
    pos_ += header_end + kHeaderEnd.size();
    body_length_ = header.content_length;
  }
  if (buffer_.size() - pos_ < *body_length_) {
    compact();
    return std::nullopt;
  }
  std::string body = buffer_.substr(pos_, *body_length_);
  pos_ += *body_length_;
  body_length_.reset();
  compact();
  return Frame{std::move(body)};
}

std::string encode_frame(std::string_view body) {
  std::string out = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out.append(body);
  return out;
}

}  // namespace zerolock::protocol
