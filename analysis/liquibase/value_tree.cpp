#include "liquibase/value_tree.h"

namespace zerolock::liquibase {
namespace {

bool is_scalar(const Value* v) { return v && (v->kind == Value::Kind::Scalar || v->kind == Value::Kind::Null); }

void fill(Node& node, const Value& value);

// A list under `key`: single-key mappings become child elements named by their key
// (changes: [- createTable: ...], columns: [- column: ...]); scalars become `key` children with text.
void fill_list(Node& node, const std::string& key, ByteRange key_range, const Value& list) {
  for (const Value* item : list.items) {
    if (item->kind == Value::Kind::Mapping && item->members.size() == 1) {
      const Value::Member& m = item->members[0];
      Node child;
      child.name = m.key.text;
      child.head = m.key_range;
      fill(child, *m.value);
      child.range = {m.key_range.begin, std::max(m.key_range.end, m.value->range.end)};
      node.children.push_back(std::move(child));
    } else if (item->kind == Value::Kind::Mapping) {
      // A list of plain mappings (e.g. a rollback list written without keys): element named by the list key.
      Node child;
      child.name = key;
      child.head = key_range;
      fill(child, *item);
      child.range = item->range;
      node.children.push_back(std::move(child));
    } else if (is_scalar(item)) {
      Node child;
      child.name = key;
      child.head = item->range;
      child.range = item->range;
      child.text = item->scalar;
      node.children.push_back(std::move(child));
    }
  }
}

void fill(Node& node, const Value& value) {
  switch (value.kind) {
    case Value::Kind::Null:
    case Value::Kind::Scalar:
      node.text = value.scalar;
      break;
    case Value::Kind::Sequence:
      fill_list(node, node.name, node.head, value);
      break;
    case Value::Kind::Mapping:
      for (const Value::Member& m : value.members) {
        if (is_scalar(m.value)) {
          Attr a;
          a.name = m.key.text;
          a.name_range = m.key_range;
          a.value = m.value->scalar;
          a.value_range = m.value->range;
          node.attrs.push_back(std::move(a));
        } else if (m.value->kind == Value::Kind::Sequence) {
          // `changes:` and `columns:` lists hold the elements themselves; other lists get a wrapper
          // element (rollback: [...], preConditions: [...]).
          if (m.key.text == "changes" || m.key.text == "columns" || m.key.text == "databaseChangeLog") {
            fill_list(node, m.key.text, m.key_range, *m.value);
          } else {
            Node child;
            child.name = m.key.text;
            child.head = m.key_range;
            fill_list(child, m.key.text == "rollback" ? std::string("sql") : m.key.text, m.key_range, *m.value);
            child.range = {m.key_range.begin, std::max(m.key_range.end, m.value->range.end)};
            node.children.push_back(std::move(child));
          }
        } else {
          Node child;
          child.name = m.key.text;
          child.head = m.key_range;
          fill(child, *m.value);
          child.range = {m.key_range.begin, std::max(m.key_range.end, m.value->range.end)};
          node.children.push_back(std::move(child));
        }
      }
      break;
  }
}

}  // namespace

std::optional<Node> changelog_from_value(const Value& document) {
  if (document.kind != Value::Kind::Mapping) return std::nullopt;
  for (const Value::Member& m : document.members) {
    if (m.key.text != "databaseChangeLog") continue;
    Node root;
    root.name = "databaseChangeLog";
    root.head = m.key_range;
    root.range = {m.key_range.begin, std::max(m.key_range.end, m.value->range.end)};
    if (m.value->kind == Value::Kind::Sequence) fill_list(root, "databaseChangeLog", m.key_range, *m.value);
    else fill(root, *m.value);
    return root;
  }
  return std::nullopt;
}

}  // namespace zerolock::liquibase
