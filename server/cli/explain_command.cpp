// zerolock explain RULE | --list: the rule documentation, from the rules' own metadata.
#include <algorithm>
#include <iostream>
#include <sstream>

#include "rules/rule.h"
#include "server/cli/commands.h"
#include "server/cli/file_report.h"

namespace zerolock::cli {
namespace {

// The file name an example is analysed under, so the right front end reads it.
std::string example_path(std::string_view example) {
  if (!example.empty() && example.front() == '<') return "example.xml";
  if (example.find("def upgrade") != std::string_view::npos || example.find("op.") != std::string_view::npos)
    return "versions/example.py";
  if (example.find("databaseChangeLog:") != std::string_view::npos) return "example.yaml";
  if (example.find("--liquibase formatted sql") != std::string_view::npos) return "example.sql";
  return "example.sql";
}

// Runs the linter on the rule's bad example and returns its real output for that rule, so the
// documentation shows what zerolock prints rather than a hand-written copy that could drift.
std::string example_output(const RuleMeta& m) {
  StatementCache cache;
  DocumentInput input;
  input.path = example_path(m.bad_example);
  input.text = m.bad_example;
  Config config;
  config.rules[m.id].enabled = true;
  Analysis analysis = analyze_document(input, config, cache);
  analysis.diagnostics.erase(std::remove_if(analysis.diagnostics.begin(), analysis.diagnostics.end(),
                                            [&](const Diagnostic& d) { return d.rule != m.id; }),
                             analysis.diagnostics.end());
  std::vector<std::unique_ptr<FileReport>> reports;
  reports.push_back(make_report(input.path, m.bad_example, std::move(analysis)));
  std::ostringstream out;
  write_text(out, reports, false);
  return out.str();
}

void markdown_table(std::ostream& out) {
  out << "| rule | default | category | what it catches |\n|---|---|---|---|\n";
  for (const Rule* r : RuleRegistry::all()) {
    const RuleMeta& m = r->meta();
    std::string summary = m.summary;
    for (size_t p = summary.find('|'); p != std::string::npos; p = summary.find('|', p + 2)) summary.replace(p, 1, "\\|");
    out << "| [`" << m.id << "`](docs/rules/" << m.id << ".md) | " << (m.enabled_by_default ? severity_name(m.default_severity) : "off")
        << " | " << m.category << " | " << summary << " |\n";
  }
}

}  // namespace

int explain_command(const Args& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << "usage: zerolock explain RULE\n       zerolock explain --list [--format text|json|markdown]\n";
    return args.empty() ? 2 : 0;
  }
  bool json = args.size() >= 3 && args[1] == "--format" && args[2] == "json";
  bool markdown = args.size() >= 3 && args[1] == "--format" && args[2] == "markdown";
  if (args[0] == "--list" && markdown) {
    markdown_table(std::cout);
    return 0;
  }
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
            << "## Problem\n\n```\n" << m.bad_example << "\n```\n\n"
            << "zerolock reports (real output of `zerolock check` on the example above):\n\n```text\n"
            << example_output(m) << "```\n\n## Safe alternative\n\n```\n" << m.good_example << "\n```\n";
  return 0;
}

}  // namespace zerolock::cli
