#pragma once
// Safe rewrites ("fixes"): a format-neutral plan over the operations model, rendered per format.
//
//   Diagnostic --(recipe, looked up in the FixRegistry by rule id, else by the op's kind)--> FixPlan
//   FixPlan    --(renderer for the document's format)--> RenderedFix (text edits + new files)
//
// A recipe never looks at text. It reads the diagnostic's statement and operation (and the
// per-statement facts: transaction context, what the migration created) and returns a FixPlan:
// ordered phases, each a list of steps. Steps are Operations (the same model the front ends
// produce: a renderer that can write an Operation of kind K from op.* fields can render any step of
// kind K) plus a few step kinds the operations model has no statement for (batched backfill, sync
// trigger, guard). Phases say how they must be run, never where: that is the renderer's decision,
// because only it knows the file's migration tool.
//
// ---- Contract for renderers (SQL here; Alembic and Liquibase renderers follow it) ----
//  * Input: the FixPlan, the Analysis of the document (statements, facts, transaction context,
//    migration tool) and the document text. Output: RenderedFix. Never throws; a renderer that
//    cannot honour a phase's PhaseRun for this file returns `ok = false` with `why_not`
//    (the fix is then not offered), rather than writing phases into one transaction.
//  * Step::original_changed: the step is the diagnostic's own operation with some fields changed
//    (concurrently, if_not_exists, if_exists, constraint->not_valid). Renderers edit the source in
//    place (SQL: insert keywords found with the scanner; Alembic: add a keyword argument such as
//    postgresql_concurrently=True; Liquibase: an attribute) so the user's formatting survives.
//  * Names: QualifiedName/column strings in ops are folded names. `FixPlan::spelling` maps a
//    folded name to the spelling the user wrote (quotes included) for renderers that write SQL;
//    names the recipe invents (helper constraints, indexes, triggers) are in `FixPlan::chosen_names`
//    (the proof normalises them) and are valid unquoted identifiers of at most 63 bytes.
//  * PhaseRun::SameTransaction phases replace the original statement where it stands.
//    PhaseRun::Autocommit phases must run outside any transaction block, each statement committing
//    on its own (SQL: after the COMMIT of an explicit BEGIN, or in a file the tool runs without a
//    transaction; Alembic: op.get_context().autocommit_block(); Liquibase: a changeSet with
//    runInTransaction="false"). PhaseRun::OwnTransaction phases run in one transaction that commits
//    before the next phase starts and after the previous one committed.
//  * Phase::later_deploy: expand/contract phases that must ship as a *separate* migration (after
//    the application is deployed): a new file (SQL/Flyway/Alembic revision) or a new changeSet.
//  * Edits: smallest byte ranges; never two edits overlapping; a renderer deleting a statement also
//    deletes its ';' and the rest of its line if only whitespace remains; inserted statements end
//    with ';' exactly once. Applying the plan and analysing the result must not yield the
//    diagnostic again (idempotence: fix_all twice == fix_all once).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "engine/analysis.h"
#include "engine/diagnostic.h"
#include "model/operation.h"
#include "rules/rule.h"

