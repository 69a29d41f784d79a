#pragma once
// Readers for libpg_query's JSON parse trees (nlohmann::json): names, relations, types,
// constants and default-expression volatility.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/operation.h"

namespace zerolock::sql::tree {

using json = nlohmann::json;

const json* child(const json& node, const char* key);            // nullptr when absent
std::string str(const json& node, const char* key);              // "" when absent
bool flag(const json& node, const char* key);                    // false when absent
int64_t integer(const json& node, const char* key, int64_t fallback = 0);
int location(const json& node);                                   // -1 when absent

// {"String":{"sval":"x"}} items of a list -> ["x", ...]
std::vector<std::string> string_list(const json* list);
// A "List" node or a plain array of String nodes.
std::vector<std::string> name_list(const json& node);
QualifiedName qualified(const std::vector<std::string>& names);
QualifiedName range_var(const json* range_var_node);              // {"relname":..,"schemaname":..}
TypeInfo type_name(const json* type_name_node);
// A constant's text ("5s", "5000", "0"), empty when the node is not an A_Const.
std::string constant_text(const json& node);
// The most volatile function in an expression (constants: immutable; CURRENT_TIMESTAMP: stable).
Volatility expression_volatility(const json& expr);
// Appends the string constants ('x') found anywhere under `node`, up to `limit` in all.
void string_constants(const json& node, std::vector<std::string>& out, size_t limit = 32);

}  // namespace zerolock::sql::tree
