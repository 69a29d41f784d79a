#pragma once
// Findings of the per-statement rules (StatementRule), kept between analyses of one document so an
// edit re-runs them only for the statements whose text or context changed. An entry is keyed by
// the statement's parse (one StatementCache entry per distinct text) plus everything a
// per-statement rule may read besides the text: section, transaction flags, unit, origin and the
// StatementFacts (lock effects, "created earlier", lock_timeout_set ...). The whole cache is valid
// for one configuration and one set of file-level fields (path, format, tool) and is dropped when
// they change. Findings are stored relative to the statement's first byte. One document, one
// thread: not shared.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "engine/analysis.h"

namespace zerolock {

class RuleResultCache {
 public:
  // Everything besides the text that a statement's per-statement findings depend on.
  struct Context {
    Section section = Section::Upgrade;
    bool in_transaction = false;
    int32_t transaction_opened_by = -1;
    int32_t unit = 0;
    std::string origin;
    StatementFacts facts;
    bool operator==(const Context&) const = default;
  };

  // Starts an analysis: drops everything when the configuration or the migration's file-level
  // fields differ from the previous analysis; retires a generation when the map grows large.
  void begin(const Config& config, const Migration& migration);
  // Appends the cached findings of statement `index` (document ranges) to `out`; false on a miss.
  bool replay(const Migration& migration, const std::vector<StatementFacts>& facts, size_t index,
              std::vector<Diagnostic>& out);
  // Stores the findings statement `index` produced (`found`, document ranges) after a miss.
  void store(const Migration& migration, const std::vector<StatementFacts>& facts, size_t index,
             const Diagnostic* found, size_t count);

  [[nodiscard]] uint64_t hits() const { return hits_; }
  [[nodiscard]] uint64_t misses() const { return misses_; }
  [[nodiscard]] size_t size() const;

 private:
  struct Entry {
    std::shared_ptr<const ParsedStatement> parsed;  // holds the key's address alive
    Context context;
    std::vector<Diagnostic> findings;  // ranges relative to the statement's first byte, statement = -1
  };
  using Map = std::unordered_map<const ParsedStatement*, std::vector<std::shared_ptr<const Entry>>>;
  static bool same_context(const Statement& s, const StatementFacts& f, const Context& c);
  const Entry* find(const Map& map, const Statement& s, const StatementFacts& f) const;

  std::optional<Config> config_;
  std::string path_;
  Format format_ = Format::Sql;
  MigrationTool tool_ = MigrationTool::PlainSql;
  bool tool_wraps_ = false;
  Map current_;   // entries of the current generation
  Map previous_;  // the retired generation, carried over entry by entry while still used
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace zerolock
