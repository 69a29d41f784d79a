// zerolock explain RULE | --list: the rule documentation, from the rules' own metadata.
#include <iostream>

#include "rules/rule.h"
#include "server/cli/commands.h"

namespace zerolock::cli {

int explain_command(const Args& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << "usage: zerolock explain RULE\n       zerolock explain --list [--format text|json]\n";
    return args.empty() ? 2 : 0;
  }
  bool json = args.size() >= 3 && args[1] == "--format" && args[2] == "json";
  if (args[0] == "--list") {
    if (json) {
      std::cout << "[";
      bool first = true;
      for (const Rule* r : RuleRegistry::all()) {
        const RuleMeta& m = r->meta();
        std::cout << (first ? "" : ",") << "\n  {\"id\": \"" << m.id << "\", \"severity\": \"" << severity_name(m.default_severity)
                  << "\", \"category\": \"" << m.category << "\", \"enabled\": " << (m.enabled_by_default ? "true" : "false")
                  << "}";
        first = false;
      }
      std::cout << "\n]\n";
      return 0;
    }
    size_t width = 0;
    for (const Rule* r : RuleRegistry::all()) width = std::max(width, std::string(r->meta().id).size());
    for (const Rule* r : RuleRegistry::all()) {
      const RuleMeta& m = r->meta();
      std::string id = m.id;
      std::cout << id << std::string(width - id.size() + 2, ' ') << severity_name(m.default_severity)
                << std::string(9 - std::string(severity_name(m.default_severity)).size(), ' ') << m.summary
                << (m.enabled_by_default ? "" : " (off by default)") << "\n";
    }
    return 0;
  }
  const Rule* rule = RuleRegistry::find(args[0]);
  if (!rule) {
    std::cerr << "zerolock explain: unknown rule '" << args[0] << "' (zerolock explain --list shows them all)\n";
    return 2;
  }
  const RuleMeta& m = rule->meta();
  std::cout << "# " << m.id << "\n\n"
            << "Default severity: " << severity_name(m.default_severity) << ". Category: " << m.category << "."
            << (m.enabled_by_default ? "" : " Off by default.") << "\n\n"
            << m.summary << "\n\n" << m.explanation << "\n\n"
            << "## Problem\n\n```sql\n" << m.bad_example << "\n```\n\n## Safe alternative\n\n```sql\n" << m.good_example
            << "\n```\n";
  return 0;
}

}  // namespace zerolock::cli
