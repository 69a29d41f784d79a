#pragma once
// The Alembic renderer: FixPlan -> edits of a revision file (Python), following the renderer
// contract of fix.h. Where phases go (Alembic runs upgrade() in a transaction):
//  * SameTransaction phases replace the op call where it stands (op.* API where it has the
//    operation, op.execute("SQL") for the rest; the SQL comes from the SQL renderer);
//  * from the first Autocommit/OwnTransaction phase on, the steps go into one
//    `with op.get_context().autocommit_block():` written in place of the call (it commits what ran
//    before; each statement inside commits on its own, so every one-statement phase is its own
//    transaction; an atomic multi-statement phase is one op.execute, which PostgreSQL runs as one
//    implicit transaction);
//  * before-original steps (SET lock_timeout) go to the start of the function, session-level;
//  * later_deploy phases go to a new revision file revising this one;
//  * the generate-downgrade plan (missing-downgrade) writes downgrade()'s body.
// API use follows Config::alembic_version (if_not_exists / if_exists on create_index / drop_index
// only from 1.12). The file's indent unit, quote style and line endings are kept.
#include <string_view>

#include "fixes/fix.h"

namespace zerolock::fixes {

// The Alembic version fixes target: Config::alembic_version, else 1.13.
std::pair<int, int> alembic_target(const Config& config);

RenderedFix render_alembic(const FixPlan& plan, const Analysis& analysis, std::string_view text, const Config& config);

}  // namespace zerolock::fixes
