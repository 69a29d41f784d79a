// JSON changelogs: a small recursive-descent reader that keeps the byte range of every value
// and key (nlohmann's parser in Debian 12, 3.11.2, reports no positions), decoding string escapes
// into MappedText so embedded SQL maps back to the document.
#include <cctype>

#include "liquibase/changelog_tree.h"
#include "liquibase/value_tree.h"

namespace zerolock::liquibase {
namespace {

struct JsonError {
  std::string message;
  uint32_t offset;
};

class JsonReader {
 public:
  JsonReader(std::string_view text, Value& root) : text_(text), root_(root) {}

  void parse_document() {
    skip_ws();
    if (pos_ < text_.size() && static_cast<unsigned char>(text_[pos_]) == 0xEF) pos_ += 3;  // BOM
    parse_value(root_, 0);
    skip_ws();
    if (pos_ != text_.size()) fail("unexpected text after the JSON document");
  }

 private:
  std::string_view text_;
  Value& root_;
  uint32_t pos_ = 0;

  [[noreturn]] void fail(const std::string& message) { throw JsonError{message, pos_}; }

  void skip_ws() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {  // tolerated comments
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
        size_t end = text_.find("*/", pos_ + 2);
        pos_ = end == std::string_view::npos ? static_cast<uint32_t>(text_.size()) : static_cast<uint32_t>(end + 2);
      } else {
        break;
      }
    }
  }

  static void append_utf8(MappedText& out, uint32_t cp, uint32_t at) {
    if (cp < 0x80) {
      out.append(static_cast<char>(cp), at);
    } else if (cp < 0x800) {
      out.append(static_cast<char>(0xC0 | (cp >> 6)), at);
      out.append(static_cast<char>(0x80 | (cp & 0x3F)), at);
    } else if (cp < 0x10000) {
      out.append(static_cast<char>(0xE0 | (cp >> 12)), at);
      out.append(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), at);
      out.append(static_cast<char>(0x80 | (cp & 0x3F)), at);
    } else {
      out.append(static_cast<char>(0xF0 | (cp >> 18)), at);
      out.append(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)), at);
      out.append(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), at);
      out.append(static_cast<char>(0x80 | (cp & 0x3F)), at);
    }
  }

  uint32_t hex4() {
    if (pos_ + 4 > text_.size()) fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
      else fail("bad \\u escape");
    }
    return v;
  }

  // At '"'. Returns the range of the contents (quotes excluded).
  ByteRange parse_string(MappedText& out) {
    ++pos_;
    uint32_t begin = pos_;
    while (true) {
      if (pos_ >= text_.size()) fail("unterminated string");
      char c = text_[pos_];
      if (c == '"') break;
      if (c == '\\') {
        uint32_t at = pos_;
        ++pos_;
        if (pos_ >= text_.size()) fail("unterminated string");
        char e = text_[pos_++];
        switch (e) {
          case 'n': out.append('\n', at); break;
          case 't': out.append('\t', at); break;
          case 'r': out.append('\r', at); break;
          case 'b': out.append('\b', at); break;
          case 'f': out.append('\f', at); break;
          case 'u': {
            uint32_t cp = hex4();
            if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 6 <= text_.size() && text_[pos_] == '\\' && text_[pos_ + 1] == 'u') {
              pos_ += 2;
              uint32_t lo = hex4();
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            append_utf8(out, cp, at);
            break;
          }
          default: out.append(e, at); break;
        }
        continue;
      }
      out.append(c, pos_);
      ++pos_;
    }
    ByteRange r{begin, pos_};
    out.set_end(pos_);
    ++pos_;
    return r;
  }

  void parse_value(Value& v, int depth) {
    if (depth > 200) fail("nesting too deep");
    skip_ws();
    if (pos_ >= text_.size()) fail("unexpected end of JSON");
    char c = text_[pos_];
    uint32_t begin = pos_;
    if (c == '{') {
      v.kind = Value::Kind::Mapping;
      ++pos_;
      skip_ws();
      if (pos_ < text_.size() && text_[pos_] == '}') {
        ++pos_;
      } else {
        while (true) {
          skip_ws();
          if (pos_ >= text_.size() || text_[pos_] != '"') fail("expected a string key");
          Value::Member m;
          m.key_range = parse_string(m.key);
          skip_ws();
          if (pos_ >= text_.size() || text_[pos_] != ':') fail("expected ':'");
          ++pos_;
          m.value = root_.make();
          parse_value(*m.value, depth + 1);
          v.members.push_back(std::move(m));
          skip_ws();
          if (pos_ < text_.size() && text_[pos_] == ',') { ++pos_; continue; }
          if (pos_ < text_.size() && text_[pos_] == '}') { ++pos_; break; }
          fail("expected ',' or '}'");
        }
      }
      v.range = {begin, pos_};
    } else if (c == '[') {
      v.kind = Value::Kind::Sequence;
      ++pos_;
      skip_ws();
      if (pos_ < text_.size() && text_[pos_] == ']') {
        ++pos_;
      } else {
        while (true) {
          Value* item = root_.make();
          parse_value(*item, depth + 1);
          v.items.push_back(item);
          skip_ws();
          if (pos_ < text_.size() && text_[pos_] == ',') { ++pos_; continue; }
          if (pos_ < text_.size() && text_[pos_] == ']') { ++pos_; break; }
          fail("expected ',' or ']'");
        }
      }
      v.range = {begin, pos_};
    } else if (c == '"') {
      v.kind = Value::Kind::Scalar;
      v.range = parse_string(v.scalar);
    } else {
      while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '-' ||
                                     text_[pos_] == '+' || text_[pos_] == '.'))
        ++pos_;
      if (pos_ == begin) fail(std::string("unexpected character '") + c + "'");
      v.kind = text_.substr(begin, pos_ - begin) == "null" ? Value::Kind::Null : Value::Kind::Scalar;
      if (v.kind == Value::Kind::Scalar) v.scalar.append_raw(text_.substr(begin, pos_ - begin), begin);
      else v.scalar.set_end(begin);
      v.range = {begin, pos_};
    }
  }
};

}  // namespace

ReadResult read_json(std::string_view text) {
  ReadResult result;
  Value root;
  try {
    JsonReader reader(text, root);
    reader.parse_document();
  } catch (const JsonError& e) {
    result.error = ReadError{e.message, e.offset};
    return result;
  }
  result.root = changelog_from_value(root);
  return result;
}

}  // namespace zerolock::liquibase
