// The SQL of one recipe step, written once for every renderer: the SQL renderer joins the
// statements (with their explanatory comment) into the migration text; the Liquibase renderer puts
// each statement in a `sql` change. One body for the trigger, backfill and guard SQL, so the
// PostgreSQL proof of one renderer holds for the others.
#include "fixes/fix.h"
#include "fixes/sql_text.h"

namespace zerolock::fixes {
namespace {

struct Names {
  const std::map<std::string, std::string>& spelling;
  const Config& config;
};

std::string sp(const Names& c, const std::string& folded) { return sqltext::spell(c.spelling, folded); }
std::string tbl(const Names& c, const QualifiedName& q) { return q.schema.empty() ? sp(c, q.name) : sp(c, q.schema) + "." + sp(c, q.name); }
// \x01col\x01 placeholders -> spelled column, with `prefix` (NEW.) when given.
std::string expand(const Names& c, const std::string& s, const std::string& prefix = "") {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\x01') {
      out += s[i];
      continue;
    }
    size_t j = s.find('\x01', i + 1);
    out += prefix + sp(c, s.substr(i + 1, j - i - 1));
    i = j;
  }
  return out;
}
std::string helper_name(const Names& c, const Operation& op, const char* what) {
  std::string q = sqltext::quote_ident(sqltext::limit_name(op.table.name + "_" + op.column + "_" + what));
  return op.table.schema.empty() ? q : sp(c, op.table.schema) + "." + q;
}
std::string trigger_name(const Operation& op) {
  return sqltext::quote_ident(sqltext::limit_name(op.table.name + "_" + op.column + "_zerolock_sync"));
}

StepSql backfill(const Names& c, const Step& step) {
  const BackfillSpec& b = step.backfill;
  const Operation& op = step.op;
  std::string table = tbl(c, op.table);
  std::string proc = sqltext::quote_ident(
      sqltext::limit_name("zerolock_backfill_" + op.table.name + (op.column.empty() ? "" : "_" + op.column)));
  if (!op.table.schema.empty()) proc = sp(c, op.table.schema) + "." + proc;
  std::string n = std::to_string(b.batch_size);
  std::string body;
  if (!b.pending_sql.empty()) {
    body = "DECLARE\n  n bigint;\nBEGIN\n  LOOP\n    UPDATE " + table + " SET " + sp(c, op.column) + " = " + expand(c, b.value_sql) +
           "\n     WHERE ctid = ANY (ARRAY(SELECT ctid FROM " + table + " WHERE " + expand(c, b.pending_sql) + " LIMIT " + n +
           "));\n    GET DIAGNOSTICS n = ROW_COUNT;\n    COMMIT;\n    EXIT WHEN n < " + n + ";\n  END LOOP;\nEND\n";
  } else {
    std::string key = sp(c, b.key_column);
    body = "DECLARE\n  lo bigint;\n  hi bigint;\nBEGIN\n  SELECT min(" + key + "), max(" + key + ") INTO lo, hi FROM " + table +
           ";\n  WHILE lo <= hi LOOP\n    UPDATE " + table + " SET " + b.set_sql + "\n     WHERE " + key + " >= lo AND " + key +
           " < lo + " + n + (b.where_sql.empty() ? "" : " AND (" + b.where_sql + ")") +
           ";\n    COMMIT;\n    lo := lo + " + n + ";\n  END LOOP;\nEND\n";
  }
  return {"zerolock: batched backfill, one transaction per " + n + " rows (CALL must run outside a transaction block)",
          {"CREATE OR REPLACE PROCEDURE " + proc + "() LANGUAGE plpgsql AS $zerolock$\n" + body + "$zerolock$", "CALL " + proc + "()",
           "DROP PROCEDURE " + proc + "()"}};
}

