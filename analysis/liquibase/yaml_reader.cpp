// YAML changelogs through yaml-cpp. yaml-cpp gives each node's start Mark (line, column in
// bytes); LineIndex turns it into a byte offset. yaml-cpp gives no end positions and no raw
// text, so scalar extents are recovered from the source at the mark: quoted scalars up to their
// closing quote (escapes decoded into MappedText), block scalars (| and >) through their
// indented content lines (indentation removed, line ends kept so SQL comments still end), plain
// scalars as the bytes that match the parsed value (continuation lines when multi-line).
// Mappings and sequences end where their last member ends.
#include <yaml-cpp/yaml.h>

#include "liquibase/changelog_tree.h"
#include "liquibase/value_tree.h"
#include "text/line_index.h"

namespace zerolock::liquibase {
namespace {

class YamlConverter {
 public:
  YamlConverter(std::string_view text, Value& root) : text_(text), lines_(text), root_(root) {}

  uint32_t offset_of(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.line < 0) return 0;
    auto off = lines_.offset({static_cast<uint32_t>(mark.line), static_cast<uint32_t>(std::max(0, mark.column))},
                             ColumnEncoding::Utf8);
    return off ? *off : static_cast<uint32_t>(std::min<size_t>(static_cast<size_t>(std::max(0, mark.pos)), text_.size()));
  }

  void convert(const YAML::Node& node, Value& out, int depth) {
    uint32_t at = offset_of(node.Mark());
    if (depth > 200) return;
    switch (node.Type()) {
      case YAML::NodeType::Map: {
        out.kind = Value::Kind::Mapping;
        uint32_t end = at;
        for (auto it = node.begin(); it != node.end(); ++it) {
          Value::Member m;
          uint32_t key_at = offset_of(it->first.Mark());
          m.key_range = scalar_extent(it->first.IsScalar() ? it->first.Scalar() : std::string(), key_at, m.key);
          m.value = root_.make();
          convert(it->second, *m.value, depth + 1);
          if (it->second.IsNull()) {
            m.value->range = {m.key_range.end, m.key_range.end};
          }
          end = std::max({end, m.key_range.end, m.value->range.end});
          out.members.push_back(std::move(m));
        }
        out.range = {at, end};
        break;
      }
      case YAML::NodeType::Sequence: {
        out.kind = Value::Kind::Sequence;
        uint32_t end = at;
        for (const YAML::Node& item : node) {
          Value* v = root_.make();
          convert(item, *v, depth + 1);
          end = std::max(end, v->range.end);
          out.items.push_back(v);
        }
        out.range = {at, end};
        break;
      }
      case YAML::NodeType::Scalar:
        out.kind = Value::Kind::Scalar;
        out.range = scalar_extent(node.Scalar(), at, out.scalar);
        break;
      default:
        out.kind = Value::Kind::Null;
        out.range = {at, at};
        out.scalar.set_end(at);
        break;
    }
  }

 private:
  std::string_view text_;
  LineIndex lines_;
  Value& root_;

  uint32_t line_end(uint32_t i) const {
    size_t nl = text_.find('\n', i);
    uint32_t e = nl == std::string_view::npos ? static_cast<uint32_t>(text_.size()) : static_cast<uint32_t>(nl);
    if (e > i && text_[e - 1] == '\r') --e;
    return e;
  }
  uint32_t next_line(uint32_t i) const {
    size_t nl = text_.find('\n', i);
    return nl == std::string_view::npos ? static_cast<uint32_t>(text_.size()) : static_cast<uint32_t>(nl + 1);
  }
  uint32_t indent_of_line_at(uint32_t i) const {
    uint32_t start = lines_.line_start(lines_.line_of(i));
    uint32_t k = start;
    while (k < text_.size() && (text_[k] == ' ' || text_[k] == '-')) ++k;  // "- key:" counts the dash
    return k - start;
  }

