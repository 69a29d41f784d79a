#pragma once
// Applying didChange content changes to a document's text, in the negotiated position encoding,
// and tracking the byte region they touched so the splitter can re-scan only around it.
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "analysis/sql/splitter.h"
#include "analysis/text/line_index.h"
#include "protocol/lsp_types.h"

namespace zerolock::lsp {

// Two successive edits as one: `second` is in the coordinates of the text after `first`.
sql::TextEdit compose_edits(const sql::TextEdit& first, const sql::TextEdit& second);
std::optional<sql::TextEdit> compose_edits(const std::optional<sql::TextEdit>& first,
                                           const std::optional<sql::TextEdit>& second);

struct EditError {
  std::string message;
};

struct AppliedChanges {
  std::string text;
  sql::TextEdit edit;  // the union of the changes, old-text coordinates
};

// Applies the changes in order. All or nothing: on an out-of-range position the original text is
// untouched and an error is returned.
std::variant<AppliedChanges, EditError> apply_changes(const std::string& text,
                                                      const std::vector<protocol::ContentChange>& changes,
                                                      ColumnEncoding encoding);

}  // namespace zerolock::lsp
