#include "locks/lock_model.h"

#include <algorithm>

namespace zerolock {
namespace {

using M = LockMode;

LockEffect on_table(const Operation& op, LockMode mode) {
  LockEffect e;
  if (!op.table.empty()) e.locks.push_back({op.table.display(), mode, RelationRole::Table});
  for (const QualifiedName& extra : op.extra_tables) e.locks.push_back({extra.display(), mode, RelationRole::Table});
  return e;
}

LockEffect on_object(const QualifiedName& name, LockMode mode, RelationRole role) {
  LockEffect e;
  if (!name.empty()) e.locks.push_back({name.display(), mode, role});
  return e;
}

void add(LockEffect& e, const QualifiedName& name, LockMode mode, RelationRole role) {
  if (!name.empty()) e.locks.push_back({name.display(), mode, role});
}

// Decides whether ADD COLUMN rewrites the table.
void add_column_effect(const Operation& op, const LockContext& ctx, LockEffect& e) {
  if (!op.column_spec) return;
  const ColumnSpec& c = *op.column_spec;
  if (c.generated_stored || c.identity || c.serial) {
    e.rewrite = true;
  } else if (c.has_default) {
    if (ctx.pg_version < 11) {
      e.rewrite = true;
      e.note = "Before PostgreSQL 11 any non-NULL default rewrites the table.";
    } else if (c.default_volatility == Volatility::Volatile) {
      e.rewrite = true;
    } else if (c.default_volatility == Volatility::Unknown) {
      e.note = "The default calls a function zerolock cannot classify; a VOLATILE function would rewrite the table.";
    }
  }
  if (c.has_check || (c.not_null && !c.has_default)) e.scan = true;  // checked against existing rows
  if (c.primary_key || c.unique) e.scan = true;                        // builds an index
  if (c.references) add(e, c.referenced_table, M::ShareRowExclusive, RelationRole::ReferencedTable);
}

// timestamp <-> timestamptz: no table rewrite from PostgreSQL 12 when the session time zone is UTC
// (the indexes on the column are still rebuilt).
LockEffect timestamp_zone_change_effect(const Operation& op, const LockContext& ctx) {
  LockEffect e = on_table(op, M::AccessExclusive);
  if (ctx.pg_version < 12) {
    e.rewrite = true;
    e.note = "Before PostgreSQL 12 changing between timestamp and timestamptz always rewrites the table.";
  } else if (ctx.time_zone == SessionTimeZone::Utc) {
    e.rewrite = ctx.schema && ctx.schema->column_is_indexed(op.table, op.column);
    e.note = e.rewrite ? "The session time zone is UTC, so the table is not rewritten, but PostgreSQL still rebuilds "
                         "the indexes on the column."
                       : "No rewrite: the session time zone is UTC, where timestamp and timestamptz are binary "
                         "compatible (PostgreSQL 12+); an index on the column would still be rebuilt.";
  } else {
    e.rewrite = true;
    e.note = ctx.time_zone == SessionTimeZone::NotUtc
                 ? "Rewrites the table and its indexes unless the session time zone is UTC; the migration sets "
                   "another time zone."
                 : "Rewrites the table and its indexes unless the session time zone is UTC; the migration does not "
                   "set the time zone (SET TIME ZONE 'UTC' before it makes the change metadata-only, and converts the "
                   "values as UTC).";
  }
  return e;
}

LockEffect alter_column_type_effect(const Operation& op, const LockContext& ctx) {
  const TypeInfo* from = ctx.schema ? ctx.schema->column_type(op.table, op.column) : nullptr;
  if (!op.using_expression && op.new_type && from && type_change_is_timestamp_zone_change(*from, *op.new_type))
    return timestamp_zone_change_effect(op, ctx);
  LockEffect e = on_table(op, M::AccessExclusive);
  if (op.using_expression || !op.new_type || !from || !type_change_is_binary_compatible(*from, *op.new_type)) {
    e.rewrite = true;
    if (!op.using_expression && op.new_type && !from)
      e.note = "Rewrites the table and its indexes unless the change is binary compatible (e.g. varchar(n) to a larger "
               "n or to text); the current type is unknown here.";
  }
  return e;
}

LockEffect add_constraint_effect(const Operation& op, const LockContext& ctx) {
  (void)ctx;
  LockEffect e;
  if (!op.constraint) return on_table(op, M::AccessExclusive);
  const ConstraintSpec& c = *op.constraint;
  switch (c.kind) {
    case ConstraintKind::ForeignKey:
      // Triggers are added on both tables: SHARE ROW EXCLUSIVE on each.
      e = on_table(op, M::ShareRowExclusive);
      add(e, c.referenced_table, M::ShareRowExclusive, RelationRole::ReferencedTable);
      e.scan = !c.not_valid;
      break;
    case ConstraintKind::Check:
      e = on_table(op, M::AccessExclusive);
      e.scan = !c.not_valid;
      break;
    case ConstraintKind::Unique:
    case ConstraintKind::PrimaryKey:
    case ConstraintKind::Exclusion:
      e = on_table(op, M::AccessExclusive);
      if (c.using_index.empty()) {
        e.scan = true;  // builds the index under the lock
      } else {
        add(e, QualifiedName{op.table.schema, c.using_index}, M::ShareUpdateExclusive, RelationRole::Index);
        // A primary key also sets NOT NULL on its columns, which scans unless already NOT NULL.
        if (c.kind == ConstraintKind::PrimaryKey) e.scan = true;
      }
      break;
    default:
      e = on_table(op, M::AccessExclusive);
      break;
  }
  return e;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ALTER TABLE ... SET TABLESPACE / SET ACCESS METHOD to what a table almost always already has is a
// no-op; anything else copies every block under ACCESS EXCLUSIVE.
void storage_move_effect(const Operation& op, std::string_view usual_target, LockEffect& e) {
  if (op.column == usual_target) {
    e.note = "No copy when the relation already uses " + std::string(usual_target) +
             " (the usual case); otherwise every block is copied under ACCESS EXCLUSIVE.";
  } else {
    e.rewrite = true;
  }
}

// Adds the lock on an index's table when the schema knows which table that is.
bool add_index_table(LockEffect& e, const LockContext& ctx, const QualifiedName& index, LockMode mode) {
  const QualifiedName* table = ctx.schema ? ctx.schema->index_table(index) : nullptr;
  if (!table) return false;
  add(e, *table, mode, RelationRole::Table);
  return true;
}

LockMode lock_statement_mode(const std::string& number) {
  // PostgreSQL's LOCKMODE numbers: 1 AccessShare ... 8 AccessExclusive; same order as LockMode.
  int n = 8;
  try {
    n = std::stoi(number);
  } catch (...) {
  }
  if (n < 1 || n > 8) n = 8;
  return static_cast<LockMode>(n);
}

}  // namespace

LockMode LockEffect::strongest() const {
  LockMode m = LockMode::None;
  for (const RelationLock& l : locks) m = std::max(m, l.mode);
  return m;
}

void LockEffect::merge(const LockEffect& other) {
  for (const RelationLock& l : other.locks) {
    auto it = std::find_if(locks.begin(), locks.end(), [&](const RelationLock& x) { return x.relation == l.relation; });
    if (it == locks.end()) locks.push_back(l);
    else it->mode = std::max(it->mode, l.mode);
  }
  rewrite = rewrite || other.rewrite;
  scan = scan || other.scan;
  transactional = transactional && other.transactional;
  known = known && other.known;
  if (!other.note.empty() && note.find(other.note) == std::string::npos) note += (note.empty() ? "" : " ") + other.note;
}

namespace {
LockEffect lock_effect_of_kind(const Operation& op, const LockContext& ctx);
}

// The operation's own locks plus ACCESS SHARE (ROW SHARE with FOR UPDATE/SHARE) on every
// relation a query inside it reads, unless the operation already locks that relation harder.
LockEffect lock_effect(const Operation& op, const LockContext& ctx) {
  LockEffect e = lock_effect_of_kind(op, ctx);
  if (op.read_tables.empty()) return e;
  LockEffect reads;
  for (const QualifiedName& t : op.read_tables)
    add(reads, t, op.read_for_update ? M::RowShare : M::AccessShare, RelationRole::Table);
  bool known = e.known;
  e.merge(reads);
  e.known = known;
  return e;
}

namespace {
LockEffect lock_effect_of_kind(const Operation& op, const LockContext& ctx) {
  const int v = ctx.pg_version;
  LockEffect e;
  switch (op.kind) {
    case OpKind::CreateTable:
      if (op.detail == "partition") {
        // CREATE TABLE ... PARTITION OF takes ACCESS EXCLUSIVE on the parent.
        for (const QualifiedName& parent : op.extra_tables) add(e, parent, M::AccessExclusive, RelationRole::PartitionParent);
      } else {
        for (const QualifiedName& parent : op.extra_tables) add(e, parent, M::ShareUpdateExclusive, RelationRole::PartitionParent);
      }
      for (const ColumnSpec& c : op.columns)
        if (c.references) add(e, c.referenced_table, M::ShareRowExclusive, RelationRole::ReferencedTable);
      for (const ConstraintSpec& c : op.table_constraints)
        if (c.kind == ConstraintKind::ForeignKey) add(e, c.referenced_table, M::ShareRowExclusive, RelationRole::ReferencedTable);
      return e;
    case OpKind::CreateTableAs:
    case OpKind::CreateMaterializedView:
    case OpKind::CreateView:
      if (op.kind == OpKind::CreateView && op.detail == "replace") return on_table(op, M::AccessExclusive);
      return e;
    case OpKind::DropTable:
    case OpKind::DropView:
    case OpKind::DropMaterializedView:
    case OpKind::RenameTable:
    case OpKind::RenameColumn:
    case OpKind::RenameConstraint:
    case OpKind::SetTableSchema:
    case OpKind::DropColumn:
    case OpKind::DropNotNull:
    case OpKind::SetDefault:
    case OpKind::DropDefault:
    case OpKind::SetStorage:
    case OpKind::SetCompression:
    case OpKind::EnableRowSecurity:
    case OpKind::DisableRowSecurity:
    case OpKind::ForceRowSecurity:
    case OpKind::ChangeOwner:
    case OpKind::AddIdentity:
    case OpKind::SetIdentity:
    case OpKind::DropIdentity:
    case OpKind::DropExpression:
    case OpKind::AlterConstraint:
    case OpKind::OfType:
    case OpKind::NotOfType:
    case OpKind::DropTrigger:
    case OpKind::CreateRule:
    case OpKind::EnableRule:
    case OpKind::DisableRule:
    case OpKind::CreatePolicy:
    case OpKind::AlterPolicy:
    case OpKind::DropPolicy:
      e = on_table(op, M::AccessExclusive);
      return e;
    case OpKind::ReplicaIdentity:
      e = on_table(op, M::AccessExclusive);
      if (!op.object.name.empty())  // REPLICA IDENTITY USING INDEX ix: SHARE on the index
        add(e, QualifiedName{op.table.schema, op.object.name}, M::Share, RelationRole::Index);
      return e;
    case OpKind::DropConstraint:
      e = on_table(op, M::AccessExclusive);
      // A UNIQUE / PRIMARY KEY / EXCLUDE constraint drops its index, which carries the constraint's
      // name; recognised by PostgreSQL's default suffixes.
      if (ends_with(op.object.name, "_pkey") || ends_with(op.object.name, "_key") || ends_with(op.object.name, "_excl"))
        add(e, QualifiedName{op.table.schema, op.object.name}, M::AccessExclusive, RelationRole::Index);
      return e;
    case OpKind::Inherit:
      e = on_table(op, M::AccessExclusive);
      add(e, op.object, M::ShareUpdateExclusive, RelationRole::Other);  // the new parent
      return e;
    case OpKind::NoInherit:
      e = on_table(op, M::AccessExclusive);
      add(e, op.object, M::AccessShare, RelationRole::Other);  // the old parent
      return e;
    case OpKind::TruncateTable:
      e = on_table(op, M::AccessExclusive);
      // A new, empty relfilenode: no data is copied, so it is not a rewrite.
      e.note = "Swaps in new, empty files; the ACCESS EXCLUSIVE lock is held until the transaction ends.";
      return e;
    case OpKind::SetLogged:
    case OpKind::SetUnlogged:
      e = on_table(op, M::AccessExclusive);
      e.rewrite = true;
      return e;
    case OpKind::SetTablespace:
      e = on_table(op, M::AccessExclusive);
      storage_move_effect(op, "pg_default", e);
      return e;
    case OpKind::SetAccessMethod:
      e = on_table(op, M::AccessExclusive);
      storage_move_effect(op, "heap", e);
      return e;
    case OpKind::ClusterOn:
      e = on_table(op, M::ShareUpdateExclusive);
      add(e, QualifiedName{op.table.schema, op.object.name}, M::ShareUpdateExclusive, RelationRole::Index);
      return e;
    case OpKind::Comment:
      if (op.detail == "OBJECT_TABCONSTRAINT") {
        // COMMENT ON CONSTRAINT c ON t: the object is [schema.]t.c, read under ACCESS SHARE.
        return on_object(QualifiedName{"", op.object.schema}, M::AccessShare, RelationRole::Table);
      }
      if (op.table.empty()) {
        if (op.detail == "OBJECT_INDEX" || op.detail == "OBJECT_VIEW" || op.detail == "OBJECT_MATVIEW" ||
            op.detail == "OBJECT_SEQUENCE" || op.detail == "OBJECT_FOREIGN_TABLE")
          return on_object(op.object, M::ShareUpdateExclusive,
                           op.detail == "OBJECT_INDEX" ? RelationRole::Index : RelationRole::Other);
        return e;
      }
      return on_table(op, M::ShareUpdateExclusive);
    case OpKind::SetTableOptions:
    case OpKind::SetStatistics:
    case OpKind::SetColumnOptions:
    case OpKind::SetWithoutCluster:
      return on_table(op, M::ShareUpdateExclusive);
    case OpKind::AddColumn:
      e = on_table(op, M::AccessExclusive);
      add_column_effect(op, ctx, e);
      return e;
    case OpKind::AlterColumnType:
      return alter_column_type_effect(op, ctx);
    case OpKind::SetNotNull:
      e = on_table(op, M::AccessExclusive);
      e.scan = true;
      if (v >= 12) e.note = "PostgreSQL 12+ skips the scan when a validated CHECK (col IS NOT NULL) exists.";
      return e;
    case OpKind::AddConstraint:
      return add_constraint_effect(op, ctx);
    case OpKind::ValidateConstraint:
      e = on_table(op, M::ShareUpdateExclusive);
      e.scan = true;
      return e;
    case OpKind::CreateIndex:
      e = on_table(op, op.concurrently ? M::ShareUpdateExclusive : M::Share);
      e.scan = true;
      e.transactional = !op.concurrently;
      return e;
    case OpKind::DropIndex:
      // CONCURRENTLY: SHARE UPDATE EXCLUSIVE on the table throughout, ACCESS EXCLUSIVE on the (by then
      // invalid) index in the last of its transactions.
      e = on_object(op.object, M::AccessExclusive, RelationRole::Index);
      for (const QualifiedName& extra : op.extra_tables) add(e, extra, M::AccessExclusive, RelationRole::Index);
      e.transactional = !op.concurrently;
      if (!add_index_table(e, ctx, op.object, op.concurrently ? M::ShareUpdateExclusive : M::AccessExclusive))
        e.note = op.concurrently ? "Also takes SHARE UPDATE EXCLUSIVE on the index's table."
                                 : "Also takes ACCESS EXCLUSIVE on the index's table.";
      for (const QualifiedName& extra : op.extra_tables) add_index_table(e, ctx, extra, M::AccessExclusive);
      return e;
    case OpKind::ReindexIndex:
      e = on_object(op.object, M::AccessExclusive, RelationRole::Index);
      if (op.concurrently) {
        e.transactional = false;
        e.note = "Builds a new index under SHARE UPDATE EXCLUSIVE on the table; ACCESS EXCLUSIVE on the old index "
                 "only to swap and drop it.";
      } else if (!add_index_table(e, ctx, op.object, M::Share)) {
        e.note = "Also takes SHARE on the index's table: writes wait until the index is rebuilt.";
      }
      if (op.concurrently) add_index_table(e, ctx, op.object, M::ShareUpdateExclusive);
      e.rewrite = true;  // the index gets new files
      e.scan = true;
      return e;
    case OpKind::ReindexTable:
      e = on_table(op, op.concurrently ? M::ShareUpdateExclusive : M::Share);
      e.transactional = !op.concurrently && op.detail.empty();
      e.rewrite = true;  // every index of the table gets new files
      e.scan = true;
      return e;
    case OpKind::AlterIndexSet:
      if (op.detail == "AT_SetTableSpace") {
        e = on_object(op.object, M::AccessExclusive, RelationRole::Index);
        storage_move_effect(op, "pg_default", e);
        return e;
      }
      return on_object(op.object, M::ShareUpdateExclusive, RelationRole::Index);
    case OpKind::RenameIndex:
      return on_object(op.object, v >= 12 || op.kind == OpKind::AlterIndexSet ? M::ShareUpdateExclusive : M::AccessExclusive,
                       RelationRole::Index);
    case OpKind::AttachIndex:
      e = on_object(op.object, M::ShareUpdateExclusive, RelationRole::Index);
      return e;
    case OpKind::AttachPartition:
      e = on_table(op, v >= 12 ? M::ShareUpdateExclusive : M::AccessExclusive);
      e.locks.front().role = RelationRole::PartitionParent;
      add(e, op.object, M::AccessExclusive, RelationRole::Partition);
      e.scan = true;  // the partition is scanned unless a CHECK constraint proves the bound
      return e;
    case OpKind::DetachPartition:
      if (op.partition_detach_concurrently && v >= 14) {
        // SHARE UPDATE EXCLUSIVE on both while waiting for other transactions; the partition and its
        // indexes get ACCESS EXCLUSIVE in the short final transaction.
        e = on_table(op, M::ShareUpdateExclusive);
        add(e, op.object, M::AccessExclusive, RelationRole::Partition);
        e.transactional = false;
      } else {
        e = on_table(op, M::AccessExclusive);
        add(e, op.object, M::AccessExclusive, RelationRole::Partition);
      }
      if (!e.locks.empty()) e.locks.front().role = RelationRole::PartitionParent;
      return e;
    case OpKind::CreateTrigger:
    case OpKind::EnableTrigger:
    case OpKind::DisableTrigger:
      return on_table(op, M::ShareRowExclusive);
    case OpKind::RefreshMaterializedView:
      e = on_table(op, op.concurrently ? M::Exclusive : M::AccessExclusive);
      e.rewrite = !op.concurrently && op.detail != "no data";  // WITH NO DATA leaves an empty file
      e.scan = true;
      return e;
    case OpKind::AddEnumValue:
      e.transactional = v >= 12;
      if (v < 12) e.note = "Before PostgreSQL 12, ALTER TYPE ... ADD VALUE cannot run inside a transaction block.";
      else e.note = "The new value cannot be used until the transaction that added it commits.";
      return e;
    case OpKind::Insert:
    case OpKind::Update:
    case OpKind::Delete:
      e = on_table(op, M::RowExclusive);
      e.scan = op.kind != OpKind::Insert && !op.has_where;
      return e;
    case OpKind::Copy:
      return on_table(op, op.detail == "from" ? M::RowExclusive : M::AccessShare);
    case OpKind::Select:
      return e;
    case OpKind::VacuumFull:
    case OpKind::Cluster:
      e = on_table(op, M::AccessExclusive);
      if (op.kind == OpKind::Cluster && !op.object.name.empty())
        add(e, QualifiedName{op.table.schema, op.object.name}, M::AccessExclusive, RelationRole::Index);
      e.rewrite = true;
      e.transactional = !(op.kind == OpKind::VacuumFull || op.table.empty());
      if (op.kind == OpKind::VacuumFull) e.transactional = false;
      return e;
    case OpKind::Vacuum:
      e = on_table(op, M::ShareUpdateExclusive);
      e.transactional = false;
      return e;
    case OpKind::Analyze:
      return on_table(op, M::ShareUpdateExclusive);
    case OpKind::LockTable:
      return on_table(op, lock_statement_mode(op.lock_mode_sql));
    case OpKind::DropDatabase:
    case OpKind::CreateDatabase:
      e.transactional = false;
      return e;
    case OpKind::CreateSequence:
    case OpKind::CreateExtension:
    case OpKind::DropExtension:
    case OpKind::CreateSchema:
    case OpKind::DropSchema:
    case OpKind::CreateFunction:
    case OpKind::DropFunction:
    case OpKind::CreateType:
    case OpKind::DropType:
    case OpKind::RenameEnumValue:
    case OpKind::AlterType:
    case OpKind::Grant:
    case OpKind::Revoke:
    case OpKind::Begin:
    case OpKind::Commit:
    case OpKind::Rollback:
    case OpKind::Savepoint:
    case OpKind::ReleaseSavepoint:
    case OpKind::RollbackToSavepoint:
    case OpKind::PrepareTransaction:
    case OpKind::SetSetting:
    case OpKind::ResetSetting:
      return e;
    case OpKind::AlterSequence:
      // ALTER SEQUENCE's own options (RESTART, INCREMENT, OWNED BY ...) take SHARE ROW EXCLUSIVE; the
      // ALTER TABLE forms applied to a sequence (OWNER TO, SET SCHEMA ...) take ACCESS EXCLUSIVE.
      return on_object(op.object, op.detail == "AlterSeqStmt" ? M::ShareRowExclusive : M::AccessExclusive,
                       RelationRole::Sequence);
    case OpKind::DropSequence:
      return on_object(op.object, M::AccessExclusive, RelationRole::Sequence);
    case OpKind::DoBlock:
      e.known = false;
      e.note = "A DO block runs arbitrary code: its locks are not analysed.";
      return e;
    case OpKind::Other:
      if (op.detail == "OBJECT_TRIGGER" && !op.table.empty()) return on_table(op, M::AccessExclusive);  // ALTER TRIGGER RENAME
      e.known = false;
      return e;
  }
  e.known = false;
  return e;
}

}  // namespace

bool type_change_is_binary_compatible(const TypeInfo& from, const TypeInfo& to) {
  if (from.empty() || to.empty() || from.array != to.array) return false;
  auto is_varchar = [](const TypeInfo& t) { return t.name == "varchar" || t.name == "character varying"; };
  if (is_varchar(from) && (to.name == "text" || (is_varchar(to) && to.modifiers.empty()))) return true;
  if (is_varchar(from) && is_varchar(to)) {
    if (from.modifiers.empty()) return false;  // varchar -> varchar(n) can fail: checked per row
    return !to.modifiers.empty() && to.modifiers[0] >= from.modifiers[0];
  }
  if (from.name == "text" && is_varchar(to) && to.modifiers.empty()) return true;
  if (from.name == "numeric" && to.name == "numeric") {
    if (to.modifiers.empty()) return true;  // unconstrained numeric accepts every value
    if (from.modifiers.empty()) return false;
    int64_t from_scale = from.modifiers.size() > 1 ? from.modifiers[1] : 0;
    int64_t to_scale = to.modifiers.size() > 1 ? to.modifiers[1] : 0;
    return to_scale == from_scale && to.modifiers[0] >= from.modifiers[0];
  }
  if (type_change_is_timestamp_zone_change(from, to)) return false;  // only under UTC: see timestamp_zone_change_effect
  if (from.name == "bit" || from.name == "varbit") return to.name == "varbit" && (to.modifiers.empty() ||
         (!from.modifiers.empty() && to.modifiers[0] >= from.modifiers[0]));
  if (from.name == to.name && from.modifiers == to.modifiers) return true;
  return false;
}

bool type_change_is_timestamp_zone_change(const TypeInfo& from, const TypeInfo& to) {
  if (from.array != to.array) return false;
  if (!to.modifiers.empty() && to.modifiers != from.modifiers) return false;  // a precision change as well
  return (from.name == "timestamp" && to.name == "timestamptz") || (from.name == "timestamptz" && to.name == "timestamp");
}

}  // namespace zerolock
