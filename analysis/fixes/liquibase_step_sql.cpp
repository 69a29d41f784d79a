// Step -> SQL for Liquibase changeSets, and the SQL that undoes each step (every changeSet the
// renderer writes carries its rollback). The statements are the ones the SQL renderer writes
// (sql_renderer.cpp; same trigger, backfill and guard bodies, so the PostgreSQL proof of one holds
// for the other), spelled from folded names: the Liquibase front end folds every name it reads.
#include "fixes/liquibase_renderer.h"
#include "fixes/sql_text.h"

namespace zerolock::fixes::lbfix {
namespace {

std::string literal(std::string_view s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'') out += '\'';
    out += ch;
  }
  return out + "'";
}
// \x01col\x01 placeholders -> the column, with `prefix` (NEW.) when given.
std::string expand(const std::string& s, const std::string& prefix = "") {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\x01') {
      out += s[i];
      continue;
    }
    size_t j = s.find('\x01', i + 1);
    out += prefix + ident(s.substr(i + 1, j - i - 1));
    i = j;
  }
  return out;
}
std::string helper_name(const Operation& op, const char* what) {
  std::string q = ident(sqltext::limit_name(op.table.name + "_" + op.column + "_" + what));
  return op.table.schema.empty() ? q : ident(op.table.schema) + "." + q;
}
std::string alter(const Operation& op) { return "ALTER TABLE " + std::string(op.only ? "ONLY " : "") + table_sql(op.table); }

std::string add_column_of_type_of(const Operation& op, const std::string& column, const std::string& type_of) {
  std::string rel = literal(table_sql(op.table));
  return "DO $zerolock$\nDECLARE\n  t text := (SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = " + rel +
         "::regclass AND attname = " + literal(type_of) + " AND NOT attisdropped);\nBEGIN\n  IF t IS NULL THEN\n    RAISE EXCEPTION "
         "'zerolock: % has no column %', " + rel + ", " + literal(type_of) + ";\n  END IF;\n  EXECUTE format('ALTER TABLE %s ADD COLUMN %I %s', " +
         rel + "::regclass, " + literal(column) + ", t);\nEND\n$zerolock$";
}

std::vector<std::string> sync_trigger(const Step& step, const Config& config) {
  const Operation& op = step.op;
  std::string fn = helper_name(op, "zerolock_sync");
  std::string trg = ident(sqltext::limit_name(op.table.name + "_" + op.column + "_zerolock_sync"));
  std::string o = ident(op.column), n = ident(op.new_name);
  std::string body;
  if (op.detail == "two-way") {
    body = "  IF TG_OP = 'INSERT' THEN\n    IF NEW." + n + " IS NULL THEN\n      NEW." + n + " := NEW." + o + ";\n    ELSIF NEW." + o +
           " IS NULL THEN\n      NEW." + o + " := NEW." + n + ";\n    END IF;\n  ELSIF NEW." + n + " IS DISTINCT FROM OLD." + n +
           " THEN\n    NEW." + o + " := NEW." + n + ";\n  ELSE\n    NEW." + n + " := NEW." + o + ";\n  END IF;\n";
  } else {
    body = "  NEW." + n + " := " + expand(step.backfill.value_sql, "NEW.") + ";\n";
  }
  return {"CREATE OR REPLACE FUNCTION " + fn + "() RETURNS trigger LANGUAGE plpgsql AS $zerolock$\nBEGIN\n" + body +
              "  RETURN NEW;\nEND\n$zerolock$",
          "CREATE " + std::string(config.pg_version >= 14 ? "OR REPLACE " : "") + "TRIGGER " + trg +
              " BEFORE INSERT OR UPDATE ON " + table_sql(op.table) + " FOR EACH ROW EXECUTE FUNCTION " + fn + "()"};
}

