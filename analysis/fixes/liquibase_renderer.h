#pragma once
// The Liquibase renderer: FixPlan -> edits of an XML / YAML / JSON / formatted SQL changelog.
// Phases become changeSets (see liquibase_renderer.cpp for where each goes); every new changeSet
// carries SQL in a `sql` change (formatted SQL: the changeset body) and its own rollback.
//
// Internal pieces, one file each:
//   liquibase_step_sql.cpp  Step -> SQL statements, and the SQL that undoes them (rollback)
//   liquibase_writers.cpp   changeSet / sql change / rollback / attribute text per format
//   liquibase_formatted_sql.cpp  the edits of a formatted SQL changelog
#include <optional>
#include <set>
#include <string>
#include <string_view>
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

// ---- Splitting a changeSet at a rewritten change (liquibase_split.cpp) ----
// The changes after the rewritten one move, as written, to a changeSet <id>-rest after the
// rewrite's changeSets. `member_indent`: the column of the changeSet's keys (XML: its changes).
// What ends the changeSet that keeps the changes up to the rewritten one (its rollback when given).
std::string kept_changeset_closing(const std::optional<std::vector<std::string>>& rollback, const Style& style,
                                   const std::string& member_indent);
// The start of <id>-rest up to where its changes follow: XML the start tag as written with the id
// lengthened; YAML/JSON the keys other than id as written, then `changes`. nullopt: not copyable.
std::optional<std::string> rest_changeset_opening(std::string_view text, const liquibase::Node& cs, const std::string& old_id,
                                                  const std::string& rest_id, const std::string& comment, const Style& style,
                                                  const std::string& member_indent);

// ---- Text helpers (liquibase_writers.cpp) ----
std::string lower(std::string s);
bool truthy(const std::string& v);
std::string slug(const std::string& label);  // a phase label as an id suffix
uint32_t line_start(std::string_view t, uint32_t at);
uint32_t line_end(std::string_view t, uint32_t at);
std::string line_indent(std::string_view t, uint32_t at);
bool only_space(std::string_view s);
// `base`, or base-2, base-3 ... when the file already has that changeSet id; recorded in `ids`.
std::string unique_id(std::set<std::string>& ids, const std::string& base);

// ---- Layout shared by the tree and formatted-SQL writers ----
// A group of statements that becomes one changeSet (or stays in the original one).
struct Group {
  std::string label;
  bool in_transaction = true;
  bool later_deploy = false;
  std::vector<std::string> statements;
  std::vector<std::string> rollback;
};

// What the formatted-SQL writer needs from the renderer's layout of the plan.
struct FormattedSqlInput {
  std::string_view text;
  const Statement& s;                       // the statement rewritten
  const MigrationUnit& unit;                // its changeset
  std::vector<const Statement*> unit_statements;
  std::string eol, id, author, title;       // id/author of the changeset, title of the fix
  std::vector<std::pair<std::string, std::string>> copied;  // context, labels, dbms
  std::vector<std::string> before;          // statements before the change (SET LOCAL lock_timeout)
  std::vector<std::string> in_place_pre;    // statements that replace the change in place
  bool replaces_change = false, takeover = false, moving_out = false, sole = false, cs_in_tx = true;
  std::optional<std::vector<std::string>> cs_rollback;  // the changeset's rollback after the edit
  std::vector<Group> groups;                // new changesets (takeover: the first is the original)
  std::set<std::string>& ids;
  // Split (see liquibase_split.cpp): the statements after `s` move to the changeset rest_id.
  std::vector<const Statement*> moved_after;  // empty: no split
  std::string rest_id;
  std::optional<std::vector<std::string>> rest_rollback;  // nullopt: none written (not known)
};
struct FormattedSqlEdits {
  std::vector<TextEdit> edits;
  std::string why_not;  // non-empty: no fix
};
FormattedSqlEdits formatted_sql_edits(FormattedSqlInput in);

// A JSON string literal / a double-quoted YAML scalar of `s` (liquibase_writers.cpp).
std::string json_string(std::string_view s);
std::string yaml_quoted(std::string_view s);

}  // namespace lbfix
}  // namespace zerolock::fixes
