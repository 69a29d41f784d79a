// The Liquibase renderer: FixPlan -> edits of a changelog (XML, YAML, JSON, formatted SQL).
//
// Where each phase goes (Liquibase runs every changeSet in its own transaction unless
// runInTransaction="false"):
//  * steps marked before_original (SET LOCAL lock_timeout): a `sql` change just before the change,
//    in the same changeSet;
//  * the leading SameTransaction phases stay where the change is, in its changeSet; the change
//    element is kept when the recipe only changes an attribute (validate="false" on
//    addForeignKeyConstraint from Liquibase 4.12, addCheckConstraint), else it becomes `sql`;
//  * every later phase is a changeSet of its own after it, with id <id>-<phase label>, the same
//    author, context, labels and dbms: Autocommit phases get runInTransaction="false" and one step
//    per changeSet (one CONCURRENTLY statement per changeSet), the others run in a transaction
//    that starts with SET LOCAL lock_timeout;
//  * when the change was the only change of its changeSet and nothing stays in place, the first
//    of those changeSets is the original one, edited (id and position kept).
// Every changeSet that is written or changed gets an explicit rollback undoing what it does
// (an empty one when nothing can be undone, e.g. VALIDATE): a changeSet holding a `sql` change
// has no automatic rollback. A changeSet with other changes keeps its own rollback; without one,
// zerolock writes the inverse of every change (as Liquibase would have), or offers no fix.
#include "fixes/liquibase_renderer.h"

#include <algorithm>
#include <set>

#include "fixes/sql_text.h"
#include "liquibase/change_mapper.h"

namespace zerolock::fixes {
namespace {

using liquibase::Node;
using lbfix::NewChangeSet;
using lbfix::Style;
using lbfix::Group;
using lbfix::lower;
using lbfix::truthy;
using lbfix::slug;
using lbfix::line_start;
using lbfix::line_end;
using lbfix::only_space;
using lbfix::unique_id;
using lbfix::line_indent;

bool is_meta(std::string_view name) {
  return name == "comment" || name == "preConditions" || name == "validCheckSum" || name == "rollback" || name == "modifySql" ||
         name == "id" || name == "author";
}
std::string spaces(size_t n) { return std::string(n, ' '); }
size_t column(std::string_view t, uint32_t at) { return at - line_start(t, at); }

struct Renderer {
  const FixPlan& plan;
  const Analysis& analysis;
  std::string_view text;
  const Config& config;
  const Statement& s;
  Format format;
  std::string eol;
  std::set<std::string> ids;  // changeSet ids in the file

  // ---- SQL of the original change, with the plan's changes (CONCURRENTLY, IF NOT EXISTS, NOT VALID) ----
  std::optional<std::string> original_from_element(const Node& change, const Operation& now) {
    auto qual = [&](const Node& n, const char* table_attr, const char* schema_attr) {
      std::string t = lbfix::ident(lower(n.value(table_attr)));
      std::string sc = n.value(schema_attr);
      return sc.empty() ? t : lbfix::ident(lower(sc)) + "." + t;
    };
    if (change.name == "createIndex") {
      if (change.attr("tablespace") || change.attr("clustered") || change.value("indexName").empty()) return std::nullopt;
      std::string cols;
      for (const Node& c : change.children) {
        if (c.name != "column") continue;
        std::string col = truthy(c.value("computed")) ? c.value("name") : lbfix::ident(lower(c.value("name")));
        if (truthy(c.value("descending"))) col += " DESC";
        cols += (cols.empty() ? "" : ", ") + col;
      }
      if (cols.empty()) return std::nullopt;
      return std::string("CREATE ") + (truthy(change.value("unique")) ? "UNIQUE " : "") + "INDEX " +
             (now.concurrently ? "CONCURRENTLY " : "") + (now.if_not_exists ? "IF NOT EXISTS " : "") +
             lbfix::ident(lower(change.value("indexName"))) + " ON " + qual(change, "tableName", "schemaName") +
             (change.value("using").empty() ? "" : " USING " + change.value("using")) + " (" + cols + ")";
    }
    if (change.name == "dropIndex") {
      std::string sc = change.value("schemaName");
      return std::string("DROP INDEX ") + (now.concurrently ? "CONCURRENTLY " : "") + (now.if_exists ? "IF EXISTS " : "") +
             (sc.empty() ? "" : lbfix::ident(lower(sc)) + ".") + lbfix::ident(lower(change.value("indexName")));
    }
    if (change.name == "addForeignKeyConstraint") {
      auto list = [&](const std::string& csv) {
        std::string o, cur;
        for (char c : csv + ",") {
          if (c == ',') {
            std::string v = cur;
            v.erase(0, v.find_first_not_of(" \t"));
            v.erase(v.find_last_not_of(" \t") + 1);
            if (!v.empty()) o += (o.empty() ? "" : ", ") + lbfix::ident(lower(v));
            cur.clear();
          } else {
            cur += c;
          }
        }
        return o;
      };
      std::string sql = "ALTER TABLE " + qual(change, "baseTableName", "baseTableSchemaName") + " ADD CONSTRAINT " +
                        lbfix::ident(lower(change.value("constraintName"))) + " FOREIGN KEY (" + list(change.value("baseColumnNames")) +
                        ") REFERENCES " + qual(change, "referencedTableName", "referencedTableSchemaName") + " (" +
                        list(change.value("referencedColumnNames")) + ")";
      if (!change.value("onDelete").empty()) sql += " ON DELETE " + change.value("onDelete");
      if (!change.value("onUpdate").empty()) sql += " ON UPDATE " + change.value("onUpdate");
      if (truthy(change.value("deferrable"))) sql += " DEFERRABLE";
      if (truthy(change.value("initiallyDeferred"))) sql += " INITIALLY DEFERRED";
      if (now.constraint && now.constraint->not_valid) sql += " NOT VALID";
      return sql;
    }
    return std::nullopt;
  }

