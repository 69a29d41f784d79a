#pragma once
// The format-neutral shape of a Liquibase changelog. XML, YAML and JSON readers all produce a
// tree of Nodes shaped like the XML form (element name, attributes, child elements, text), each
// with exact byte ranges into the document, so one mapper (change_mapper) serves all three.
//
// Scalars keep a MappedText: the decoded value plus the document offset of every decoded byte,
// so SQL embedded in an attribute, a YAML block scalar or an XML text with entities maps back to
// the document byte for byte (escapes map to the offset of the escape's first byte).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/source_range.h"

namespace zerolock::liquibase {

struct MappedText {
  std::string text;
  std::vector<uint32_t> offsets;  // offsets.size() == text.size() + 1; the last is the end offset

  void append(char c, uint32_t offset) {
    if (offsets.empty()) offsets.push_back(offset);
    text.push_back(c);
    offsets.back() = offset;
    offsets.push_back(offset + 1);
  }
  // Appends `raw` which sits verbatim at document offset `at`.
  void append_raw(std::string_view raw, uint32_t at) {
    for (size_t i = 0; i < raw.size(); ++i) append(raw[i], at + static_cast<uint32_t>(i));
  }
  void append(const MappedText& other) {
    if (other.text.empty()) return;
    for (size_t i = 0; i < other.text.size(); ++i) append(other.text[i], other.offsets[i]);
    offsets.back() = other.offsets.back();
  }
  void set_end(uint32_t offset) {
    if (offsets.empty()) offsets.push_back(offset);
    else offsets.back() = offset;
  }
  [[nodiscard]] uint32_t doc(size_t index) const {
    if (offsets.empty()) return 0;
    return offsets[index < offsets.size() ? index : offsets.size() - 1];
  }
  // True when text is a verbatim copy of the document bytes starting at doc(0).
  [[nodiscard]] bool verbatim() const {
    for (size_t i = 0; i < offsets.size(); ++i)
      if (offsets[i] != offsets[0] + i) return false;
    return true;
  }
};

struct Attr {
  std::string name;
  MappedText value;
  ByteRange name_range;
  ByteRange value_range;  // the value as written (quotes excluded)
  [[nodiscard]] ByteRange range() const { return {name_range.begin, value_range.end}; }
};

struct Node {
  std::string name;
  ByteRange range;   // the whole element / mapping entry
  ByteRange head;    // the start tag / the key
  std::vector<Attr> attrs;
  std::vector<Node> children;
  MappedText text;   // concatenated character data (XML) or a scalar value (YAML/JSON)

  [[nodiscard]] const Attr* attr(std::string_view n) const {
    for (const Attr& a : attrs)
      if (a.name == n) return &a;
    return nullptr;
  }
  [[nodiscard]] std::string value(std::string_view n, std::string fallback = {}) const {
    const Attr* a = attr(n);
    return a ? a->value.text : fallback;
  }
  [[nodiscard]] const Node* child(std::string_view n) const {
    for (const Node& c : children)
      if (c.name == n) return &c;
    return nullptr;
  }
};

struct ReadError {
  std::string message;
  uint32_t offset = 0;
};

struct ReadResult {
  std::optional<Node> root;  // the databaseChangeLog node; nullopt when the document is not a changelog
  std::optional<ReadError> error;
};

ReadResult read_xml(std::string_view text);
ReadResult read_json(std::string_view text);
ReadResult read_yaml(std::string_view text);

}  // namespace zerolock::liquibase
