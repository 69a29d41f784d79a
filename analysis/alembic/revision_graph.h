#pragma once
// Alembic's revision graph around one revision file: its siblings in the same versions
// directory (never outside the file's directory) are read for their revision identifiers.
// Findings: a down_revision that no sibling defines, a revision id defined twice, several heads.
#include <string>
#include <string_view>
#include <vector>

#include "alembic/alembic_front_end.h"

namespace zerolock::alembic {

// Revision identifiers of a file's text (module-level assignments only).
RevisionIds revision_ids(std::string_view text);

// Appends graph diagnostics for `path` (with identifiers `ids`) to `out`. Only for files inside a
// directory tree with a component named "versions", Alembic's convention.
void check_revision_graph(const std::string& path, const RevisionIds& ids, std::vector<Diagnostic>& out);

// env.py: migrations run without pg_advisory_lock / pg_advisory_xact_lock around them.
void check_env_py(std::string_view text, std::vector<Diagnostic>& out);

}  // namespace zerolock::alembic