  // Range of the scalar as written (quotes excluded) and its decoded value with offsets.
  ByteRange scalar_extent(const std::string& value, uint32_t at, MappedText& out) {
    const uint32_t n = static_cast<uint32_t>(text_.size());
    // Skip a tag or an anchor before the value.
    while (at < n && (text_[at] == '!' || text_[at] == '&')) {
      while (at < n && text_[at] != ' ' && text_[at] != '\n') ++at;
      while (at < n && text_[at] == ' ') ++at;
    }
    if (at >= n) {
      out.set_end(n);
      return {n, n};
    }
    char c = text_[at];
    if (c == '"') {
      uint32_t i = at + 1;
      while (i < n && text_[i] != '"') {
        if (text_[i] == '\\' && i + 1 < n) {
          char e = text_[i + 1];
          char d = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == '0' ? ' ' : e;
          if (e == '\n') {  // escaped line break: nothing
            i += 2;
            continue;
          }
          out.append(d, i);
          i += 2;
          continue;
        }
        out.append(text_[i], i);
        ++i;
      }
      out.set_end(i);
      return {at + 1, i};
    }
    if (c == '\'') {
      uint32_t i = at + 1;
      while (i < n) {
        if (text_[i] == '\'') {
          if (i + 1 < n && text_[i + 1] == '\'') {
            out.append('\'', i);
            i += 2;
            continue;
          }
          break;
        }
        out.append(text_[i], i);
        ++i;
      }
      out.set_end(i);
      return {at + 1, i};
    }
    if (c == '|' || c == '>') {
      uint32_t parent_indent = indent_of_line_at(at);
      uint32_t i = next_line(at);
      uint32_t content_indent = 0;
      uint32_t begin = i, end = i;
      bool first = true;
      while (i < n) {
        uint32_t e = line_end(i);
        uint32_t k = i;
        while (k < e && text_[k] == ' ') ++k;
        bool blank = k == e;
        if (!blank) {
          if (first) {
            content_indent = k - i;
            if (content_indent <= parent_indent && parent_indent > 0) break;
            first = false;
            begin = i;
          } else if (k - i < content_indent) {
            break;
          }
          uint32_t from = i + content_indent;
          out.append_raw(text_.substr(from, e - from), from);
          out.append('\n', e);
          end = e;
        } else if (!first) {
          out.append('\n', e);
        }
        i = next_line(i);
      }
      // Trailing blank lines are not content.
      while (!out.text.empty() && out.text.back() == '\n' && out.text.size() >= 2 && out.text[out.text.size() - 2] == '\n') {
        out.text.pop_back();
        out.offsets.pop_back();
      }
      out.set_end(end);
      return {first ? at : begin, end};
    }
    // Plain scalar.
    if (text_.substr(at, value.size()) == value) {
      out.append_raw(text_.substr(at, value.size()), at);
      out.set_end(at + static_cast<uint32_t>(value.size()));
      return {at, at + static_cast<uint32_t>(value.size())};
    }
    // Multi-line plain scalar: lines more indented than the key's line.
    uint32_t parent_indent = indent_of_line_at(at);
    uint32_t i = at, end = at;
    bool first = true;
    while (i < n) {
      uint32_t e = line_end(i);
      uint32_t k = i;
      while (k < e && (text_[k] == ' ' || text_[k] == '\t')) ++k;
      if (!first) {
        if (k == e) break;
        if (k - i <= parent_indent) break;
      }
      uint32_t stop = e;
      size_t hash = text_.substr(k, e - k).find(" #");
      if (hash != std::string_view::npos) stop = k + static_cast<uint32_t>(hash);
      if (!first) out.append('\n', i);
      out.append_raw(text_.substr(k, stop - k), k);
      end = stop;
      first = false;
      i = next_line(i);
      if (e == n) break;
    }
    out.set_end(end);
    return {at, end};
  }
};

}  // namespace

ReadResult read_yaml(std::string_view text) {
  ReadResult result;
  Value root;
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    YamlConverter converter(text, root);
    converter.convert(doc, root, 0);
  } catch (const YAML::Exception& e) {
    uint32_t offset = 0;
    if (!e.mark.is_null() && e.mark.line >= 0) {
      LineIndex lines(text);
      auto off = lines.offset({static_cast<uint32_t>(e.mark.line), static_cast<uint32_t>(std::max(0, e.mark.column))},
                              ColumnEncoding::Utf8);
      offset = off.value_or(0);
    }
    result.error = ReadError{e.msg, offset};
    return result;
  } catch (const std::exception& e) {
    result.error = ReadError{e.what(), 0};
    return result;
  }
  result.root = changelog_from_value(root);
  return result;
}

}  // namespace zerolock::liquibase