std::vector<std::string> drop_sync_trigger(const Operation& op) {
  std::string trg = ident(sqltext::limit_name(op.table.name + "_" + op.column + "_zerolock_sync"));
  return {"DROP TRIGGER IF EXISTS " + trg + " ON " + table_sql(op.table), "DROP FUNCTION IF EXISTS " + helper_name(op, "zerolock_sync") + "()"};
}

std::vector<std::string> backfill(const Step& step) {
  const BackfillSpec& b = step.backfill;
  const Operation& op = step.op;
  std::string table = table_sql(op.table);
  std::string proc = ident(sqltext::limit_name("zerolock_backfill_" + op.table.name + (op.column.empty() ? "" : "_" + op.column)));
  if (!op.table.schema.empty()) proc = ident(op.table.schema) + "." + proc;
  std::string n = std::to_string(b.batch_size);
  std::string body = "DECLARE\n  n bigint;\nBEGIN\n  LOOP\n    UPDATE " + table + " SET " + ident(op.column) + " = " + expand(b.value_sql) +
                     "\n     WHERE ctid = ANY (ARRAY(SELECT ctid FROM " + table + " WHERE " + expand(b.pending_sql) + " LIMIT " + n +
                     "));\n    GET DIAGNOSTICS n = ROW_COUNT;\n    COMMIT;\n    EXIT WHEN n < " + n + ";\n  END LOOP;\nEND\n";
  return {"CREATE OR REPLACE PROCEDURE " + proc + "() LANGUAGE plpgsql AS $zerolock$\n" + body + "$zerolock$", "CALL " + proc + "()",
          "DROP PROCEDURE " + proc + "()"};
}

std::string guard(const Operation& op) {
  std::string rel = literal(table_sql(op.table));
  std::string o = literal(op.column), n = literal(op.new_name);
  return "DO $zerolock$\nDECLARE\n  rel regclass := " + rel + "::regclass;\n"
         "  old_att int2 := (SELECT attnum FROM pg_attribute WHERE attrelid = rel AND attname = " + o + " AND NOT attisdropped);\n"
         "  new_att int2 := (SELECT attnum FROM pg_attribute WHERE attrelid = rel AND attname = " + n + " AND NOT attisdropped);\n"
         "BEGIN\n  IF new_att IS NULL THEN\n    RAISE EXCEPTION 'zerolock: % has no column %', rel, " + n + ";\n  END IF;\n"
         "  IF EXISTS (SELECT 1 FROM pg_index WHERE indrelid = rel AND old_att = ANY (indkey::int2[]))\n"
         "     OR EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = rel AND old_att = ANY (conkey))\n"
         "     OR ((SELECT attnotnull FROM pg_attribute WHERE attrelid = rel AND attnum = old_att)\n"
         "         AND NOT (SELECT attnotnull FROM pg_attribute WHERE attrelid = rel AND attnum = new_att))\n"
         "     OR (EXISTS (SELECT 1 FROM pg_attrdef WHERE adrelid = rel AND adnum = old_att)\n"
         "         AND NOT EXISTS (SELECT 1 FROM pg_attrdef WHERE adrelid = rel AND adnum = new_att)) THEN\n"
         "    RAISE EXCEPTION 'zerolock: recreate the NOT NULL, default, indexes and constraints of % on % (and drop those of "
         "%) first', " + o + ", " + n + ", " + o + ";\n  END IF;\nEND\n$zerolock$";
}