StepSql sync_trigger(const Names& c, const Step& step) {
  const Operation& op = step.op;
  std::string fn = helper_name(c, op, "zerolock_sync");
  std::string o = sp(c, op.column), n = sp(c, op.new_name);
  std::string body;
  if (op.detail == "two-way") {
    body = "  IF TG_OP = 'INSERT' THEN\n    IF NEW." + n + " IS NULL THEN\n      NEW." + n + " := NEW." + o + ";\n    ELSIF NEW." + o +
           " IS NULL THEN\n      NEW." + o + " := NEW." + n + ";\n    END IF;\n  ELSIF NEW." + n + " IS DISTINCT FROM OLD." + n +
           " THEN\n    NEW." + o + " := NEW." + n + ";\n  ELSE\n    NEW." + n + " := NEW." + o + ";\n  END IF;\n";
  } else {
    body = "  NEW." + n + " := " + expand(c, step.backfill.value_sql, "NEW.") + ";\n";
  }
  return {"",
          {"CREATE OR REPLACE FUNCTION " + fn + "() RETURNS trigger LANGUAGE plpgsql AS $zerolock$\nBEGIN\n" + body +
               "  RETURN NEW;\nEND\n$zerolock$",
           "CREATE " + std::string(c.config.pg_version >= 14 ? "OR REPLACE " : "") + "TRIGGER " + trigger_name(op) +
               " BEFORE INSERT OR UPDATE ON " + tbl(c, op.table) + " FOR EACH ROW EXECUTE FUNCTION " + fn + "()"}};
}

StepSql drop_sync(const Names& c, const Step& step) {
  const Operation& op = step.op;
  return {"",
          {"DROP TRIGGER IF EXISTS " + trigger_name(op) + " ON " + tbl(c, op.table),
           "DROP FUNCTION IF EXISTS " + helper_name(c, op, "zerolock_sync") + "()"}};
}

StepSql guard(const Names& c, const Step& step) {
  const Operation& op = step.op;
  std::string rel = sqltext::quote_literal(tbl(c, op.table));
  std::string o = sqltext::quote_literal(op.column), n = sqltext::quote_literal(op.new_name);
  return {"zerolock: refuse to drop " + op.column + " while it still carries what " + op.new_name + " lacks",
          {"DO $zerolock$\nDECLARE\n  rel regclass := " + rel + "::regclass;\n"
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
           "%) first', " + o + ", " + n + ", " + o + ";\n  END IF;\nEND\n$zerolock$"}};
}

