#include "alembic/sqlalchemy_types.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace zerolock::alembic {
namespace {

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::optional<int64_t> int_of(const Expr* e) {
  if (!e || e->kind != ExprKind::Number) return std::nullopt;
  try {
    return std::stoll(e->text);
  } catch (...) {
    return std::nullopt;
  }
}

bool true_of(const Expr* e) { return e && e->kind == ExprKind::Constant && e->text == "True"; }

void render_sql(TypeInfo& t) {
  t.sql = t.name;
  if (!t.modifiers.empty()) {
    t.sql += "(";
    for (size_t i = 0; i < t.modifiers.size(); ++i) t.sql += (i ? "," : "") + std::to_string(t.modifiers[i]);
    t.sql += ")";
  }
  if (t.array) t.sql += "[]";
}

bool is_sqlalchemy(const std::string& qualified) {
  return qualified.rfind("sqlalchemy", 0) == 0 || qualified.rfind("sqlmodel", 0) == 0 ||
         qualified.find('.') == std::string::npos;  // a bare name: `from sqlalchemy import *` or a local alias
}

}  // namespace

TypeInfo sqlalchemy_type(const Expr& expr, std::string_view source, const NameResolver& resolve) {
  TypeInfo t;
  const Expr* call = expr.kind == ExprKind::Call ? &expr : nullptr;
  const Expr* callee = call ? call->value.get() : &expr;
  // sa.JSON().with_variant(postgresql.JSONB(), "postgresql"): the PostgreSQL variant wins.
  if (call && callee->kind == ExprKind::Attribute && callee->text == "with_variant") {
    const Expr* dialect = call->arg(1);
    if (dialect && dialect->kind == ExprKind::String && dialect->str.value == "postgresql" && call->arg(0))
      return sqlalchemy_type(*call->arg(0), source, resolve);
    if (callee->value) return sqlalchemy_type(*callee->value, source, resolve);
  }
  std::string qualified = (callee->kind == ExprKind::Name || callee->kind == ExprKind::Attribute) ? resolve(*callee) : "";
  std::string python(source.substr(expr.range.begin, expr.range.size()));
  if (qualified.empty() || !is_sqlalchemy(qualified)) {
    t.sql = python;
    return t;
  }
  std::string last = qualified.substr(qualified.rfind('.') == std::string::npos ? 0 : qualified.rfind('.') + 1);
  std::string u = upper(last);
  auto arg_or_kw = [&](size_t index, const char* kw) -> const Expr* {
    if (!call) return nullptr;
    if (const Expr* k = call->keyword(kw)) return k;
    return call->arg(index);
  };
  bool timezone = true_of(arg_or_kw(0, "timezone"));
  static const std::unordered_map<std::string, std::string> simple = {
      {"INTEGER", "int4"}, {"INT", "int4"}, {"SMALLINTEGER", "int2"}, {"SMALLINT", "int2"},
      {"BIGINTEGER", "int8"}, {"BIGINT", "int8"}, {"TEXT", "text"}, {"UNICODETEXT", "text"}, {"CLOB", "text"},
      {"BOOLEAN", "bool"}, {"DATE", "date"}, {"INTERVAL", "interval"}, {"FLOAT", "float8"},
      {"DOUBLE_PRECISION", "float8"}, {"DOUBLE", "float8"}, {"REAL", "float4"}, {"LARGEBINARY", "bytea"},
      {"BYTEA", "bytea"}, {"BLOB", "bytea"}, {"BINARY", "bytea"}, {"VARBINARY", "bytea"}, {"JSON", "json"},
      {"JSONB", "jsonb"}, {"UUID", "uuid"}, {"INET", "inet"}, {"CIDR", "cidr"}, {"MACADDR", "macaddr"},
      {"TSVECTOR", "tsvector"}, {"HSTORE", "hstore"}, {"MONEY", "money"}, {"OID", "oid"}, {"CITEXT", "citext"},
      {"BIT", "bit"}, {"INT4RANGE", "int4range"}, {"INT8RANGE", "int8range"}, {"NUMRANGE", "numrange"},
      {"DATERANGE", "daterange"}, {"TSRANGE", "tsrange"}, {"TSTZRANGE", "tstzrange"}, {"PICKLETYPE", "bytea"},
      {"REGCLASS", "regclass"}, {"XML", "xml"}};
  if (u == "STRING" || u == "VARCHAR" || u == "UNICODE" || u == "NVARCHAR" || u == "AUTOSTRING") {
    t.name = "varchar";
    if (auto n = int_of(arg_or_kw(0, "length"))) t.modifiers.push_back(*n);
  } else if (u == "CHAR" || u == "NCHAR") {
    t.name = "bpchar";
    t.modifiers.push_back(int_of(arg_or_kw(0, "length")).value_or(1));
  } else if (u == "DATETIME" || u == "TIMESTAMP") {
    t.name = timezone ? "timestamptz" : "timestamp";
    if (auto p = int_of(call ? call->keyword("precision") : nullptr)) t.modifiers.push_back(*p);
  } else if (u == "TIME") {
    t.name = timezone ? "timetz" : "time";
  } else if (u == "NUMERIC" || u == "DECIMAL") {
    t.name = "numeric";
    if (auto p = int_of(arg_or_kw(0, "precision"))) {
      t.modifiers.push_back(*p);
      if (auto s = int_of(arg_or_kw(1, "scale"))) t.modifiers.push_back(*s);
    }
  } else if (u == "FLOAT" && call && int_of(arg_or_kw(0, "precision")).value_or(53) <= 24) {
    t.name = "float4";
  } else if (u == "ARRAY") {
    const Expr* inner = arg_or_kw(0, "item_type");
    if (inner) t = sqlalchemy_type(*inner, source, resolve);
    if (t.name.empty()) {
      t.sql = python;
      return t;
    }
    t.array = true;
  } else if (u == "ENUM") {
    // The PostgreSQL type is the enum's name.
    const Expr* name = call ? call->keyword("name") : nullptr;
    if (name && name->kind == ExprKind::String) {
      t.name = name->str.value;
    } else {
      t.sql = python;
      return t;
    }
  } else if (auto it = simple.find(u); it != simple.end()) {
    t.name = it->second;
    if (t.name == "bit") {
      if (auto n = int_of(arg_or_kw(0, "length"))) t.modifiers.push_back(*n);
    }
  } else {
    t.sql = python;
    return t;
  }
  render_sql(t);
  return t;
}

}  // namespace zerolock::alembic