std::optional<std::string> op_sql(const Operation& op) {
  switch (op.kind) {
    case OpKind::SetSetting:
      return std::string(op.setting->is_local ? "SET LOCAL " : "SET ") + op.setting->name + " = " + literal(op.setting->value);
    case OpKind::CreateIndex: {
      if (!op.index) return std::nullopt;
      const IndexSpec& ix = *op.index;
      std::string cols;
      for (const auto& col : ix.columns) cols += (cols.empty() ? "" : ", ") + ident(col);
      return std::string("CREATE ") + (ix.unique ? "UNIQUE " : "") + "INDEX " + (ix.concurrently ? "CONCURRENTLY " : "") +
             (ix.if_not_exists ? "IF NOT EXISTS " : "") + ident(ix.name) + " ON " + table_sql(op.table) + " (" + cols + ")";
    }
    case OpKind::AddConstraint: {
      if (!op.constraint) return std::nullopt;
      const ConstraintSpec& k = *op.constraint;
      std::string body;
      if (k.kind == ConstraintKind::Check) body = "CHECK (" + expand(k.expression_sql) + ")";
      else if (k.kind == ConstraintKind::Unique) body = "UNIQUE";
      else if (k.kind == ConstraintKind::PrimaryKey) body = "PRIMARY KEY";
      else return std::nullopt;
      if (!k.using_index.empty()) body += " USING INDEX " + ident(k.using_index);
      return alter(op) + " ADD CONSTRAINT " + ident(k.name) + " " + body + (k.not_valid ? " NOT VALID" : "");
    }
    case OpKind::ValidateConstraint: return alter(op) + " VALIDATE CONSTRAINT " + ident(op.object.name);
    case OpKind::SetNotNull: return alter(op) + " ALTER COLUMN " + ident(op.column) + " SET NOT NULL";
    case OpKind::DropConstraint: return alter(op) + " DROP CONSTRAINT " + ident(op.object.name);
    case OpKind::DropColumn: return alter(op) + " DROP COLUMN " + ident(op.column);
    case OpKind::RenameColumn: return alter(op) + " RENAME COLUMN " + ident(op.column) + " TO " + ident(op.new_name);
    case OpKind::AddColumn:
      if (op.detail.rfind("type-of:", 0) == 0) return add_column_of_type_of(op, op.column, op.detail.substr(8));
      if (!op.column_spec || op.column_spec->type.sql.empty()) return std::nullopt;
      return alter(op) + " ADD COLUMN " + ident(op.column_spec->name) + " " + op.column_spec->type.sql;
    case OpKind::CreateView:
      return "CREATE VIEW " + table_sql(op.table) + " AS SELECT * FROM " + (op.table.schema.empty() ? "" : ident(op.table.schema) + ".") +
             ident(op.new_name);
    case OpKind::DropView: return "DROP VIEW " + std::string(op.if_exists ? "IF EXISTS " : "") + table_sql(op.table);
    default: return std::nullopt;
  }
}

}  // namespace

std::string ident(std::string_view folded) { return sqltext::quote_ident(folded); }
std::string table_sql(const QualifiedName& q) { return q.schema.empty() ? ident(q.name) : ident(q.schema) + "." + ident(q.name); }

std::optional<std::vector<std::string>> step_sql(const Step& step, const Config& config) {
  switch (step.kind) {
    case StepKind::Op: {
      auto s = op_sql(step.op);
      if (!s) return std::nullopt;
      return std::vector<std::string>{*s};
    }
    case StepKind::BatchedBackfill:
      if (step.backfill.pending_sql.empty()) return std::nullopt;  // key-range backfills come from SQL UPDATEs only
      return backfill(step);
    case StepKind::SyncTrigger: return sync_trigger(step, config);
    case StepKind::DropSyncTrigger: return drop_sync_trigger(step.op);
    case StepKind::GuardColumnBare: return std::vector<std::string>{guard(step.op)};
    case StepKind::Note: return std::vector<std::string>{};
  }
  return std::nullopt;
}

