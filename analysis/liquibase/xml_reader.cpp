// XML changelogs with exact positions.
//
// Approach: pugixml parses the document (structure, well-formedness, error offsets). It reports
// where an element's *name* starts (xml_node::offset_debug(), valid because the buffer is UTF-8
// and parsed without conversion), and where character data / CDATA values start, but not where
// attributes or end tags are. So from each element's name offset this reader scans the start
// tag itself (attribute names, quoted values, `/>` or `>`), decodes attribute values and text
// with entity references into MappedText (each decoded byte keeps the offset of the source byte
// or entity it came from), and finds the end tag after the last child. Ranges are therefore
// exact byte offsets of the element ('<' .. '>' of its end tag), its start tag, each
// attribute's name and value (quotes excluded), and every text byte.
#include <pugixml.hpp>

#include <cctype>
#include <cstring>

#include "liquibase/changelog_tree.h"

namespace zerolock::liquibase {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Decodes XML entity references in text[begin, end) into out.
void decode_entities(std::string_view text, uint32_t begin, uint32_t end, MappedText& out) {
  uint32_t i = begin;
  while (i < end) {
    char c = text[i];
    if (c == '&') {
      size_t semi = text.find(';', i);
      if (semi != std::string_view::npos && semi < end && semi - i <= 10) {
        std::string_view ent = text.substr(i + 1, semi - i - 1);
        std::string decoded;
        if (ent == "lt") decoded = "<";
        else if (ent == "gt") decoded = ">";
        else if (ent == "amp") decoded = "&";
        else if (ent == "quot") decoded = "\"";
        else if (ent == "apos") decoded = "'";
        else if (!ent.empty() && ent[0] == '#') {
          unsigned long cp = 0;
          try {
            cp = (ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X')) ? std::stoul(std::string(ent.substr(2)), nullptr, 16)
                                                                     : std::stoul(std::string(ent.substr(1)));
          } catch (...) {
            cp = '?';
          }
          if (cp < 0x80) decoded.push_back(static_cast<char>(cp));
          else if (cp < 0x800) {
            decoded.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            decoded.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          } else if (cp < 0x10000) {
            decoded.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            decoded.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            decoded.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          } else {
            decoded.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            decoded.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            decoded.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            decoded.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
          }
        }
        if (!decoded.empty()) {
          for (char d : decoded) out.append(d, i);
          i = static_cast<uint32_t>(semi + 1);
          continue;
        }
      }
    }
    out.append(c, i);
    ++i;
  }
  out.set_end(end);
}

struct Reader {
  std::string_view text;

  // Scans the start tag whose name begins at `name_at`. Fills attrs, returns the offset after '>'
  // and whether the tag is self-closing.
  uint32_t scan_start_tag(uint32_t name_at, Node& node, bool& self_closing) {
    uint32_t i = name_at;
    const uint32_t n = static_cast<uint32_t>(text.size());
    while (i < n && !is_space(text[i]) && text[i] != '>' && text[i] != '/') ++i;
    self_closing = false;
    while (i < n) {
      while (i < n && is_space(text[i])) ++i;
      if (i >= n) break;
      if (text[i] == '/') {
        self_closing = true;
        ++i;
        continue;
      }
      if (text[i] == '>') return i + 1;
      Attr attr;
      uint32_t name_begin = i;
      while (i < n && !is_space(text[i]) && text[i] != '=' && text[i] != '>' && text[i] != '/') ++i;
      attr.name = std::string(text.substr(name_begin, i - name_begin));
      attr.name_range = {name_begin, i};
      while (i < n && is_space(text[i])) ++i;
      if (i < n && text[i] == '=') {
        ++i;
        while (i < n && is_space(text[i])) ++i;
        if (i < n && (text[i] == '"' || text[i] == '\'')) {
          char quote = text[i++];
          uint32_t value_begin = i;
          while (i < n && text[i] != quote) ++i;
          attr.value_range = {value_begin, i};
          decode_entities(text, value_begin, i, attr.value);
          // XML attribute-value normalisation: tabs and line ends read as spaces.
          for (char& c : attr.value.text)
            if (c == '\n' || c == '\r' || c == '\t') c = ' ';
          if (i < n) ++i;
        }
      } else {
        attr.value_range = {i, i};
      }
      if (attr.value.offsets.empty()) attr.value.set_end(attr.value_range.begin);
      // Strip a namespace prefix from attribute names (xsi:schemaLocation stays as is).
      node.attrs.push_back(std::move(attr));
    }
    return n;
  }

  Node convert(const pugi::xml_node& element) {
    Node node;
    std::string full = element.name();
    size_t colon = full.find(':');
    node.name = colon == std::string::npos ? full : full.substr(colon + 1);
    const uint32_t name_at = static_cast<uint32_t>(element.offset_debug());
    const uint32_t lt = name_at > 0 ? name_at - 1 : 0;
    bool self_closing = false;
    uint32_t tag_end = scan_start_tag(name_at, node, self_closing);
    node.head = {lt, tag_end};
    uint32_t last = tag_end;
    for (pugi::xml_node child : element.children()) {
      switch (child.type()) {
        case pugi::node_element: {
          Node c = convert(child);
          last = std::max(last, c.range.end);
          node.children.push_back(std::move(c));
          break;
        }
        case pugi::node_pcdata: {
          uint32_t begin = static_cast<uint32_t>(child.offset_debug());
          size_t end = text.find('<', begin);
          if (end == std::string_view::npos) end = text.size();
          decode_entities(text, begin, static_cast<uint32_t>(end), node.text);
          last = std::max(last, static_cast<uint32_t>(end));
          break;
        }
        case pugi::node_cdata: {
          uint32_t begin = static_cast<uint32_t>(child.offset_debug());
          size_t end = text.find("]]>", begin);
          if (end == std::string_view::npos) end = text.size();
          node.text.append_raw(text.substr(begin, end - begin), begin);
          node.text.set_end(static_cast<uint32_t>(end));
          last = std::max(last, static_cast<uint32_t>(std::min(end + 3, text.size())));
          break;
        }
        case pugi::node_comment: {
          uint32_t begin = static_cast<uint32_t>(child.offset_debug());
          size_t end = text.find("-->", begin);
          last = std::max(last, static_cast<uint32_t>(end == std::string_view::npos ? text.size() : end + 3));
          break;
        }
        default:
          break;
      }
    }
    if (self_closing) {
      node.range = {lt, tag_end};
    } else {
      std::string close = "</" + full;
      size_t at = text.find(close, last);
      size_t gt = at == std::string_view::npos ? std::string_view::npos : text.find('>', at);
      node.range = {lt, gt == std::string_view::npos ? static_cast<uint32_t>(text.size()) : static_cast<uint32_t>(gt + 1)};
    }
    return node;
  }
};

}  // namespace

ReadResult read_xml(std::string_view text) {
  ReadResult result;
  pugi::xml_document doc;
  // pugixml parses in place in its own copy of the buffer; offsets are relative to our text.
  pugi::xml_parse_result parsed =
      doc.load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_comments, pugi::encoding_utf8);
  if (!parsed) {
    result.error = ReadError{parsed.description(), static_cast<uint32_t>(std::max<ptrdiff_t>(0, parsed.offset))};
    return result;
  }
  pugi::xml_node root = doc.document_element();
  if (!root) return result;
  std::string name = root.name();
  size_t colon = name.find(':');
  if ((colon == std::string::npos ? name : name.substr(colon + 1)) != "databaseChangeLog") return result;
  Reader reader{text};
  result.root = reader.convert(root);
  return result;
}

}  // namespace zerolock::liquibase
