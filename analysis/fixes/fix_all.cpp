// Applies every applicable fix to a document, re-analysing between passes until nothing changes.
#include <algorithm>

#include "fixes/fix.h"

namespace zerolock::fixes {
namespace {

// Two zero-width insertions at the same point may both apply (in order); anything else touching conflicts.
bool conflicts(const std::vector<TextEdit>& chosen, const std::vector<TextEdit>& edits) {
  for (const TextEdit& a : chosen) {
    for (const TextEdit& b : edits) {
      bool a_ins = a.range.begin == a.range.end, b_ins = b.range.begin == b.range.end;
      if (a_ins && b_ins) continue;
      if (a.range.begin <= b.range.end && b.range.begin <= a.range.end) return true;
    }
  }
  return false;
}

}  // namespace

FixAllResult fix_all(const std::string& path, std::string_view text, const Config& config, bool unsafe,
                     StatementCache& cache) {
  FixAllResult result;
  result.text = std::string(text);
  // A Liquibase changeSet with N changes to rewrite is split once a pass (liquibase_split.cpp).
  constexpr int kMaxPasses = 256;
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    DocumentInput input;
    input.path = path;
    input.text = result.text;
    Analysis analysis = analyze_document(input, config, cache);
    std::vector<TextEdit> chosen;
    bool any = false;
    for (const Diagnostic& d : analysis.diagnostics) {
      for (const FixPlan& plan : plans_for(analysis, result.text, config, d)) {
        bool allowed = plan.applicability == FixApplicability::Safe || (unsafe && plan.applicability == FixApplicability::Unsafe);
        if (!allowed) continue;
        RenderedFix f = render(plan, analysis, result.text, config);
        if (!f.ok) continue;
        if (conflicts(chosen, f.edits)) break;  // the next pass, on the new text
        chosen.insert(chosen.end(), f.edits.begin(), f.edits.end());
        for (NewFile& nf : f.new_files) {
          auto it = std::find_if(result.new_files.begin(), result.new_files.end(), [&](const NewFile& x) { return x.path == nf.path; });
          if (it == result.new_files.end()) result.new_files.push_back(std::move(nf));
          else if (it->text != nf.text && nf.path.size() > 5 && nf.path.substr(nf.path.size() - 5) != ".conf") it->text += "\n" + nf.text;
        }
        result.applied.push_back(plan.title + " (" + plan.rule + ")");
        for (const std::string& note : plan.notes)
          if (std::find(result.notes.begin(), result.notes.end(), note) == result.notes.end()) result.notes.push_back(note);
        any = true;
        break;
      }
    }
    if (!any) break;
    result.text = apply_edits(result.text, chosen);
    ++result.passes;
  }
  return result;
}

}  // namespace zerolock::fixes
