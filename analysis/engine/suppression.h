#pragma once
// Suppression comments: `zerolock-disable-next-line RULE[,RULE]` and `zerolock-disable RULE`
// (whole file); no rule list means every rule. Front ends pass the comment's text without its
// comment markers (`--`, `/* */`, `#`, `<!-- -->`).
#include <optional>
#include <string_view>
#include <vector>

#include "engine/diagnostic.h"
#include "engine/migration.h"
#include "text/line_index.h"

namespace zerolock {

std::optional<SuppressionComment> parse_suppression(std::string_view comment_body, uint32_t offset, uint32_t line);

// Removes suppressed diagnostics. A next-line comment on line L covers diagnostics that start on
// line L+1 or belong to a statement that starts there.
void apply_suppressions(const Migration& migration, const LineIndex& lines, std::vector<Diagnostic>& diagnostics);

}  // namespace zerolock
