// Splitting a changeSet at a rewritten change (see liquibase_renderer.cpp). The rewrite's
// changeSets run after the changeSet that held the change; changes written after it in that
// changeSet must still run after it, so they move, as written, into a changeSet `<id>-rest` placed
// after the rewrite's changeSets, with the original's author and attributes. Their elements are
// kept as they are, so Liquibase still derives their rollback by itself.
//
// The renderer replaces the changeSet's tail (from the end of what stays to its end) with
//   kept_changeset_closing + the rewrite's changeSets + rest_changeset_opening + the moved changes
// (the moved changes and the original closing copied byte for byte).
#include "fixes/liquibase_renderer.h"

namespace zerolock::fixes::lbfix {

std::string kept_changeset_closing(const std::optional<std::vector<std::string>>& rollback, const Style& st,
                                   const std::string& member_indent) {
  Style rs = st;
  rs.key_indent = member_indent;
  std::string rb = rollback ? rollback_text(*rollback, rs) : std::string();
  switch (st.format) {
    case Format::LiquibaseXml:
      return (rollback ? st.eol + member_indent + rb : "") + st.eol + st.item_indent + "</changeSet>";
    case Format::LiquibaseYaml: return rollback ? st.eol + member_indent + rb : "";
    case Format::LiquibaseJson:
      return st.eol + member_indent + "]" + (rollback ? "," + st.eol + member_indent + rb : "") + st.eol + st.key_indent + "}" +
             st.eol + st.item_indent + "}";
    default: return {};
  }
}

std::optional<std::string> rest_changeset_opening(std::string_view text, const liquibase::Node& cs, const std::string& old_id,
                                                  const std::string& rest_id, const std::string& comment, const Style& st,
                                                  const std::string& member_indent) {
  const std::string& eol = st.eol;
  if (st.format == Format::LiquibaseXml) {
    // The start tag as written (attribute order, quotes, line breaks), with the new id.
    const liquibase::Attr* id = cs.attr("id");
    if (!id || cs.head.end <= cs.head.begin || text[cs.head.begin] != '<' || text[cs.head.end - 1] != '>' ||
        id->value_range.begin < cs.head.begin || id->value_range.end > cs.head.end)
      return std::nullopt;
    // The id as written when it starts the new one (entities kept), else escaped.
    std::string_view written = text.substr(id->value_range.begin, id->value_range.size());
    std::string value;
    if (rest_id.compare(0, old_id.size(), old_id) == 0) {
      value = std::string(written) + rest_id.substr(old_id.size());
    } else {
      for (char c : rest_id) value += c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '"' ? "&quot;" : c == '\'' ? "&apos;" : std::string(1, c);
    }
    std::string tag(text.substr(cs.head.begin, id->value_range.begin - cs.head.begin));
    tag += value;
    tag += text.substr(id->value_range.end, cs.head.end - id->value_range.end);
    return tag + (comment.empty() ? "" : eol + member_indent + "<!-- " + comment + " -->");
  }
  // YAML and JSON: the keys other than id, copied as written (each on its own line).
  std::string out;
  if (st.format == Format::LiquibaseYaml) {
    out = "- changeSet:" + eol;
    if (!comment.empty()) out += member_indent + "# " + comment + eol;
    out += member_indent + "id: " + yaml_quoted(rest_id) + eol;
  } else {
    out = "{" + eol + st.key_indent + "\"changeSet\": {" + eol + member_indent + "\"id\": " + json_string(rest_id) + "," + eol;
  }
  for (const liquibase::Attr& a : cs.attrs) {
    if (a.name == "id") continue;
    uint32_t b = a.name_range.begin, e = a.value_range.end;
    if (st.format == Format::LiquibaseJson) {
      if (b > 0 && text[b - 1] == '"') --b;
      if (e < text.size() && text[e] == '"') ++e;
    }
    uint32_t ls = line_start(text, b);
    if (!only_space(text.substr(ls, b - ls))) return std::nullopt;  // keys sharing a line: not copied
    out += member_indent + std::string(text.substr(b, e - b)) + (st.format == Format::LiquibaseJson ? "," : "") + eol;
  }
  return out + member_indent + (st.format == Format::LiquibaseJson ? "\"changes\": [" : "changes:");
}

}  // namespace zerolock::fixes::lbfix