std::optional<StepSql> op_sql(const Names& c, const Operation& op) {
  std::string alter = "ALTER TABLE " + std::string(op.only ? "ONLY " : "") + tbl(c, op.table);
  auto one = [](std::string s) { return StepSql{"", {std::move(s)}}; };
  switch (op.kind) {
    case OpKind::SetSetting:
      if (!op.setting) return std::nullopt;
      return one(std::string(op.setting->is_local ? "SET LOCAL " : "SET ") + op.setting->name + " = " + sqltext::quote_literal(op.setting->value));
    case OpKind::CreateIndex: {
      if (!op.index) return std::nullopt;
      const IndexSpec& ix = *op.index;
      std::string cols;
      for (const auto& col : ix.columns) cols += (cols.empty() ? "" : ", ") + sp(c, col);
      return one(std::string("CREATE ") + (ix.unique ? "UNIQUE " : "") + "INDEX " + (ix.concurrently ? "CONCURRENTLY " : "") +
                 (ix.if_not_exists ? "IF NOT EXISTS " : "") + sqltext::quote_ident(ix.name) + " ON " + tbl(c, op.table) + " (" + cols + ")");
    }
    case OpKind::AddConstraint: {
      if (!op.constraint) return std::nullopt;
      const ConstraintSpec& k = *op.constraint;
      std::string body;
      if (k.kind == ConstraintKind::Check) body = "CHECK (" + expand(c, k.expression_sql) + ")";
      else if (k.kind == ConstraintKind::Unique) body = "UNIQUE";
      else if (k.kind == ConstraintKind::PrimaryKey) body = "PRIMARY KEY";
      else return std::nullopt;
      if (!k.using_index.empty()) body += " USING INDEX " + sqltext::quote_ident(k.using_index);
      return one(alter + " ADD CONSTRAINT " + sqltext::quote_ident(k.name) + " " + body + (k.not_valid ? " NOT VALID" : ""));
    }
    case OpKind::ValidateConstraint: return one(alter + " VALIDATE CONSTRAINT " + sqltext::quote_ident(op.object.name));
    case OpKind::SetNotNull: return one(alter + " ALTER COLUMN " + sp(c, op.column) + " SET NOT NULL");
    case OpKind::DropConstraint: return one(alter + " DROP CONSTRAINT " + sqltext::quote_ident(op.object.name));
    case OpKind::SetDefault:
      if (!op.column_spec) return std::nullopt;
      return one(alter + " ALTER COLUMN " + sp(c, op.column) + " SET DEFAULT " + op.column_spec->default_sql);
    case OpKind::DropColumn: return one(alter + " DROP COLUMN " + sp(c, op.column));
    case OpKind::RenameColumn: return one(alter + " RENAME COLUMN " + sp(c, op.column) + " TO " + sp(c, op.new_name));
    case OpKind::AddColumn:
      if (op.detail.rfind("type-of:", 0) == 0) {
        // The type is read from the catalog at run time: the old column's type is not always known statically.
        std::string old = op.detail.substr(8);
        std::string rel = sqltext::quote_literal(tbl(c, op.table));
        return StepSql{"zerolock: " + op.column + " gets the type of " + old,
                       {"DO $zerolock$\nDECLARE\n  t text := (SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = " +
                        rel + "::regclass AND attname = " + sqltext::quote_literal(old) + " AND NOT attisdropped);\nBEGIN\n  IF t IS NULL THEN\n    RAISE EXCEPTION 'zerolock: % has no column %', " +
                        rel + ", " + sqltext::quote_literal(old) + ";\n  END IF;\n  EXECUTE format('ALTER TABLE %s ADD COLUMN %I %s', " + rel + "::regclass, " +
                        sqltext::quote_literal(op.column) + ", t);\nEND\n$zerolock$"}};
      }
      if (!op.column_spec || op.column_spec->type.sql.empty()) return std::nullopt;
      return one(alter + " ADD COLUMN " + sp(c, op.column_spec->name) + " " + op.column_spec->type.sql);
    case OpKind::CreateView:
      return one("CREATE VIEW " + tbl(c, op.table) + " AS SELECT * FROM " + (op.table.schema.empty() ? "" : sp(c, op.table.schema) + ".") +
                 sp(c, op.new_name));
    case OpKind::DropView: return one("DROP VIEW " + std::string(op.if_exists ? "IF EXISTS " : "") + tbl(c, op.table));
    default: return std::nullopt;
  }
}

}  // namespace

std::optional<StepSql> step_sql_parts(const Step& step, const Config& config, const std::map<std::string, std::string>& spelling) {
  if (step.original_changed) return std::nullopt;
  Names c{spelling, config};
  switch (step.kind) {
    case StepKind::Op: return op_sql(c, step.op);
    case StepKind::BatchedBackfill: return backfill(c, step);
    case StepKind::SyncTrigger: return sync_trigger(c, step);
    case StepKind::DropSyncTrigger: return drop_sync(c, step);
    case StepKind::GuardColumnBare: return guard(c, step);
    case StepKind::Note: return StepSql{step.text, {}};
  }
  return std::nullopt;
}

std::string step_sql_text(const StepSql& parts) {
  std::string out = parts.comment.empty() ? "" : "-- " + parts.comment + (parts.statements.empty() ? "" : "\n");
  for (size_t i = 0; i < parts.statements.size(); ++i) out += (i ? ";\n" : "") + parts.statements[i];
  return out;
}

}  // namespace zerolock::fixes
