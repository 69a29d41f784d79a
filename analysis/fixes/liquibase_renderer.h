#pragma once
// The Liquibase renderer: FixPlan -> edits of an XML / YAML / JSON / formatted SQL changelog.
// Phases become changeSets (see liquibase_renderer.cpp for where each goes); every new changeSet
// carries SQL in a `sql` change (formatted SQL: the changeset body) and its own rollback.
//
// Internal pieces, one file each:
//   liquibase_step_sql.cpp  Step -> SQL statements, and the SQL that undoes them (rollback)
//   liquibase_writers.cpp   changeSet / sql change / rollback / attribute text per format
#include <optional>
#include <string>
#include <vector>

#include "fixes/fix.h"
#include "liquibase/changelog_tree.h"

namespace zerolock::fixes {

RenderedFix render_liquibase(const FixPlan& plan, const Analysis& analysis, std::string_view text, const Config& config);

namespace lbfix {

// ---- SQL of steps (statements without their ';') ----
std::string ident(std::string_view folded);  // quoted only when PostgreSQL needs it
std::string table_sql(const QualifiedName& q);
// Forward SQL of a step that is not the original statement; nullopt: this step cannot be written.
std::optional<std::vector<std::string>> step_sql(const Step& step, const Config& config);
// The SQL undoing a step (possibly none); nullopt: zerolock cannot undo it. `phase` gives context
// (a DropColumn of the old column of a rename is undone from the column that replaces it).
std::optional<std::vector<std::string>> step_rollback_sql(const Step& step, const Phase& phase, const Config& config);
// The SQL undoing an operation the front end read from an existing change (auto-rollback
// emulation when an explicit rollback must be written); nullopt: unknown.
std::optional<std::string> inverse_sql(const Operation& op);

// ---- Text per format ----
struct NewChangeSet {
  std::string id, author;
  bool run_in_transaction = true;
  std::vector<std::pair<std::string, std::string>> attrs;  // context, labels, dbms copied from the original
  std::vector<std::string> statements;
  std::vector<std::string> rollback;                       // empty: an explicit empty rollback
  std::string comment;                                     // why it exists (a comment where the format has them)
};

struct Style {
  Format format = Format::LiquibaseXml;
  std::string eol = "\n";
  std::string unit;          // one indentation level as the file writes it
  std::string item_indent;   // a changeSet's column (XML: the start tag; YAML: the "- "; JSON: the "{")
  std::string child_indent;  // a change's column inside a changeSet (XML: element; YAML: "- " of changes; JSON: "{")
  std::string key_indent;    // YAML/JSON: the column of a changeSet's keys (id:, author:)
};

std::string changeset_text(const NewChangeSet& cs, const Style& style);  // starts at item_indent's column, no trailing eol
std::string sql_change_text(const std::vector<std::string>& statements, const Style& style);  // starts at a change's column
std::string rollback_text(const std::vector<std::string>& statements, const Style& style);  // a changeSet child/member

}  // namespace lbfix
}  // namespace zerolock::fixes
