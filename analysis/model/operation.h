#pragma once
// The operations model: what a statement does, independent of the format it was written in.
// The SQL front end derives operations from libpg_query parse trees; the Alembic and Liquibase
// front ends build the same operations from op.* calls and change types, so every rule and the
// lock model serve every format.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "text/source_range.h"

namespace zerolock {

enum class OpKind : uint8_t {
  // tables
  CreateTable, CreateTableAs, DropTable, RenameTable, SetTableSchema, TruncateTable,
  SetTableOptions,      // ALTER TABLE ... SET (storage_parameter) / RESET
  SetLogged, SetUnlogged, SetTablespace, SetAccessMethod,
  EnableRowSecurity, DisableRowSecurity, ForceRowSecurity,
  ReplicaIdentity, ClusterOn, SetWithoutCluster, Inherit, NoInherit, OfType, NotOfType,
  ChangeOwner,
  // columns
  AddColumn, DropColumn, RenameColumn, AlterColumnType, SetNotNull, DropNotNull,
  SetDefault, DropDefault, SetStatistics, SetStorage, SetCompression, SetColumnOptions,
  AddIdentity, SetIdentity, DropIdentity, DropExpression,
  // constraints
  AddConstraint, ValidateConstraint, DropConstraint, RenameConstraint, AlterConstraint,
  // indexes
  CreateIndex, DropIndex, ReindexIndex, ReindexTable, RenameIndex, AlterIndexSet, AttachIndex,
  // partitions
  AttachPartition, DetachPartition,
  // triggers and rules
  CreateTrigger, DropTrigger, EnableTrigger, DisableTrigger, CreateRule, EnableRule, DisableRule,
  // views
  CreateView, DropView, CreateMaterializedView, DropMaterializedView, RefreshMaterializedView,
  // types
  CreateType, DropType, AddEnumValue, RenameEnumValue, AlterType,
  // sequences
  CreateSequence, AlterSequence, DropSequence,
  // data
  Insert, Update, Delete, Select, Copy,
  // maintenance
  Vacuum, VacuumFull, Analyze, Cluster, LockTable,
  // schema-level and others
  CreateExtension, DropExtension, CreateSchema, DropSchema, DropDatabase, CreateDatabase,
  CreateFunction, DropFunction, DoBlock, Comment, Grant, Revoke, CreatePolicy, AlterPolicy, DropPolicy,
  // transaction and session
  Begin, Commit, Rollback, Savepoint, ReleaseSavepoint, RollbackToSavepoint, PrepareTransaction,
  SetSetting, ResetSetting,
  Other,  // parsed, but nothing zerolock models (its lock is unknown)
};

const char* op_kind_name(OpKind kind);

enum class ConstraintKind : uint8_t { Check, ForeignKey, Unique, PrimaryKey, Exclusion, NotNull, Default, Other };

// How PostgreSQL labels a function (pg_proc.provolatile). A default is "volatile" when any
// function in it is, which forces a table rewrite on ADD COLUMN.
enum class Volatility : uint8_t { Immutable, Stable, Volatile, Unknown };

// An object name as written, with schema when given. Comparisons use the folded form.
struct QualifiedName {
  std::string schema;  // empty when not qualified
  std::string name;
  [[nodiscard]] std::string display() const { return schema.empty() ? name : schema + "." + name; }
  [[nodiscard]] bool empty() const { return name.empty(); }
  friend bool operator==(const QualifiedName&, const QualifiedName&) = default;
};

struct TypeInfo {
  std::string name;                 // canonical lower-case name, e.g. "varchar", "int4", "timestamp"
  std::vector<int64_t> modifiers;   // e.g. {255} for varchar(255), {10,2} for numeric(10,2)
  bool array = false;
  std::string sql;                  // as written in the source, for messages and fixes
  [[nodiscard]] bool empty() const { return name.empty(); }
  bool operator==(const TypeInfo&) const = default;
};

struct ColumnSpec {
  std::string name;
  TypeInfo type;
  bool not_null = false;
  bool primary_key = false;
  bool unique = false;
  bool has_default = false;
  Volatility default_volatility = Volatility::Unknown;
  std::string default_sql;          // the default expression as written
  bool generated_stored = false;    // GENERATED ALWAYS AS (...) STORED
  bool identity = false;            // GENERATED ... AS IDENTITY
  bool serial = false;              // serial, bigserial, smallserial
  bool references = false;          // inline REFERENCES
  QualifiedName referenced_table;
  bool has_check = false;
};

struct ConstraintSpec {
  ConstraintKind kind = ConstraintKind::Other;
  std::string name;                 // may be empty when PostgreSQL names it
  bool not_valid = false;
  std::string using_index;          // ADD CONSTRAINT ... USING INDEX ix (unique / primary key)
  std::vector<std::string> columns;
  QualifiedName referenced_table;   // foreign keys
  std::vector<std::string> referenced_columns;
  std::string expression_sql;       // CHECK (...) text
  bool deferrable = false;
  std::string not_null_column;      // CHECK (col IS NOT NULL): the column it proves NOT NULL
};

struct IndexSpec {
  std::string name;
  bool unique = false;
  bool concurrently = false;
  bool if_not_exists = false;
  bool partial = false;
  bool expression = false;
  std::string method;               // btree, gin, ...
  std::vector<std::string> columns;
  std::string where_sql;
};

struct SettingSpec {
  std::string name;   // lower case: lock_timeout, statement_timeout, ...
  std::string value;  // as written, unquoted ('5s' -> 5s); empty for DEFAULT
  bool is_local = false;
  bool is_default = false;
  [[nodiscard]] bool disables_timeout() const;  // value 0 / '0' / DEFAULT on a *_timeout
};

struct Operation {
  OpKind kind = OpKind::Other;
  ByteRange range;                 // document range of this operation (a sub-command when known)
  QualifiedName table;             // the relation operated on (table, view, index's table ...)
  QualifiedName object;            // the index, constraint, type, sequence, trigger ... named
  std::string column;              // column operated on
  std::string new_name;            // renames, SET SCHEMA target
  bool concurrently = false;
  bool if_exists = false;
  bool if_not_exists = false;
  bool cascade = false;
  bool has_where = false;          // UPDATE/DELETE with a WHERE clause
  bool using_expression = false;   // ALTER COLUMN TYPE ... USING
  bool verbose = false;
  bool only = false;               // ALTER TABLE ONLY
  std::optional<ColumnSpec> column_spec;          // AddColumn, CreateTable's columns use columns
  std::vector<ColumnSpec> columns;                // CreateTable
  std::vector<ConstraintSpec> table_constraints;  // CreateTable
  std::optional<ConstraintSpec> constraint;       // AddConstraint
  std::optional<IndexSpec> index;                 // CreateIndex
  std::optional<TypeInfo> new_type;               // AlterColumnType
  std::optional<SettingSpec> setting;             // SetSetting
  std::vector<QualifiedName> extra_tables;        // further relations: DROP TABLE a, b; TRUNCATE a, b
  std::vector<QualifiedName> read_tables;         // relations a query inside the statement reads
  bool read_for_update = false;                   // SELECT ... FOR UPDATE/SHARE: ROW SHARE on them
  std::string lock_mode_sql;       // LOCK TABLE ... IN <mode> MODE
  std::string detail;              // free text: object type for DROP, enum value, ...
  bool partition_detach_concurrently = false;
  bool partition_detach_finalize = false;
  bool nowait = false;
  // String constants of DML, defaults and CHECK expressions ('active', ...), at most a few dozen:
  // lets rules see uses of a just-added enum value without reading SQL text.
  std::vector<std::string> string_literals;
  // DoBlock: the SQL statements of its PL/pgSQL body, in order (their range is the whole DO
  // statement). Empty when the body is not PL/pgSQL or does not parse.
  std::vector<Operation> body_ops;
  bool body_parsed = false;        // DoBlock: the body was parsed as PL/pgSQL
  bool body_commits = false;       // DoBlock: the body runs COMMIT/ROLLBACK (PostgreSQL 11+, outside a transaction block only)
  bool in_loop = false;            // an op of a DO body that runs inside a LOOP/WHILE/FOR
};

}  // namespace zerolock