std::optional<std::vector<std::string>> step_rollback_sql(const Step& step, const Phase& phase, const Config& config) {
  const Operation& op = step.op;
  using V = std::vector<std::string>;
  switch (step.kind) {
    case StepKind::BatchedBackfill:
    case StepKind::GuardColumnBare:
    case StepKind::Note: return V{};
    case StepKind::SyncTrigger: return drop_sync_trigger(op);
    case StepKind::DropSyncTrigger: {
      Step again = step;
      again.kind = StepKind::SyncTrigger;
      return sync_trigger(again, config);
    }
    case StepKind::Op: break;
  }
  switch (op.kind) {
    case OpKind::SetSetting:
    case OpKind::ValidateConstraint:
    case OpKind::DropConstraint:  // the helper CHECK of a NOT NULL proof: the earlier phase's rollback drops it IF EXISTS
      return V{};
    case OpKind::CreateIndex:
      if (!op.index) return std::nullopt;
      return V{std::string("DROP INDEX ") + (op.index->concurrently ? "CONCURRENTLY " : "") + "IF EXISTS " +
               (op.table.schema.empty() ? "" : ident(op.table.schema) + ".") + ident(op.index->name)};
    case OpKind::DropIndex: return std::nullopt;
    case OpKind::AddConstraint:
      if (!op.constraint || op.constraint->name.empty()) return std::nullopt;
      return V{alter(op) + " DROP CONSTRAINT IF EXISTS " + ident(op.constraint->name)};
    case OpKind::SetNotNull: return V{alter(op) + " ALTER COLUMN " + ident(op.column) + " DROP NOT NULL"};
    case OpKind::AddColumn: return V{alter(op) + " DROP COLUMN IF EXISTS " + ident(op.column)};
    case OpKind::RenameColumn: return V{alter(op) + " RENAME COLUMN " + ident(op.new_name) + " TO " + ident(op.column)};
    case OpKind::CreateView: return V{"DROP VIEW IF EXISTS " + table_sql(op.table)};
    case OpKind::DropColumn: {
      // The old column of an expand/contract: re-created from the column that replaced it, with its values.
      for (const Step& other : phase.steps) {
        if ((other.kind == StepKind::GuardColumnBare || other.kind == StepKind::DropSyncTrigger) && other.op.column == op.column &&
            !other.op.new_name.empty()) {
          return V{add_column_of_type_of(op, op.column, other.op.new_name),
                   "UPDATE " + table_sql(op.table) + " SET " + ident(op.column) + " = " + ident(other.op.new_name)};
        }
      }
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

std::optional<std::string> inverse_sql(const Operation& op) {
  std::string a = alter(op);
  switch (op.kind) {
    case OpKind::CreateTable: return "DROP TABLE " + table_sql(op.table);
    case OpKind::CreateIndex:
      if (!op.index || op.index->name.empty()) return std::nullopt;
      return "DROP INDEX " + std::string(op.table.schema.empty() ? "" : ident(op.table.schema) + ".") + ident(op.index->name);
    case OpKind::AddColumn: return a + " DROP COLUMN " + ident(op.column_spec ? op.column_spec->name : op.column);
    case OpKind::AddConstraint:
      if (!op.constraint || op.constraint->name.empty()) return std::nullopt;
      return a + " DROP CONSTRAINT " + ident(op.constraint->name);
    case OpKind::SetNotNull: return a + " ALTER COLUMN " + ident(op.column) + " DROP NOT NULL";
    case OpKind::DropNotNull: return a + " ALTER COLUMN " + ident(op.column) + " SET NOT NULL";
    case OpKind::SetDefault: return a + " ALTER COLUMN " + ident(op.column) + " DROP DEFAULT";
    case OpKind::RenameColumn: return a + " RENAME COLUMN " + ident(op.new_name) + " TO " + ident(op.column);
    case OpKind::RenameTable:
      return "ALTER TABLE " + (op.table.schema.empty() ? "" : ident(op.table.schema) + ".") + ident(op.new_name) + " RENAME TO " +
             ident(op.table.name);
    case OpKind::CreateView: return "DROP VIEW " + table_sql(op.table);
    case OpKind::CreateSequence: return "DROP SEQUENCE " + table_sql(op.object.empty() ? op.table : op.object);
    case OpKind::SetSetting: return std::string();
    default: return std::nullopt;
  }
}

}  // namespace zerolock::fixes::lbfix
