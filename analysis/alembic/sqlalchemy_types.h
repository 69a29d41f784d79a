#pragma once
// SQLAlchemy column types -> PostgreSQL types, as SQLAlchemy's PostgreSQL dialect renders them
// (sa.String(255) -> varchar(255), sa.DateTime(timezone=True) -> timestamptz, postgresql.JSONB -> jsonb).
#include <functional>
#include <string>
#include <string_view>

#include "alembic/python_parser.h"
#include "model/operation.h"

namespace zerolock::alembic {

// Resolves a Name/Attribute expression through the file's imports: "sa.String" -> "sqlalchemy.String".
using NameResolver = std::function<std::string(const Expr&)>;

// The PostgreSQL type of a SQLAlchemy type expression (sa.Integer, sa.String(255), postgresql.ARRAY(sa.Text)).
// An empty TypeInfo::name means "not a type zerolock knows" (a project's own TypeDecorator);
// TypeInfo::sql then holds the Python text.
TypeInfo sqlalchemy_type(const Expr& expr, std::string_view source, const NameResolver& resolve);

}  // namespace zerolock::alembic