  // A statement written in the document (sql change, formatted SQL) with keywords inserted.
  std::optional<std::string> original_from_text(const Operation& orig, const Operation& now) {
    auto t = sqltext::statement_tokens(text, s.range);
    ByteRange body = sqltext::body_range(t, s.range);
    std::string_view raw = text.substr(body.begin, body.size());
    if ((format == Format::LiquibaseXml && raw.find('&') != std::string_view::npos) ||
        (format == Format::LiquibaseJson && raw.find('\\') != std::string_view::npos))
      return std::nullopt;  // escaped text: not copied
    std::vector<TextEdit> e;
    if (now.kind == OpKind::CreateIndex || now.kind == OpKind::DropIndex) {
      size_t ix = t.find_word(0, t.toks.size(), "index");
      if (ix == std::string_view::npos) return std::nullopt;
      uint32_t at = t.toks[ix].end;
      std::string ins;
      if (now.concurrently && !orig.concurrently) ins += " CONCURRENTLY";
      else if (t.word(ix + 1, "concurrently")) at = t.toks[ix + 1].end;
      if (now.kind == OpKind::CreateIndex && now.if_not_exists && !orig.if_not_exists) ins += " IF NOT EXISTS";
      if (now.kind == OpKind::DropIndex && now.if_exists && !orig.if_exists) ins += " IF EXISTS";
      if (!ins.empty()) e.push_back({{at - body.begin, at - body.begin}, ins});
    } else if (now.kind == OpKind::AddConstraint && now.constraint && orig.constraint) {
      ByteRange r = s.doc_range(orig);
      if (orig.constraint->name.empty() && !now.constraint->name.empty()) {
        size_t add = t.at(r.begin);
        if (!t.word(add, "add")) return std::nullopt;
        uint32_t at = t.toks[add].end - body.begin;
        e.push_back({{at, at}, " CONSTRAINT " + lbfix::ident(now.constraint->name)});
      }
      if (now.constraint->not_valid && !orig.constraint->not_valid) {
        uint32_t at = std::min(r.end, body.end) - body.begin;
        e.push_back({{at, at}, " NOT VALID"});
      }
    } else if (now.kind != orig.kind) {
      return std::nullopt;
    }
    return apply_edits(raw, e);
  }