namespace zerolock::fixes {

enum class StepKind : uint8_t {
  Op,              // run `op`
  BatchedBackfill, // UPDATE op.table SET op.column = value in batches that commit between batches
  SyncTrigger,     // a trigger keeping op.new_name in step with op.column (dual write / rename)
  DropSyncTrigger, // removes the SyncTrigger of the same table/column pair
  GuardColumnBare, // fails (never silently proceeds) when op.column still has indexes/constraints/defaults
                   // that op.new_name lacks: a contract step never drops them silently
  Note,            // a comment for the reader (renderers write it as a comment)
};

struct BackfillSpec {
  std::string value_sql;        // expression for the new value; empty: a human must supply it
  std::string set_sql;          // whole-table UPDATE: the SET list as written
  std::string where_sql;        // the original WHERE, if any
  std::string pending_sql;      // predicate of rows still to do ("col IS NULL"); empty: key ranges
  std::string key_column = "id";// key ranges: an integer key (the recipe's assumption, in the title)
  int batch_size = 1000;
};

struct Step {
  StepKind kind = StepKind::Op;
  Operation op;
  bool original_changed = false;  // the diagnostic's op with fields changed: edit in place
  bool before_original = false;   // inserted before the original statement, which stays as it is
  BackfillSpec backfill;
  std::string text;               // Note text; for Op steps an optional SQL-only override (see renderer)
};

enum class PhaseRun : uint8_t { SameTransaction, Autocommit, OwnTransaction };

struct Phase {
  std::string label;              // "expand", "backfill", "validate", "contract" ...
  PhaseRun run = PhaseRun::SameTransaction;
  bool later_deploy = false;      // ships as a later migration (expand/contract)
  bool atomic = false;            // its steps commit together: never observable half-done
  std::vector<Step> steps;
};

struct FixPlan {
  std::string recipe;             // stable id: "concurrent-index", "not-null-via-check" ...
  std::string title;              // imperative: "Build the index concurrently, outside the transaction"
  FixApplicability applicability = FixApplicability::Safe;
  std::string rule;               // the diagnostic's rule
  int32_t statement = -1;
  int32_t op_index = -1;          // index into the statement's ops
  std::vector<Phase> phases;
  std::vector<std::string> notes; // shown with the fix (cleanup of an INVALID index, what is lost before PG 12)
  std::map<std::string, std::string> spelling;  // folded name -> as written
  std::vector<std::string> chosen_names;         // names the recipe invented
  // Statements the plan takes over besides its own: the others a single change was mapped to
  // (Liquibase addNotNullConstraint with defaultNullValue: its UPDATE, then SET NOT NULL).
  std::vector<int32_t> also_replaces;
  // The rollback of the rewrite, for formats whose file holds one (Alembic downgrade()); others
  // ignore these. undo_first: steps the rollback must run before the user's own inverse of the
  // statement, undoing what the rewrite adds and the original did not (a view under the old name),
  // so that inverse still applies. undo_replaces: the user's inverse that no longer applies and
  // that undo_first takes the place of (renaming a column back while the old one still exists).
  // later_undo: the rollback of the later_deploy phases, bringing back what they drop; empty when
  // that cannot be done (it is then said and suppressed).
  std::vector<Step> undo_first;
  std::optional<Operation> undo_replaces;
  std::vector<Phase> later_undo;
};

// ---- Recipes and the registry ----
struct RecipeInput {
  const Analysis& analysis;
  std::string_view text;
  const Config& config;
  const Diagnostic& diagnostic;
  int32_t statement;   // the diagnostic's statement
  int32_t op_index;    // the op the diagnostic points at (by range), -1 for the whole statement
};

using Recipe = std::optional<FixPlan> (*)(const RecipeInput&);

class FixRegistry {
 public:
  // Binds a recipe to a rule id. Rules need not know: fixes/recipes.cpp binds the known ids, and
  // any other rule whose diagnostic points at an op gets the recipes registered for the op's kind.
  static void bind_rule(const std::string& rule_id, Recipe recipe);
  static void bind_kind(OpKind kind, Recipe recipe);
  static std::vector<Recipe> for_rule(const std::string& rule_id);
  static std::vector<Recipe> for_kind(OpKind kind);
};

// Every plan offered for one diagnostic (safe first).
std::vector<FixPlan> plans_for(const Analysis& analysis, std::string_view text, const Config& config,
                               const Diagnostic& diagnostic);

// ---- Rendering ----
struct TextEdit {
  ByteRange range;       // document bytes replaced
  std::string new_text;
  friend bool operator==(const TextEdit&, const TextEdit&) = default;
};

struct NewFile {
  std::string path;      // relative to the document's directory
  std::string text;
};

struct RenderedFix {
  bool ok = false;
  std::string why_not;
  std::vector<TextEdit> edits;     // non-overlapping, sorted by range
  std::vector<NewFile> new_files;  // follow-up migrations (later phases, non-transactional files)
};

// The SQL renderer (plain SQL, Flyway, golang-migrate, dbmate, Diesel files).
RenderedFix render_sql(const FixPlan& plan, const Analysis& analysis, std::string_view text, const Config& config);
// SQL of one (not original_changed) step, and the keyword edits of an SQL original: for renderers
// that write SQL inside another format (Alembic op.execute). Defined in sql_renderer.cpp.
std::optional<std::string> sql_for_step(const FixPlan& plan, const Analysis& analysis, const Config& config, const Step& step);
std::vector<TextEdit> sql_original_edits(const FixPlan& plan, const Analysis& analysis, std::string_view text,
                                         const Config& config, const Step& step);
// The SQL of one (not original_changed) step, defined once for every renderer (step_sql.cpp):
// its statements (no ';') and the comment that explains it ("" when none; a Note is only a
// comment). Names are spelled from `spelling` (folded -> as written), else quote_ident.
struct StepSql {
  std::string comment;
  std::vector<std::string> statements;
};
std::optional<StepSql> step_sql_parts(const Step& step, const Config& config,
                                      const std::map<std::string, std::string>& spelling = {});
// "-- comment" then the statements separated by ";\n" (the last one without its ';').
std::string step_sql_text(const StepSql& parts);
// Dispatches on the document's format; formats without a renderer yet return ok = false.
RenderedFix render(const FixPlan& plan, const Analysis& analysis, std::string_view text, const Config& config);

std::string apply_edits(std::string_view text, std::vector<TextEdit> edits);

// ---- Whole documents ----
struct FixAllResult {
  std::string text;                // the fixed document
  std::vector<NewFile> new_files;
  std::vector<std::string> applied;  // titles of the fixes applied
  // The applied fixes' notes (FixPlan::notes: what changes in behaviour, what the rollback cannot
  // restore), each once, for the user to read: `zerolock fix` prints them.
  std::vector<std::string> notes;
  int passes = 0;
};

// Applies every fix (safe only unless `unsafe`) until none applies (re-analysing between passes).
FixAllResult fix_all(const std::string& path, std::string_view text, const Config& config, bool unsafe,
                     StatementCache& cache);

}  // namespace zerolock::fixes
