#include "sql/parse_tree.h"

#include "locks/volatility.h"

namespace zerolock::sql::tree {

const json* child(const json& node, const char* key) {
  if (!node.is_object()) return nullptr;
  auto it = node.find(key);
  return it == node.end() ? nullptr : &*it;
}

std::string str(const json& node, const char* key) {
  const json* c = child(node, key);
  return c && c->is_string() ? c->get<std::string>() : std::string();
}

bool flag(const json& node, const char* key) {
  const json* c = child(node, key);
  return c && c->is_boolean() && c->get<bool>();
}

int64_t integer(const json& node, const char* key, int64_t fallback) {
  const json* c = child(node, key);
  return c && c->is_number_integer() ? c->get<int64_t>() : fallback;
}

int location(const json& node) { return static_cast<int>(integer(node, "location", -1)); }

std::vector<std::string> string_list(const json* list) {
  std::vector<std::string> out;
  if (!list || !list->is_array()) return out;
  for (const json& item : *list) {
    if (const json* s = child(item, "String")) out.push_back(str(*s, "sval"));
  }
  return out;
}

std::vector<std::string> name_list(const json& node) {
  if (const json* list = child(node, "List")) return string_list(child(*list, "items"));
  if (node.is_array()) return string_list(&node);
  if (const json* s = child(node, "String")) return {str(*s, "sval")};
  return {};
}

QualifiedName qualified(const std::vector<std::string>& names) {
  QualifiedName q;
  if (names.empty()) return q;
  q.name = names.back();
  if (names.size() >= 2) q.schema = names[names.size() - 2];
  return q;
}

QualifiedName range_var(const json* node) {
  if (!node) return {};
  const json* rv = child(*node, "RangeVar");
  const json& r = rv ? *rv : *node;
  return QualifiedName{str(r, "schemaname"), str(r, "relname")};
}

std::string constant_text(const json& node) {
  const json* c = child(node, "A_Const");
  if (!c) c = &node;
  if (const json* s = child(*c, "sval")) return str(*s, "sval");
  if (const json* i = child(*c, "ival")) return std::to_string(integer(*i, "ival", 0));
  if (const json* f = child(*c, "fval")) return str(*f, "fval");
  if (const json* b = child(*c, "boolval")) return flag(*b, "boolval") ? "true" : "false";
  if (const json* i = child(*c, "Integer")) return std::to_string(integer(*i, "ival", 0));
  if (const json* s = child(*c, "String")) return str(*s, "sval");
  return {};
}

TypeInfo type_name(const json* node) {
  TypeInfo t;
  if (!node) return t;
  std::vector<std::string> names = string_list(child(*node, "names"));
  if (names.empty()) return t;
  // pg_catalog.int4 -> int4; keep user schemas.
  t.name = names.back();
  if (names.size() >= 2 && names[names.size() - 2] != "pg_catalog") t.name = names[names.size() - 2] + "." + t.name;
  if (const json* mods = child(*node, "typmods"); mods && mods->is_array()) {
    for (const json& m : *mods) {
      std::string text = constant_text(m);
      if (!text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-')) {
        try {
          t.modifiers.push_back(std::stoll(text));
        } catch (...) {
          // Not a number: a modifier such as an interval field; not needed for comparisons.
        }
      }
    }
  }
  t.array = child(*node, "arrayBounds") != nullptr;
  t.sql = t.name;
  if (!t.modifiers.empty()) {
    t.sql += "(";
    for (size_t i = 0; i < t.modifiers.size(); ++i) t.sql += (i ? "," : "") + std::to_string(t.modifiers[i]);
    t.sql += ")";
  }
  if (t.array) t.sql += "[]";
  return t;
}

namespace {
void walk_volatility(const json& node, Volatility& v) {
  if (node.is_array()) {
    for (const json& item : node) walk_volatility(item, v);
    return;
  }
  if (!node.is_object()) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string& key = it.key();
    if (key == "FuncCall") {
      std::vector<std::string> names = string_list(child(it.value(), "funcname"));
      Volatility f = Volatility::Unknown;
      if (!names.empty() && (names.size() == 1 || names.front() == "pg_catalog")) f = function_volatility(names.back());
      v = most_volatile(v, f);
    } else if (key == "SQLValueFunction") {
      v = most_volatile(v, Volatility::Stable);  // CURRENT_TIMESTAMP, CURRENT_USER ...: stable
    } else if (key == "SubLink") {
      v = most_volatile(v, Volatility::Volatile);  // PostgreSQL rejects subqueries in defaults anyway
    } else if (key == "A_Expr" || key == "TypeCast" || key == "BoolExpr" || key == "CoalesceExpr" ||
               key == "CaseExpr" || key == "MinMaxExpr" || key == "NullTest" || key == "A_ArrayExpr" ||
               key == "RowExpr" || key == "CollateClause") {
      // Operators and casts on built-in types are immutable or stable; their arguments decide.
      if (key == "TypeCast") v = most_volatile(v, Volatility::Immutable);
    }
    walk_volatility(it.value(), v);
  }
}
}  // namespace

Volatility expression_volatility(const json& expr) {
  Volatility v = Volatility::Immutable;
  walk_volatility(expr, v);
  return v;
}

void string_constants(const json& node, std::vector<std::string>& out, size_t limit) {
  if (out.size() >= limit) return;
  if (node.is_array()) {
    for (const json& item : node) string_constants(item, out, limit);
    return;
  }
  if (!node.is_object()) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (it.key() == "A_Const") {
      if (const json* s = child(it.value(), "sval")) {
        if (out.size() < limit) out.push_back(str(*s, "sval"));
      }
      continue;
    }
    string_constants(it.value(), out, limit);
  }
}

}  // namespace zerolock::sql::tree
