#include "sql/alter_table_ops.h"

#include <unordered_map>

namespace zerolock::sql {
namespace {

using tree::child;
using tree::flag;
using tree::json;
using tree::str;

ConstraintKind constraint_kind(const std::string& contype) {
  static const std::unordered_map<std::string, ConstraintKind> kinds = {
      {"CONSTR_CHECK", ConstraintKind::Check},       {"CONSTR_FOREIGN", ConstraintKind::ForeignKey},
      {"CONSTR_UNIQUE", ConstraintKind::Unique},     {"CONSTR_PRIMARY", ConstraintKind::PrimaryKey},
      {"CONSTR_EXCLUSION", ConstraintKind::Exclusion}, {"CONSTR_NOTNULL", ConstraintKind::NotNull},
      {"CONSTR_DEFAULT", ConstraintKind::Default}};
  auto it = kinds.find(contype);
  return it == kinds.end() ? ConstraintKind::Other : it->second;
}

// Byte ranges of the comma-separated sub-commands of an ALTER statement: tokens after the
// relation name, split at commas outside parentheses.
std::vector<ByteRange> subcommand_ranges(const std::vector<Token>& tokens, std::string_view text, int relation_location) {
  std::vector<ByteRange> ranges;
  size_t i = 0;
  // Skip to the relation name token, then past the (possibly qualified) name.
  while (i < tokens.size() && static_cast<int>(tokens[i].begin) < relation_location) ++i;
  while (i < tokens.size() && !tokens[i].is_comment()) {
    ++i;  // the name part
    if (i < tokens.size() && tokens[i].is_char('.')) { ++i; continue; }
    break;
  }
  int depth = 0;
  bool open = false;
  ByteRange current;
  for (; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (t.is_comment()) continue;
    if (t.is_char(';') && depth == 0) break;
    if (!open) { current = {t.begin, t.end}; open = true; }
    if (t.is_char('(')) ++depth;
    if (t.is_char(')')) --depth;
    if (t.is_char(',') && depth == 0) {
      ranges.push_back(current);
      open = false;
      continue;
    }
    current.end = t.end;
  }
  if (open) ranges.push_back(current);
  (void)text;
  return ranges;
}

OpKind kind_of_subtype(const std::string& subtype) {
  static const std::unordered_map<std::string, OpKind> kinds = {
      {"AT_AddColumn", OpKind::AddColumn}, {"AT_AddColumnRecurse", OpKind::AddColumn},
      {"AT_DropColumn", OpKind::DropColumn}, {"AT_DropColumnRecurse", OpKind::DropColumn},
      {"AT_AlterColumnType", OpKind::AlterColumnType}, {"AT_SetNotNull", OpKind::SetNotNull},
      {"AT_DropNotNull", OpKind::DropNotNull}, {"AT_ColumnDefault", OpKind::SetDefault},
      {"AT_SetStatistics", OpKind::SetStatistics}, {"AT_SetStorage", OpKind::SetStorage},
      {"AT_SetCompression", OpKind::SetCompression}, {"AT_SetOptions", OpKind::SetColumnOptions},
      {"AT_ResetOptions", OpKind::SetColumnOptions}, {"AT_AddIdentity", OpKind::AddIdentity},
      {"AT_SetIdentity", OpKind::SetIdentity}, {"AT_DropIdentity", OpKind::DropIdentity},
      {"AT_DropExpression", OpKind::DropExpression}, {"AT_AddConstraint", OpKind::AddConstraint},
      {"AT_AddConstraintRecurse", OpKind::AddConstraint}, {"AT_ValidateConstraint", OpKind::ValidateConstraint},
      {"AT_ValidateConstraintRecurse", OpKind::ValidateConstraint}, {"AT_DropConstraint", OpKind::DropConstraint},
      {"AT_DropConstraintRecurse", OpKind::DropConstraint}, {"AT_AlterConstraint", OpKind::AlterConstraint},
      {"AT_AddIndexConstraint", OpKind::AddConstraint},
      {"AT_SetRelOptions", OpKind::SetTableOptions}, {"AT_ResetRelOptions", OpKind::SetTableOptions},
      {"AT_ReplaceRelOptions", OpKind::SetTableOptions}, {"AT_SetLogged", OpKind::SetLogged},
      {"AT_SetUnLogged", OpKind::SetUnlogged}, {"AT_SetTableSpace", OpKind::SetTablespace},
      {"AT_SetAccessMethod", OpKind::SetAccessMethod},
      {"AT_EnableRowSecurity", OpKind::EnableRowSecurity}, {"AT_DisableRowSecurity", OpKind::DisableRowSecurity},
      {"AT_ForceRowSecurity", OpKind::ForceRowSecurity}, {"AT_NoForceRowSecurity", OpKind::ForceRowSecurity},
      {"AT_ReplicaIdentity", OpKind::ReplicaIdentity}, {"AT_ClusterOn", OpKind::ClusterOn},
      {"AT_DropCluster", OpKind::SetWithoutCluster}, {"AT_AddInherit", OpKind::Inherit},
      {"AT_DropInherit", OpKind::NoInherit}, {"AT_AddOf", OpKind::OfType}, {"AT_DropOf", OpKind::NotOfType},
      {"AT_ChangeOwner", OpKind::ChangeOwner},
      {"AT_EnableTrig", OpKind::EnableTrigger}, {"AT_EnableAlwaysTrig", OpKind::EnableTrigger},
      {"AT_EnableReplicaTrig", OpKind::EnableTrigger}, {"AT_EnableTrigAll", OpKind::EnableTrigger},
      {"AT_EnableTrigUser", OpKind::EnableTrigger}, {"AT_DisableTrig", OpKind::DisableTrigger},
      {"AT_DisableTrigAll", OpKind::DisableTrigger}, {"AT_DisableTrigUser", OpKind::DisableTrigger},
      {"AT_EnableRule", OpKind::EnableRule}, {"AT_EnableAlwaysRule", OpKind::EnableRule},
      {"AT_EnableReplicaRule", OpKind::EnableRule}, {"AT_DisableRule", OpKind::DisableRule},
      {"AT_AttachPartition", OpKind::AttachPartition}, {"AT_DetachPartition", OpKind::DetachPartition},
      {"AT_DetachPartitionFinalize", OpKind::DetachPartition},
  };
  auto it = kinds.find(subtype);
  return it == kinds.end() ? OpKind::Other : it->second;
}

}  // namespace

ConstraintSpec constraint_spec(const json& node) {
  const json* c = child(node, "Constraint");
  const json& con = c ? *c : node;
  ConstraintSpec spec;
  spec.kind = constraint_kind(str(con, "contype"));
  spec.name = str(con, "conname");
  spec.not_valid = flag(con, "skip_validation");
  spec.using_index = str(con, "indexname");
  spec.columns = tree::string_list(child(con, "keys"));
  if (spec.kind == ConstraintKind::ForeignKey) {
    spec.columns = tree::string_list(child(con, "fk_attrs"));
    spec.referenced_table = tree::range_var(child(con, "pktable"));
    spec.referenced_columns = tree::string_list(child(con, "pk_attrs"));
  }
  spec.deferrable = flag(con, "deferrable");
  if (spec.kind == ConstraintKind::Check) {
    // CHECK (col IS NOT NULL): lets SET NOT NULL skip its scan from PostgreSQL 12.
    if (const json* expr = child(con, "raw_expr")) {
      if (const json* nt = child(*expr, "NullTest"); nt && str(*nt, "nulltesttype") == "IS_NOT_NULL") {
        if (const json* arg = child(*nt, "arg")) {
          if (const json* cr = child(*arg, "ColumnRef")) {
            std::vector<std::string> fields = tree::string_list(child(*cr, "fields"));
            if (fields.size() == 1) spec.not_null_column = fields.front();
          }
        }
      }
    }
  }
  return spec;
}

ColumnSpec column_spec(const json& node, std::string_view text) {
  (void)text;
  const json* d = child(node, "ColumnDef");
  const json& def = d ? *d : node;
  ColumnSpec col;
  col.name = str(def, "colname");
  col.type = tree::type_name(child(def, "typeName"));
  const std::string& tn = col.type.name;
  col.serial = tn == "serial" || tn == "bigserial" || tn == "smallserial" || tn == "serial4" || tn == "serial8" ||
               tn == "serial2";
  if (const json* cons = child(def, "constraints"); cons && cons->is_array()) {
    for (const json& item : *cons) {
      const json* c = child(item, "Constraint");
      if (!c) continue;
      std::string contype = str(*c, "contype");
      if (contype == "CONSTR_NOTNULL") col.not_null = true;
      else if (contype == "CONSTR_PRIMARY") { col.primary_key = true; col.not_null = true; }
      else if (contype == "CONSTR_UNIQUE") col.unique = true;
      else if (contype == "CONSTR_CHECK") col.has_check = true;
      else if (contype == "CONSTR_IDENTITY") col.identity = true;
      else if (contype == "CONSTR_GENERATED") col.generated_stored = true;
      else if (contype == "CONSTR_FOREIGN") {
        col.references = true;
        col.referenced_table = tree::range_var(child(*c, "pktable"));
      } else if (contype == "CONSTR_DEFAULT") {
        col.has_default = true;
        if (const json* expr = child(*c, "raw_expr")) {
          col.default_volatility = tree::expression_volatility(*expr);
          // A plain NULL default is no default at all for rewrite purposes.
          if (const json* ac = child(*expr, "A_Const"); ac && flag(*ac, "isnull")) col.has_default = false;
        }
      }
    }
  }
  if (col.serial) {
    col.has_default = true;  // nextval() of the new sequence
    col.default_volatility = Volatility::Volatile;
    col.not_null = true;
  }
  return col;
}

void alter_table_ops(const json& stmt, std::string_view text, const std::vector<Token>& tokens,
                     std::vector<Operation>& out) {
  const json* relation = child(stmt, "relation");
  QualifiedName table = tree::range_var(relation);
  std::string objtype = str(stmt, "objtype");
  bool missing_ok = flag(stmt, "missing_ok");
  bool only = relation && !flag(*relation, "inh");
  const json* cmds = child(stmt, "cmds");
  if (!cmds || !cmds->is_array()) return;
  std::vector<ByteRange> ranges = subcommand_ranges(tokens, text, relation ? tree::location(*relation) : 0);
  bool ranges_match = ranges.size() == cmds->size();

  for (size_t i = 0; i < cmds->size(); ++i) {
    const json* cmd = child((*cmds)[i], "AlterTableCmd");
    if (!cmd) continue;
    Operation op;
    op.table = table;
    op.if_exists = missing_ok;
    op.only = only;
    op.range = ranges_match ? ranges[i] : ByteRange{0, static_cast<uint32_t>(text.size())};
    std::string subtype = str(*cmd, "subtype");
    op.kind = kind_of_subtype(subtype);
    op.detail = subtype;
    op.column = str(*cmd, "name");
    op.cascade = str(*cmd, "behavior") == "DROP_CASCADE";
    const json* def = child(*cmd, "def");
    if (def && (op.kind == OpKind::AddColumn || op.kind == OpKind::SetDefault || op.kind == OpKind::AddConstraint))
      tree::string_constants(*def, op.string_literals);

    if (objtype == "OBJECT_INDEX") {
      // ALTER INDEX ... SET (...), ATTACH PARTITION, SET TABLESPACE
      op.object = table;
      op.table = {};
      op.kind = op.kind == OpKind::AttachPartition ? OpKind::AttachIndex : OpKind::AlterIndexSet;
    } else if (objtype == "OBJECT_SEQUENCE") {
      op.object = table;
      op.kind = OpKind::AlterSequence;
    } else if (objtype == "OBJECT_VIEW" || objtype == "OBJECT_MATVIEW") {
      op.object = table;
      op.detail = objtype + ":" + subtype;
      op.kind = OpKind::Other;
    }

    switch (op.kind) {
      case OpKind::AddColumn:
        if (def) {
          op.column_spec = column_spec(*def, text);
          op.column = op.column_spec->name;
          op.if_not_exists = flag(*cmd, "missing_ok");
        }
        break;
      case OpKind::DropColumn:
      case OpKind::DropConstraint:
        op.if_exists = flag(*cmd, "missing_ok");
        if (op.kind == OpKind::DropConstraint) op.object.name = op.column, op.column.clear();
        break;
      case OpKind::AlterColumnType:
        if (def) {
          const json* cd = child(*def, "ColumnDef");
          if (cd) {
            op.new_type = tree::type_name(child(*cd, "typeName"));
            op.using_expression = child(*cd, "raw_default") != nullptr;
          }
        }
        break;
      case OpKind::SetDefault:
        if (!def) {
          op.kind = OpKind::DropDefault;
        } else {
          ColumnSpec spec;
          spec.name = op.column;
          spec.has_default = true;
          spec.default_volatility = tree::expression_volatility(*def);
          op.column_spec = spec;
        }
        break;
      case OpKind::AddConstraint:
        if (def) {
          op.constraint = constraint_spec(*def);
          op.object.name = op.constraint->name;
        }
        break;
      case OpKind::ValidateConstraint:
        op.object.name = op.column;
        op.column.clear();
        break;
      case OpKind::AttachPartition:
      case OpKind::DetachPartition:
      case OpKind::AttachIndex:
        if (def) {
          if (const json* pc = child(*def, "PartitionCmd")) {
            op.object = tree::range_var(child(*pc, "name"));
            op.partition_detach_concurrently = flag(*pc, "concurrent");
            op.concurrently = op.partition_detach_concurrently;
          }
        }
        op.partition_detach_finalize = subtype == "AT_DetachPartitionFinalize";
        break;
      case OpKind::EnableTrigger:
      case OpKind::DisableTrigger:
        op.object.name = op.column;  // trigger name, empty for ALL / USER
        op.column.clear();
        break;
      case OpKind::ReplicaIdentity:
        if (def) {
          if (const json* ri = child(*def, "ReplicaIdentityStmt")) op.object.name = str(*ri, "name");  // USING INDEX ix
        }
        break;
      case OpKind::ClusterOn:
        op.object.name = op.column;
        op.column.clear();
        break;
      case OpKind::Inherit:
      case OpKind::NoInherit:
        if (def) op.object = tree::range_var(def);
        break;
      default:
        break;
    }
    out.push_back(std::move(op));
  }
}

}  // namespace zerolock::sql
