#include "model/operation.h"

#include <cctype>

namespace zerolock {

const char* op_kind_name(OpKind kind) {
  switch (kind) {
#define ZL_CASE(k, name) case OpKind::k: return name;
    ZL_CASE(CreateTable, "create table") ZL_CASE(CreateTableAs, "create table as") ZL_CASE(DropTable, "drop table")
    ZL_CASE(RenameTable, "rename table") ZL_CASE(SetTableSchema, "set schema") ZL_CASE(TruncateTable, "truncate")
    ZL_CASE(SetTableOptions, "set storage parameters") ZL_CASE(SetLogged, "set logged") ZL_CASE(SetUnlogged, "set unlogged")
    ZL_CASE(SetTablespace, "set tablespace") ZL_CASE(SetAccessMethod, "set access method")
    ZL_CASE(EnableRowSecurity, "enable row level security") ZL_CASE(DisableRowSecurity, "disable row level security")
    ZL_CASE(ForceRowSecurity, "force row level security") ZL_CASE(ReplicaIdentity, "replica identity")
    ZL_CASE(ClusterOn, "cluster on") ZL_CASE(SetWithoutCluster, "set without cluster") ZL_CASE(Inherit, "inherit")
    ZL_CASE(NoInherit, "no inherit") ZL_CASE(OfType, "of type") ZL_CASE(NotOfType, "not of") ZL_CASE(ChangeOwner, "owner to")
    ZL_CASE(AddColumn, "add column") ZL_CASE(DropColumn, "drop column") ZL_CASE(RenameColumn, "rename column")
    ZL_CASE(AlterColumnType, "alter column type") ZL_CASE(SetNotNull, "set not null") ZL_CASE(DropNotNull, "drop not null")
    ZL_CASE(SetDefault, "set default") ZL_CASE(DropDefault, "drop default") ZL_CASE(SetStatistics, "set statistics")
    ZL_CASE(SetStorage, "set storage") ZL_CASE(SetCompression, "set compression") ZL_CASE(SetColumnOptions, "set column options")
    ZL_CASE(AddIdentity, "add identity") ZL_CASE(SetIdentity, "set identity") ZL_CASE(DropIdentity, "drop identity")
    ZL_CASE(DropExpression, "drop expression") ZL_CASE(AddConstraint, "add constraint")
    ZL_CASE(ValidateConstraint, "validate constraint") ZL_CASE(DropConstraint, "drop constraint")
    ZL_CASE(RenameConstraint, "rename constraint") ZL_CASE(AlterConstraint, "alter constraint")
    ZL_CASE(CreateIndex, "create index") ZL_CASE(DropIndex, "drop index") ZL_CASE(ReindexIndex, "reindex index")
    ZL_CASE(ReindexTable, "reindex table") ZL_CASE(RenameIndex, "rename index") ZL_CASE(AlterIndexSet, "alter index")
    ZL_CASE(AttachIndex, "attach index") ZL_CASE(AttachPartition, "attach partition") ZL_CASE(DetachPartition, "detach partition")
    ZL_CASE(CreateTrigger, "create trigger") ZL_CASE(DropTrigger, "drop trigger") ZL_CASE(EnableTrigger, "enable trigger")
    ZL_CASE(DisableTrigger, "disable trigger") ZL_CASE(CreateRule, "create rule") ZL_CASE(EnableRule, "enable rule")
    ZL_CASE(DisableRule, "disable rule") ZL_CASE(CreateView, "create view") ZL_CASE(DropView, "drop view")
    ZL_CASE(CreateMaterializedView, "create materialized view") ZL_CASE(DropMaterializedView, "drop materialized view")
    ZL_CASE(RefreshMaterializedView, "refresh materialized view") ZL_CASE(CreateType, "create type")
    ZL_CASE(DropType, "drop type") ZL_CASE(AddEnumValue, "add enum value") ZL_CASE(RenameEnumValue, "rename enum value")
    ZL_CASE(AlterType, "alter type") ZL_CASE(CreateSequence, "create sequence") ZL_CASE(AlterSequence, "alter sequence")
    ZL_CASE(DropSequence, "drop sequence") ZL_CASE(Insert, "insert") ZL_CASE(Update, "update") ZL_CASE(Delete, "delete")
    ZL_CASE(Select, "select") ZL_CASE(Copy, "copy") ZL_CASE(Vacuum, "vacuum") ZL_CASE(VacuumFull, "vacuum full")
    ZL_CASE(Analyze, "analyze") ZL_CASE(Cluster, "cluster") ZL_CASE(LockTable, "lock table")
    ZL_CASE(CreateExtension, "create extension") ZL_CASE(DropExtension, "drop extension") ZL_CASE(CreateSchema, "create schema")
    ZL_CASE(DropSchema, "drop schema") ZL_CASE(DropDatabase, "drop database") ZL_CASE(CreateDatabase, "create database")
    ZL_CASE(CreateFunction, "create function") ZL_CASE(DropFunction, "drop function") ZL_CASE(DoBlock, "do block")
    ZL_CASE(Comment, "comment") ZL_CASE(Grant, "grant") ZL_CASE(Revoke, "revoke") ZL_CASE(CreatePolicy, "create policy")
    ZL_CASE(AlterPolicy, "alter policy") ZL_CASE(DropPolicy, "drop policy") ZL_CASE(Begin, "begin") ZL_CASE(Commit, "commit")
    ZL_CASE(Rollback, "rollback") ZL_CASE(Savepoint, "savepoint") ZL_CASE(ReleaseSavepoint, "release savepoint")
    ZL_CASE(RollbackToSavepoint, "rollback to savepoint") ZL_CASE(PrepareTransaction, "prepare transaction")
    ZL_CASE(SetSetting, "set") ZL_CASE(ResetSetting, "reset") ZL_CASE(Other, "other")
#undef ZL_CASE
  }
  return "other";
}

bool SettingSpec::disables_timeout() const {
  if (is_default) return true;  // the server default of lock_timeout/statement_timeout is 0: no timeout
  if (value.empty()) return true;
  // "0", "0ms", "0s" ...: a leading zero number with nothing else but a unit.
  size_t i = 0;
  while (i < value.size() && value[i] == '0') ++i;
  if (i == 0) return false;
  return i == value.size() || std::isalpha(static_cast<unsigned char>(value[i]));
}

}  // namespace zerolock