  // The rollback of the original step in its changed form.
  std::optional<std::vector<std::string>> original_rollback(const Operation& now) {
    if (now.kind == OpKind::CreateIndex && now.index) {
      Step st;
      st.op = now;
      Phase none;
      return lbfix::step_rollback_sql(st, none, config);
    }
    if (auto inv = lbfix::inverse_sql(now)) return inv->empty() ? std::vector<std::string>{} : std::vector<std::string>{*inv};
    return std::nullopt;
  }
};

// The located change in a tree changelog.
struct TreeSite {
  liquibase::Node root;
  const Node* cs = nullptr;
  const Node* change = nullptr;
  std::vector<const Node*> changes;  // non-meta children of cs, in order
  const Node* rollback = nullptr;
  size_t index = 0;                  // of change in changes
};

std::optional<liquibase::Node> read_tree(Format f, std::string_view text) {
  liquibase::ReadResult r = f == Format::LiquibaseXml ? liquibase::read_xml(text)
                            : f == Format::LiquibaseYaml ? liquibase::read_yaml(text)
                                                         : liquibase::read_json(text);
  if (r.error || !r.root) return std::nullopt;
  return std::move(r.root);
}

// Splits the plan into: before-original statements, in-place items (with the original marked),
// and moved groups.
struct Layout {
  std::vector<std::string> before;
  std::vector<std::string> in_place_pre, in_place_post;  // around the original (when it stays)
  bool original_in_place = false;
  std::optional<Step> original_step;  // its changed form, wherever it goes
  bool original_moved = false;
  std::vector<std::string> in_place_rollback;  // undoing the in-place items (the original's included)
  std::vector<Group> moved;
  bool any_in_place = false;
};

}  // namespace

RenderedFix render_liquibase(const FixPlan& plan, const Analysis& analysis, std::string_view text, const Config& config) {
  RenderedFix fail_out;
  const auto& statements = analysis.migration.statements;
  if (plan.statement < 0 || static_cast<size_t>(plan.statement) >= statements.size()) return fail_out;
  const Statement& s = statements[static_cast<size_t>(plan.statement)];
  if (!s.parsed || s.parsed->error) return fail_out;
  const Format format = analysis.migration.format;
  Renderer R{plan, analysis, text, config, s, format, text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n", {}};
  auto refuse = [&](std::string why) {
    RenderedFix f;
    f.why_not = std::move(why);
    return f;
  };
  liquibase::Version version = liquibase::target_version(config, text);
  // SET lock_timeout in a changeSet that another fix rewrites would be in its way (a sql change
  // joins the changes, with an explicit rollback), and CONCURRENTLY needs none: that fix goes first.
  if (plan.recipe == "lock-timeout") {
    for (const Diagnostic& d : analysis.diagnostics) {
      if (d.statement < 0 || d.rule == plan.rule || static_cast<size_t>(d.statement) >= statements.size() ||
          statements[static_cast<size_t>(d.statement)].unit != s.unit)
        continue;
      for (const FixPlan& other : plans_for(analysis, text, config, d))
        if (other.recipe != "lock-timeout" && render_liquibase(other, analysis, text, config).ok)
          return refuse("apply \"" + other.title + "\" first");
    }
  }
  const MigrationUnit* unit = nullptr;
  for (const MigrationUnit& u : analysis.migration.units)
    if (u.id == s.unit) unit = &u;
  if (!unit) return refuse("the changeSet was not found");
  const Operation* orig_op = plan.op_index >= 0 ? &s.parsed->ops[static_cast<size_t>(plan.op_index)] : nullptr;

  // ---- locate ----
  TreeSite site;
  bool tree = format != Format::LiquibaseSql;
  std::vector<const Statement*> unit_statements;
  for (const Statement& st : statements)
    if (st.unit == s.unit) unit_statements.push_back(&st);
  if (tree) {
    auto root = read_tree(format, text);
    if (!root) return refuse("the changelog does not parse");
    site.root = std::move(*root);
    int32_t n = 0;
    for (const Node& c : site.root.children) {
      if (c.name != "changeSet") continue;
      R.ids.insert(c.value("id"));
      if (n++ == s.unit) site.cs = &c;
    }
    if (!site.cs) return refuse("the changeSet was not found");
    for (const Node& c : site.cs->children) {
      if (c.name == "rollback") site.rollback = &c;
      if (is_meta(c.name)) continue;
      if (c.range.begin <= s.range.begin && s.range.end <= c.range.end) {
        site.change = &c;
        site.index = site.changes.size();
      }
      site.changes.push_back(&c);
    }
    if (!site.change) return refuse("the change was not found");
    // A statement inside a sql change that holds others: not split here.
    size_t in_change = 0;
    for (const Statement* st : unit_statements) {
      const auto index = static_cast<int32_t>(st - statements.data());
      if (std::find(plan.also_replaces.begin(), plan.also_replaces.end(), index) != plan.also_replaces.end()) continue;
      if (site.change->range.begin <= st->range.begin && st->range.end <= site.change->range.end) ++in_change;
    }
    if (in_change != 1) return refuse("the change holds several statements; split it into changes of its own first");
  } else {
    for (const MigrationUnit& u : analysis.migration.units) {
      auto colon = u.name.find(':');
      R.ids.insert(colon == std::string::npos ? u.name : u.name.substr(colon + 1));
    }
  }
  bool sole = tree ? site.changes.size() == 1 : unit_statements.size() == 1;
  // Moving a change out puts it after the changes that follow it: only index builds/drops may
  // follow (their order does not matter; they are moved out in turn). Other changes that follow
  // are split off into a changeSet of their own after the rewrite (see `split` below).
  bool last = true;
  if (tree) {
    for (size_t k = site.index + 1; k < site.changes.size(); ++k)
      last = last && (site.changes[k]->name == "createIndex" || site.changes[k]->name == "dropIndex");
  } else {
    bool after = false;
    for (const Statement* st : unit_statements) {
      if (after && !(st->parsed && st->parsed->ops.size() == 1 &&
                     (st->parsed->ops[0].kind == OpKind::CreateIndex || st->parsed->ops[0].kind == OpKind::DropIndex)))
        last = false;
      after = after || st == &s;
    }
  }
  const bool explicit_rollback = unit->has_rollback;
  const bool cs_in_tx = unit->in_transaction;

  // ---- layout ----
  Layout L;
  bool moved_out = false;
  bool keep_element = false;       // the change element stays, maybe with an attribute edit
  std::string attr_edit;           // attribute set to "false" on the kept element
  for (const Phase& phase : plan.phases) {
    std::vector<const Step*> rest;
    for (const Step& st : phase.steps) {
      if (st.before_original && !phase.later_deploy) {
        auto sql = lbfix::step_sql(st, config);
        if (!sql) return refuse("cannot write a step as SQL");
        for (std::string q : *sql) {
          // Liquibase runs a changeSet in one transaction: LOCAL keeps the setting to it.
          if (st.op.kind == OpKind::SetSetting && cs_in_tx && q.rfind("SET ", 0) == 0 && q.rfind("SET LOCAL", 0) != 0)
            q = "SET LOCAL " + q.substr(4);
          L.before.push_back(q);
        }
      } else {
        rest.push_back(&st);
      }
    }
    if (rest.empty()) continue;
    bool here = !moved_out && !phase.later_deploy && phase.run == PhaseRun::SameTransaction;
    if (!here) moved_out = true;
    auto step_statements = [&](const Step& st) -> std::optional<std::vector<std::string>> {
      if (!st.original_changed) return lbfix::step_sql(st, config);
      if (!orig_op) return std::nullopt;
      L.original_step = st;
      if (tree && site.change->name != "sql") {
        const std::string& type = site.change->name;
        if (here && ((type == "addForeignKeyConstraint" && version.at_least(4, 12)) || type == "addCheckConstraint") &&
            st.op.constraint && orig_op->constraint && st.op.constraint->not_valid && !orig_op->constraint->not_valid && st.op.constraint->name == orig_op->constraint->name) {
          keep_element = true;
          attr_edit = "validate";
          return std::vector<std::string>{};
        }
        if (here && type == "renameTable" && st.op.kind == OpKind::RenameTable) {
          keep_element = true;
          return std::vector<std::string>{};
        }
        auto sql = R.original_from_element(*site.change, st.op);
        if (!sql) return std::nullopt;
        return std::vector<std::string>{*sql};
      }
      auto sql = R.original_from_text(*orig_op, st.op);
      if (!sql) return std::nullopt;
      return std::vector<std::string>{*sql};
    };
    auto step_rollback = [&](const Step& st) -> std::optional<std::vector<std::string>> {
      if (st.original_changed) return R.original_rollback(st.op);
      return lbfix::step_rollback_sql(st, phase, config);
    };
    if (here) {
      L.any_in_place = true;
      std::vector<std::string> rb;
      for (const Step* st : rest) {
        auto sql = step_statements(*st);
        if (!sql) return refuse("cannot write a step as SQL");
        if (st->original_changed) {
          L.original_in_place = true;
          if (!keep_element) L.in_place_pre.insert(L.in_place_pre.end(), sql->begin(), sql->end());
        } else {
          auto& dst = L.original_in_place && keep_element ? L.in_place_post : L.in_place_pre;
          dst.insert(dst.end(), sql->begin(), sql->end());
        }
        auto r = step_rollback(*st);
        if (!r) return refuse("zerolock cannot write the rollback of a step");
        rb.insert(rb.begin(), r->begin(), r->end());
      }
      L.in_place_rollback.insert(L.in_place_rollback.begin(), rb.begin(), rb.end());
      continue;
    }
    // Moved: Autocommit phases one step per changeSet, others one changeSet per phase.
    auto add_group = [&](const std::vector<const Step*>& steps) -> bool {
      Group g;
      g.label = phase.label;
      g.in_transaction = phase.run != PhaseRun::Autocommit;
      g.later_deploy = phase.later_deploy;
      if (g.in_transaction) g.statements.push_back("SET LOCAL lock_timeout = '" + config.lock_timeout + "'");
      for (const Step* st : steps) {
        auto sql = step_statements(*st);
        if (!sql) return false;
        if (st->original_changed) L.original_moved = true;
        g.statements.insert(g.statements.end(), sql->begin(), sql->end());
        auto r = step_rollback(*st);
        if (!r) return false;
        g.rollback.insert(g.rollback.begin(), r->begin(), r->end());
      }
      L.moved.push_back(std::move(g));
      return true;
    };
    if (phase.run == PhaseRun::Autocommit) {
      for (const Step* st : rest)
        if (!add_group({st})) return refuse("cannot write a step (or its rollback) as SQL");
    } else if (!add_group(rest)) {
      return refuse("cannot write a step (or its rollback) as SQL");
    }
  }
  if (plan.op_index >= 0 && !L.original_in_place && !L.original_moved && !L.any_in_place && L.before.empty() && L.moved.empty())
    return refuse("nothing to write");
  // takeover: the changeSet becomes the first moved group; moving_out: the change leaves a
  // changeSet that keeps other changes; replaces_change: the change's text is replaced in place.
  // Split: changes other than index builds follow the change and the rewrite writes changeSets
  // after its changeSet; those changes move, as written, to <id>-rest after the rewrite's
  // changeSets (liquibase_split.cpp), so everything runs in the order written. What stays is the
  // changeSet up to the change: alone there when it was the first.
  bool split = !last && !L.moved.empty();
  if (split) {
    // What keeps a changeSet whole: one explicit rollback for changes that would end up in two
    // changeSets (which part undoes which is not known); preconditions (and modifySql), which hold
    // for the whole changeSet (copying them or not both change what runs).
    std::string whole;
    if (explicit_rollback) whole = "its changeSet has other changes and a rollback of its own; split the changeSet first";
    if (tree) {
      for (const Node& c : site.cs->children)
        if (c.name == "preConditions" || c.name == "modifySql") whole = "its changeSet has " + c.name + "; split the changeSet first";
    } else if (lower(std::string(text.substr(unit->range.begin, unit->range.size()))).find("--precondition") != std::string::npos) {
      whole = "its changeset has preconditions; split the changeset first";
    }
    // A change rewritten in place keeps its changeSet unsplit then, as before the split existed:
    // the later phases follow the changeSet (the changes after it run before them). A change that
    // would move out is refused.
    if (!whole.empty() && !L.any_in_place) return refuse(whole);
    if (!whole.empty()) split = false;
  }
  std::vector<const Statement*> kept_statements, moved_after;
  bool past_change = false;
  for (const Statement* st : unit_statements) {
    (past_change && split ? moved_after : kept_statements).push_back(st);
    past_change = past_change || st == &s;
  }
  // Where the moved changes start (the first one's element in a tree changelog).
  uint32_t split_at = !split ? static_cast<uint32_t>(text.size())
                      : tree ? site.changes[site.index + 1]->range.begin
                             : (moved_after.empty() ? unit->range.end : moved_after.front()->range.begin);
  if (split) sole = tree ? site.index == 0 : kept_statements.size() == 1;
  bool takeover = sole && !L.any_in_place && !L.moved.empty();
  bool moving_out = !takeover && !L.any_in_place && !L.moved.empty();
  bool replaces_change = !keep_element && (takeover || L.any_in_place);
  if (moving_out) {
    if (!last && !split) return refuse("other changes (not index builds) follow it in its changeSet; split the changeSet first");
    // The first change never leaves (the changeSet never ends up empty; once alone it is taken over).
    if (tree ? site.index == 0 : unit_statements.front() == &s) return refuse("the changes after it go first");
    if (explicit_rollback) return refuse("its changeSet has other changes and a rollback of its own; split the changeSet first");
    if (!L.before.empty()) return refuse("cannot both insert before the change and move it");
  }

  // Attributes of the original changeSet that new ones copy.
  std::vector<std::pair<std::string, std::string>> copied;
  std::string author, id;
  if (tree) {
    author = site.cs->value("author");
    id = site.cs->value("id");
    for (const char* a : {"context", "contexts", "labels", "dbms"})
      if (site.cs->attr(a)) copied.emplace_back(a, site.cs->value(a));
  } else {
    auto colon = unit->name.find(':');
    author = unit->name.substr(0, colon);
    id = colon == std::string::npos ? std::string() : unit->name.substr(colon + 1);
    for (const auto& [k, v] : unit->attributes)
      if (k == "context" || k == "contexts" || k == "labels" || k == "dbms") copied.emplace_back(k, v);
  }
  if (id.empty() || author.empty()) return refuse("the changeSet has no id or author");
  // A changeSet split off before (<x>-rest, <x>-rest-N) that is split again: <x>-rest-2, -3 ...
  // rather than <x>-rest-rest.
  auto rest_base = [](const std::string& id) {
    std::string base = id;
    size_t end = base.size();
    while (end > 0 && std::isdigit(static_cast<unsigned char>(base[end - 1]))) --end;
    if (end < base.size() && end > 0 && base[end - 1] == '-') base.resize(end - 1);  // -N
    if (base.size() > 5 && base.compare(base.size() - 5, 5, "-rest") == 0) return base.substr(0, base.size() - 5);
    return id;
  };
  const std::string rest_id = split ? unique_id(R.ids, rest_base(id) + "-rest") : std::string();

  // The rollback the original changeSet needs after the edit (nullopt: leave it as it is).
  std::optional<std::vector<std::string>> cs_rollback;
  std::vector<Group> groups = L.moved;
  if (replaces_change && !takeover && cs_in_tx && L.before.empty() && !analysis.facts[static_cast<size_t>(plan.statement)].lock_timeout_set)
    L.before.push_back("SET LOCAL lock_timeout = '" + config.lock_timeout + "'");
  bool adds_sql = !L.before.empty() || !L.in_place_pre.empty() || !L.in_place_post.empty();
  if (takeover) {
    cs_rollback = groups.front().rollback;
  } else if (sole && replaces_change) {
    cs_rollback = L.in_place_rollback;  // the changeSet now does what the rewrite does
  } else {
    // A sql change joins changes Liquibase rolled back by itself: write their inverse explicitly
    // (of the changes that stay, when the changeSet is split). Formatted SQL has no automatic
    // rollback: a changeset that is split gets the inverse when zerolock knows it, else none (as before).
    const bool tree_needs = adds_sql && !explicit_rollback && format != Format::LiquibaseSql &&
                            std::none_of(unit->irreversible.begin(), unit->irreversible.end(),
                                         [&](const auto& ir) { return ir.second.begin < split_at; });
    const bool sql_split = split && format == Format::LiquibaseSql;
    std::vector<std::string> rb;
    bool known = true;
    for (const Statement* st : kept_statements) {
      std::vector<std::string> mine;
      if (st == &s && L.any_in_place) {
        mine = L.in_place_rollback;
      } else if (st == &s && moving_out) {
        continue;  // it left the changeSet
      } else if (!st->parsed || st->parsed->error) {
        known = false;
      } else {
        for (const Operation& op : st->parsed->ops) {
          auto inv = lbfix::inverse_sql(op);
          if (!inv) known = false;
          else if (!inv->empty()) mine.insert(mine.begin(), *inv);
        }
      }
      rb.insert(rb.begin(), mine.begin(), mine.end());
    }
    if (tree_needs && !known) return refuse("cannot write the rollback of the changeSet's other changes");
    if ((tree_needs || sql_split) && known) cs_rollback = rb;
  }

  std::vector<TextEdit> edits;
  std::string after_cs;  // new changeSets, inserted after the original
  std::string eol = R.eol;
  const std::vector<std::string>* first_items = nullptr;
  if (takeover) first_items = &groups.front().statements;

  if (tree) {
    // ---- style ----
    std::string yaml_dash = "- ";  // the dash and spaces before the change's key, as written
    Style st;
    st.format = format;
    st.eol = eol;
    Node ch = *site.change;  // a copy: YAML block scalars end after their line break, which stays
    Node cs_copy = *site.cs;
    if (format == Format::LiquibaseJson) {
      // JSON keys: the reader's ranges start inside the quotes; edits and columns want the quote.
      auto widen = [&](Node& n) {
        if (n.range.begin > 0 && text[n.range.begin - 1] == '"') --n.range.begin;
        for (liquibase::Attr& a : n.attrs)
          if (a.name_range.begin > 0 && text[a.name_range.begin - 1] == '"') --a.name_range.begin;
      };
      widen(ch);
      widen(cs_copy);
    }
    const Node& cs = cs_copy;
    while (ch.range.end > ch.range.begin && (text[ch.range.end - 1] == '\n' || text[ch.range.end - 1] == '\r')) --ch.range.end;
    if (format == Format::LiquibaseYaml) {
      // yaml-cpp ends a flow mapping at its last scalar: the item runs to the end of its last line
      // (the lines after it indented deeper than its dash belong to it).
      uint32_t k = ch.range.begin;
      while (k > 0 && text[k - 1] == ' ') --k;
      size_t dash = k > 0 && text[k - 1] == '-' ? column(text, k - 1) : column(text, ch.range.begin);
      uint32_t e = line_end(text, ch.range.end);
      while (e < text.size()) {
        uint32_t next = e + 1;
        if (text[e] == '\r' && next < text.size() && text[next] == '\n') ++next;
        uint32_t ne = line_end(text, next);
        std::string_view line = text.substr(next, ne - next);
        size_t ind = line.find_first_not_of(" \t");
        if (ind == std::string_view::npos || ind <= dash) break;  // a blank or shallower line ends it
        e = ne;
      }
      ch.range.end = e;
    }
    if (format == Format::LiquibaseXml) {
      st.item_indent = line_indent(text, cs.range.begin);
      st.child_indent = spaces(column(text, ch.range.begin));
      st.key_indent = st.child_indent;
      st.unit = st.child_indent.size() > st.item_indent.size() ? spaces(st.child_indent.size() - st.item_indent.size()) : "    ";
    } else if (format == Format::LiquibaseYaml) {
      size_t cs_col = column(text, cs.range.begin);
      const liquibase::Attr* first = cs.attrs.empty() ? nullptr : &cs.attrs.front();
      size_t key_col = first ? column(text, first->name_range.begin) : cs_col + 2;
      // The "- " before a key: its dash column (the dash may be followed by more than one space).
      auto dash_col = [&](uint32_t key) {
        uint32_t k = key;
        while (k > 0 && text[k - 1] == ' ') --k;
        return k > 0 && text[k - 1] == '-' ? column(text, k - 1) : (column(text, key) >= 2 ? column(text, key) - 2 : 0);
      };
      st.item_indent = spaces(dash_col(cs.range.begin));
      st.key_indent = spaces(key_col);
      st.unit = spaces(key_col > cs_col ? key_col - cs_col : 2);
      st.child_indent = spaces(dash_col(ch.range.begin));  // the "- " of the change
      yaml_dash = std::string(text.substr(line_start(text, ch.range.begin) + st.child_indent.size(),
                                          column(text, ch.range.begin) - st.child_indent.size()));
    } else {
      size_t key_col = column(text, cs.range.begin);
      const liquibase::Attr* first = cs.attrs.empty() ? nullptr : &cs.attrs.front();
      size_t member_col = first ? column(text, first->name_range.begin) : key_col + 2;
      bool one_line = first && line_start(text, first->name_range.begin) == line_start(text, cs.range.begin);
      st.unit = spaces(one_line || member_col <= key_col ? 2 : member_col - key_col);
      st.item_indent = line_indent(text, cs.range.begin);
      if (line_start(text, cs.range.begin) == line_start(text, cs.range.begin) && st.item_indent.size() == key_col)
        st.item_indent = spaces(key_col >= st.unit.size() ? key_col - st.unit.size() : 0);
      st.key_indent = spaces(key_col);
      st.child_indent = spaces(column(text, ch.range.begin));
    }
    // Separator between two sibling changes written at the change's place, and the change's text.
    std::string sep;
    uint32_t json_obj_begin = 0, json_obj_end = 0;
    if (format == Format::LiquibaseXml) {
      sep = eol + st.child_indent;
    } else if (format == Format::LiquibaseYaml) {
      sep = eol + st.child_indent + yaml_dash;
    } else {
      uint32_t b = ch.range.begin;
      while (b > 0 && text[b - 1] != '{') --b;
      json_obj_begin = b - 1;
      uint32_t e = ch.range.end;
      while (e < text.size() && text[e] != '}') ++e;
      json_obj_end = e + 1;
      bool inline_obj = line_start(text, json_obj_begin) == line_start(text, ch.range.begin);
      std::string obj_indent = line_indent(text, json_obj_begin);
      sep = inline_obj ? std::string(" }, { ") : eol + obj_indent + "}," + eol + obj_indent + "{" + eol + st.child_indent;
    }
    Style change_style = st;
    if (format == Format::LiquibaseYaml) change_style.child_indent = spaces(column(text, ch.range.begin));
    auto items = [&](const std::vector<std::string>& stmts) {
      std::string o;
      for (size_t i = 0; i < stmts.size(); ++i) o += (i ? sep : "") + lbfix::sql_change_text({stmts[i]}, change_style);
      return o;
    };

    // before-original statements
    std::vector<std::string> pre = L.before;
    if (replaces_change || takeover) {
      const std::vector<std::string>& body = takeover ? *first_items : L.in_place_pre;
      pre.insert(pre.end(), body.begin(), body.end());
      if (pre.empty()) return refuse("nothing left in place");
      edits.push_back({ch.range, items(pre)});
    } else {
      if (!pre.empty()) edits.push_back({{ch.range.begin, ch.range.begin}, items(pre) + sep});
      if (keep_element && !attr_edit.empty()) {
        if (const liquibase::Attr* a = ch.attr(attr_edit)) {
          edits.push_back({a->value_range, "false"});
        } else if (!ch.attrs.empty()) {
          const liquibase::Attr& la = ch.attrs.back();
          uint32_t at = la.value_range.end;
          // Written as a replacement of the byte before, never a bare insertion: two fixes of the
          // same change (two rules, one recipe) then conflict in fix_all instead of both applying.
          auto after_byte = [&](uint32_t p, const std::string& ins) -> TextEdit {
            return {{p - 1, p}, std::string(1, text[p - 1]) + ins};
          };
          if (format == Format::LiquibaseXml) {
            edits.push_back(after_byte(at + 1, " " + attr_edit + "=\"false\""));
          } else if (format == Format::LiquibaseYaml) {
            uint32_t le = line_end(text, at);
            edits.push_back(after_byte(le, eol + spaces(column(text, la.name_range.begin)) + attr_edit + ": false"));
          } else {
            if (at < text.size() && text[at] == '"') ++at;
            bool own_line = only_space(text.substr(line_start(text, la.name_range.begin), column(text, la.name_range.begin)));
            edits.push_back(after_byte(at, own_line ? "," + eol + spaces(column(text, la.name_range.begin)) + "\"" + attr_edit + "\": false"
                                                : ", \"" + attr_edit + "\": false"));
          }
        } else {
          return refuse("cannot place the attribute");
        }
      }
      if (!L.in_place_post.empty()) edits.push_back({{ch.range.end, ch.range.end}, sep + items(L.in_place_post)});
    }
    // A moved-out change from a changeSet that keeps other changes: delete it (when the changeSet
    // is split, the deletion is part of the tail's replacement: moved_range).
    std::optional<ByteRange> moved_range;
    if (moving_out) {
      edits.clear();
      uint32_t b = ch.range.begin, e = ch.range.end;
      if (format == Format::LiquibaseJson) {
        b = json_obj_begin, e = json_obj_end;
        uint32_t k = e;
        while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
        if (k < text.size() && text[k] == ',') {
          e = k + 1;
        } else {
          uint32_t p = b;
          while (p > 0 && std::isspace(static_cast<unsigned char>(text[p - 1]))) --p;
          if (p > 0 && text[p - 1] == ',') b = p - 1;
        }
      } else if (format == Format::LiquibaseYaml) {
        b = line_start(text, b);
      }
      uint32_t ls = line_start(text, b), le = line_end(text, e);
      if (only_space(text.substr(ls, b - ls)) && only_space(text.substr(e, le - e))) {
        // Whole lines: the line break *before* them goes, so an insertion at the end of the
        // changeSet's last line (the new changeSets) stays outside the deleted range.
        if (ls > 0) {
          b = ls - 1;
          if (b > 0 && text[b - 1] == '\r') --b;
          e = le;
        } else {
          b = ls;
          e = le;
          if (e < text.size() && text[e] == '\r') ++e;
          if (e < text.size() && text[e] == '\n') ++e;
        }
        moved_range = ByteRange{b, e};
      }
      if (!split) edits.push_back({{b, e}, ""});
    }

    // runInTransaction of the original changeSet when it is taken over by a non-transactional group.
    if (takeover && groups.front().in_transaction != cs_in_tx) {
      std::string v = groups.front().in_transaction ? "true" : "false";
      if (const liquibase::Attr* a = cs.attr("runInTransaction")) {
        edits.push_back({a->value_range, v});
      } else {
        const liquibase::Attr* la = nullptr;
        for (const liquibase::Attr& a : cs.attrs)
          if (!la || a.value_range.end > la->value_range.end) la = &a;
        if (!la) return refuse("cannot place runInTransaction");
        uint32_t at = la->value_range.end;
        if (format == Format::LiquibaseXml) {
          edits.push_back({{at + 1, at + 1}, " runInTransaction=\"" + v + "\""});
        } else if (format == Format::LiquibaseYaml) {
          uint32_t le = line_end(text, at);
          edits.push_back({{le, le}, eol + st.key_indent + "runInTransaction: " + v});
        } else {
          if (at < text.size() && text[at] == '"') ++at;
          edits.push_back({{at, at}, "," + eol + spaces(column(text, la->name_range.begin)) + "\"runInTransaction\": " + v});
        }
      }
    }
    // The original changeSet's rollback (split: written with the changeSet's new end).
    if (cs_rollback && !split) {
      Style rs = st;
      if (format == Format::LiquibaseJson) {
        const liquibase::Attr* first = cs.attrs.empty() ? nullptr : &cs.attrs.front();
        rs.key_indent = first ? spaces(column(text, first->name_range.begin)) : st.key_indent + st.unit;
      } else if (format == Format::LiquibaseXml) {
        rs.key_indent = st.child_indent;
      }
      std::string rb = lbfix::rollback_text(*cs_rollback, rs);
      if (site.rollback) {
        ByteRange r = site.rollback->range;
        if (format == Format::LiquibaseJson && r.begin > 0 && text[r.begin - 1] == '"') --r.begin;
        edits.push_back({r, rb});
      } else {
        const Node* lastc = nullptr;
        for (const Node& c : cs.children)
          if (!lastc || c.range.end > lastc->range.end) lastc = &c;
        uint32_t at = lastc->range.end;
        if (format == Format::LiquibaseXml) {
          edits.push_back({{at, at}, eol + rs.key_indent + rb});
        } else if (format == Format::LiquibaseYaml) {
          if (at > 0 && text[at - 1] == '\n') --at;
          at = line_end(text, at);
          edits.push_back({{at, at}, eol + rs.key_indent + rb});
        } else {
          // after the changes list's closing ']'
          uint32_t e = at;
          while (e < text.size() && text[e] != ']') ++e;
          if (lastc->name != "rollback" && e < text.size()) at = e + 1;
          edits.push_back({{at, at}, "," + eol + rs.key_indent + rb});
        }
      }
    }
    // New changeSets after the original.
    Style ns = st;
    if (format == Format::LiquibaseXml) ns.key_indent = st.child_indent;
    for (size_t g = takeover ? 1 : 0; g < groups.size(); ++g) {
      NewChangeSet n;
      n.author = author;
      // Several changes: the change's position keeps ids apart when fixes of two of them apply in one pass.
      n.id = unique_id(R.ids, id + (sole ? "" : "-" + std::to_string(site.index + 1)) + "-" + slug(groups[g].label));
      n.run_in_transaction = groups[g].in_transaction;
      n.attrs = copied;
      n.statements = groups[g].statements;
      n.rollback = groups[g].rollback;
      n.comment = "zerolock: " + plan.title + " (" + groups[g].label + (groups[g].later_deploy ? ", deploy later" : "") + ")";
      std::string one = lbfix::changeset_text(n, ns);
      if (format == Format::LiquibaseXml) after_cs += eol + eol + st.item_indent + one;
      else if (format == Format::LiquibaseYaml) after_cs += eol + st.item_indent + one;
      else after_cs += "," + eol + st.item_indent + one;
    }
    if (split) {
      // ---- split (liquibase_split.cpp): [kept_end, tail_end) becomes the end of the changeSet
      // that keeps the changes up to this one, the new changeSets, and <id>-rest holding
      // text[copy_from, tail_end): the changes that followed, and the original end.
      uint32_t kept_end = 0, copy_from = 0, tail_end = 0;
      std::string member = st.key_indent;  // the column of the changeSet's keys (XML: its changes)
      if (format == Format::LiquibaseXml) member = st.child_indent;
      if (format == Format::LiquibaseJson) {
        const liquibase::Attr* first = cs.attrs.empty() ? nullptr : &cs.attrs.front();
        member = first ? spaces(column(text, first->name_range.begin)) : st.key_indent + st.unit;
        // Objects of the changes list: the one that stays last ends the list; the comma after
        // the rewritten change's object goes.
        auto object_end = [&](uint32_t from) {
          while (from < text.size() && text[from] != '}') ++from;
          return from < text.size() ? from + 1 : from;
        };
        kept_end = moving_out ? object_end(site.changes[site.index - 1]->range.end) : json_obj_end;
        uint32_t k = json_obj_end;
        while (k < text.size() && std::isspace(static_cast<unsigned char>(text[k]))) ++k;
        if (k >= text.size() || text[k] != ',') return refuse("cannot split the changeSet: no ',' after the change");
        copy_from = k + 1;
        tail_end = object_end(cs.range.end);
      } else {
        if (moving_out) {
          if (!moved_range) return refuse("cannot split the changeSet: the change shares its lines");
          kept_end = moved_range->begin;
          copy_from = moved_range->end;
        } else {
          kept_end = copy_from = line_end(text, ch.range.end);
          if (!only_space(text.substr(ch.range.end, kept_end - ch.range.end)))
            return refuse("cannot split the changeSet: the next change starts on the change's line");
        }
        if (format == Format::LiquibaseXml) {
          tail_end = cs.range.end;
        } else {
          // YAML: the lines after the change indented deeper than the changeSet's dash.
          size_t item_col = st.item_indent.size();
          uint32_t p = copy_from;
          tail_end = copy_from;
          while (p < text.size()) {
            uint32_t next = p;
            if (text[next] == '\r') ++next;
            if (next < text.size() && text[next] == '\n') ++next;
            if (next == p) break;
            uint32_t ne = line_end(text, next);
            std::string_view line = text.substr(next, ne - next);
            size_t ind = line.find_first_not_of(" \t");
            if (ind != std::string_view::npos && ind <= item_col) break;
            if (ind != std::string_view::npos) tail_end = ne;
            p = ne;
          }
        }
      }
      // Everything after the split point must be a moved change: keys or elements such as
      // comment or rollback there would change changeSet.
      for (const Node& c : cs.children)
        if (is_meta(c.name) && c.range.begin > ch.range.begin) return refuse("cannot split the changeSet: " + c.name + " after its changes");
      for (const liquibase::Attr& a : cs.attrs)
        if (a.name_range.begin > ch.range.begin) return refuse("cannot split the changeSet: " + a.name + " after its changes");
      if (copy_from < kept_end || tail_end < copy_from || tail_end > text.size()) return refuse("cannot split the changeSet");
      std::string comment = "zerolock: the changes after the rewritten " + site.change->name + " of changeSet " + id +
                            ", split off to run after the rewrite";
      auto opening = lbfix::rest_changeset_opening(text, cs, id, rest_id, comment, st, member);
      if (!opening) return refuse("cannot copy the changeSet's attributes to the changeSet split off");
      std::string tail = lbfix::kept_changeset_closing(cs_rollback, st, member) + after_cs;
      if (format == Format::LiquibaseXml) tail += eol + eol + st.item_indent + *opening;
      else if (format == Format::LiquibaseYaml) tail += eol + st.item_indent + *opening;
      else tail += "," + eol + st.item_indent + *opening;
      tail += text.substr(copy_from, tail_end - copy_from);
      edits.push_back({{kept_end, tail_end}, tail});
    } else if (!after_cs.empty()) {
      uint32_t at = cs.range.end;
      if (format == Format::LiquibaseYaml) {
        if (at > 0 && text[at - 1] == '\n') --at;
        at = line_end(text, at);
      } else if (format == Format::LiquibaseJson) {
        while (at < text.size() && text[at] != '}') ++at;
        if (at < text.size()) ++at;
      }
      edits.push_back({{at, at}, after_cs});
    }
  } else {
    // ---- formatted SQL (liquibase_formatted_sql.cpp) ----
    lbfix::FormattedSqlInput in{text, s, *unit, unit_statements, eol, id, author, plan.title, copied, L.before, L.in_place_pre,
                                replaces_change, takeover, moving_out, sole, cs_in_tx, cs_rollback, groups, R.ids,
                                moved_after, rest_id, std::nullopt};
    if (split) {
      // Formatted SQL has no automatic rollback: the changeset split off gets the inverse of its
      // statements when zerolock knows it (else it stays without one, as the changeset was).
      std::vector<std::string> rb;
      bool known = true;
      for (const Statement* st : moved_after) {
        if (!st->parsed || st->parsed->error || st->parsed->ops.empty()) {
          known = false;
          continue;
        }
        for (const Operation& op : st->parsed->ops) {
          auto inv = lbfix::inverse_sql(op);
          if (!inv) known = false;
          else if (!inv->empty()) rb.insert(rb.begin(), *inv);
        }
      }
      if (known) in.rest_rollback = rb;
    }
    lbfix::FormattedSqlEdits res = lbfix::formatted_sql_edits(std::move(in));
    if (!res.why_not.empty()) return refuse(res.why_not);
    edits = std::move(res.edits);
  }

  std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) { return a.range.begin < b.range.begin; });
  for (size_t i = 1; i < edits.size(); ++i)
    if (edits[i].range.begin < edits[i - 1].range.end) return refuse("overlapping edits");
  RenderedFix ok;
  ok.ok = true;
  ok.edits = std::move(edits);
  return ok;
}

}  // namespace zerolock::fixes
