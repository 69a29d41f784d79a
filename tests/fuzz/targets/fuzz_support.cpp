#include "targets/fuzz_support.h"

#include <variant>

#include "engine/front_ends.h"
#include "protocol/framing.h"
#include "targets/fuzz_targets.h"

namespace zerolock::fuzz {

std::string single_frame_body(const std::string& frame) {
  protocol::FrameDecoder decoder;
  decoder.feed(frame);
  auto first = decoder.next();
  FUZZ_CHECK(first && std::holds_alternative<std::string>(*first), "send_frame got a malformed frame");
  FUZZ_CHECK(!decoder.next(), "send_frame got more than one frame");
  return std::get<std::string>(std::move(*first));
}

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"framing", fuzz_framing, {"tests/fuzz/seeds/framing"}, {}},
      {"server_dispatch", fuzz_server_dispatch, {"tests/fuzz/seeds/server_dispatch"}, {}},
      {"sql", fuzz_sql, {"tests/fixtures/rules", "tests/fixtures/flyway", "tests/fixtures/rewrites"}, {".sql"}},
      {"alembic", fuzz_alembic, {"tests/fixtures/alembic"}, {".py"}},
      {"liquibase_xml", fuzz_liquibase_xml, {"tests/fixtures/liquibase"}, {".xml"}},
      {"liquibase_yaml", fuzz_liquibase_yaml, {"tests/fixtures/liquibase"}, {".yaml", ".yml"}},
      {"liquibase_json", fuzz_liquibase_json, {"tests/fixtures/liquibase"}, {".json"}},
      {"liquibase_sql", fuzz_liquibase_sql, {"tests/fixtures/liquibase"}, {".sql"}},
      {"text_sync", fuzz_text_sync, {"tests/fuzz/seeds/text_sync"}, {}},
      {"rewrite", fuzz_rewrite, {"tests/fixtures/rewrites", "tests/fixtures/rules"}, {".sql"}},
  };
  return all;
}

void check_failed(const char* file, int line, const char* condition, std::string_view what) {
  std::fprintf(stderr, "fuzz invariant failed at %s:%d: %s: %.*s\n", file, line, condition,
               static_cast<int>(what.size()), what.data());
  std::abort();
}

void check_analysis(const Analysis& analysis, std::string_view text) {
  uint32_t size = static_cast<uint32_t>(text.size());
  const auto& statements = analysis.migration.statements;
  for (size_t i = 0; i < statements.size(); ++i) {
    const Statement& s = statements[i];
    FUZZ_CHECK(s.range.begin <= s.range.end && s.range.end <= size, "statement range outside the text");
    FUZZ_CHECK(s.parsed != nullptr, "statement without a parse");
    for (const Operation& op : s.parsed->ops) {
      ByteRange r = s.doc_range(op);
      FUZZ_CHECK(r.begin <= r.end && r.end <= size, "operation range outside the text");
    }
  }
  FUZZ_CHECK(analysis.facts.size() == statements.size(), "facts not parallel to statements");
  for (const Diagnostic& d : analysis.diagnostics) {
    FUZZ_CHECK(d.range.begin <= d.range.end && d.range.end <= size, "diagnostic range outside the text: " + d.rule);
    FUZZ_CHECK(d.statement < static_cast<int32_t>(statements.size()), "diagnostic names a missing statement");
    FUZZ_CHECK(!d.rule.empty() && !d.message.empty(), "diagnostic without rule or message");
    for (const RelatedLocation& related : d.related)
      FUZZ_CHECK(related.range.begin <= related.range.end && related.range.end <= size, "related range outside the text");
  }
}

Analysis analyse_as(Format format, const std::string& path, std::string_view text) {
  static StatementCache cache;  // shared across runs like the server's; swept to bound memory
  Config config;
  DocumentInput input{path, text, "", nullptr};
  std::optional<Migration> migration = parse_with_front_end(format, input, config, cache);
  FUZZ_CHECK(migration.has_value(), "front end not registered");
  Analysis analysis = analyze_migration(std::move(*migration), text, config);
  check_analysis(analysis, text);
  cache.sweep();
  return analysis;
}

}  // namespace zerolock::fuzz
