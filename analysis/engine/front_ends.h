#pragma once
// The registry of front ends by format. Each front end (sql/, alembic/, liquibase/) registers a
// parse function, so the engine never includes a front end's headers.
#include <functional>
#include <optional>

#include "config/config.h"
#include "engine/analysis.h"

namespace zerolock {

using FrontEndFn = std::function<Migration(const DocumentInput&, const Config&, StatementCache&)>;
// Content sniffers vote for a format (e.g. "from alembic import op" -> Alembic).
using FormatSnifferFn = std::function<std::optional<Format>(const DocumentInput&)>;

bool register_front_end(Format format, FrontEndFn parse);
bool register_format_sniffer(FormatSnifferFn sniff);

bool has_front_end(Format format);
std::optional<Migration> parse_with_front_end(Format format, const DocumentInput& input, const Config& config,
                                              StatementCache& cache);

}  // namespace zerolock
