#include "server/lsp/analysis_worker.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "server/lsp/text_edit.h"

namespace zerolock::lsp {

AnalysisWorker::AnalysisWorker(AnalysedCallback on_analysed)
    : on_analysed_(std::move(on_analysed)), thread_([this] { loop(); }) {}

AnalysisWorker::~AnalysisWorker() { stop(); }

void AnalysisWorker::analyse(AnalysisRequest request) {
  std::lock_guard lock(mutex_);
  auto it = pending_.find(request.document);
  if (it != pending_.end()) {
    // A version not yet analysed is superseded: fold its edit into the newer one.
    AnalysisRequest& older = it->second;
    request.reset = request.reset || older.reset;
    request.edit = compose_edits(older.edit, request.edit);
    older = std::move(request);
    coalesced_.fetch_add(1);
    return;
  }
  uint64_t document = request.document;
  pending_.emplace(document, std::move(request));
  queue_.push_back(AnalyseMarker{document});
  wake_.notify_one();
}

void AnalysisWorker::run(uint64_t document, protocol::CancellationFlag cancelled, FeatureJob job) {
  std::lock_guard lock(mutex_);
  queue_.push_back(FeatureTask{document, std::move(cancelled), std::move(job)});
  wake_.notify_one();
}

void AnalysisWorker::close(uint64_t document) {
  std::lock_guard lock(mutex_);
  pending_.erase(document);
  queue_.push_back(CloseTask{document});
  wake_.notify_one();
}

void AnalysisWorker::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    queue_.clear();
    pending_.clear();
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void AnalysisWorker::loop() {
  for (;;) {
    Task task;
    std::optional<AnalysisRequest> analysis;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
      if (auto* marker = std::get_if<AnalyseMarker>(&task)) {
        auto it = pending_.find(marker->document);
        if (it == pending_.end()) continue;  // closed meanwhile
        analysis = std::move(it->second);
        pending_.erase(it);
      }
    }
    try {
      if (analysis) {
        run_analysis(std::move(*analysis));
      } else if (auto* feature = std::get_if<FeatureTask>(&task)) {
        if (feature->cancelled && feature->cancelled->load()) continue;  // already answered
        auto it = documents_.find(feature->document);
        feature->job(it == documents_.end() || !it->second->analysed ? nullptr : it->second.get());
      } else if (auto* close = std::get_if<CloseTask>(&task)) {
        documents_.erase(close->document);
      }
    } catch (const std::exception& e) {
      spdlog::error("analysis worker: {}", e.what());
    } catch (...) {
      spdlog::error("analysis worker: unknown exception");
    }
  }
}

void AnalysisWorker::run_analysis(AnalysisRequest request) {
  auto& slot = documents_[request.document];
  if (!slot || request.reset) slot = std::make_unique<AnalyzedDocument>();
  AnalyzedDocument& doc = *slot;
  doc.id = request.document;
  doc.uri = std::move(request.uri);
  doc.path = std::move(request.path);
  doc.language_id = std::move(request.language_id);
  doc.version = request.version;
  doc.config = std::move(request.config);
  doc.text = std::move(request.text);
  doc.lines = LineIndex(*doc.text);

  DocumentInput input{doc.path, *doc.text, doc.language_id, nullptr};
  std::optional<sql::SplitReuse> reuse;  // statements whose text the edit left alone
  if (detect_format(input) == Format::Sql) {
    // Incremental statement boundaries: only statements around the edit are re-scanned.
    if (doc.split && !request.reset && request.edit) {
      reuse.emplace();
      doc.split = sql::resplit(*doc.split, *request.edit, *doc.text, &*reuse);
    } else if (!doc.split || request.reset) {
      doc.split = sql::split(*doc.text);
    } else {
      // Text unchanged (a configuration change): the split stands, every statement is reused.
      reuse = sql::SplitReuse{doc.split->statements.size(), 0, doc.split->statements.size()};
    }
    input.sql_split = &*doc.split;
  } else {
    doc.split.reset();
  }

  auto started = std::chrono::steady_clock::now();
  uint64_t hits = doc.cache.hits();
  uint64_t misses = doc.cache.misses();
  // The previous analysis is freed after publishing: tearing down tens of thousands of
  // statements, facts and diagnostics is not worth delaying the squiggles for.
  Analysis previous;
  try {
    previous = std::move(doc.analysis);
    if (reuse && doc.analysed) {
      // The previous analysis was made from the old split: its parses of the unchanged statements
      // are taken by position.
      input.previous = &previous.migration;
      input.sql_reuse = &*reuse;
    }
    doc.analysis = analyze_document(input, *doc.config, doc.cache, &doc.rule_cache);
    doc.analysed = true;
    ++doc.generation;
  } catch (const std::exception& e) {
    // An engine bug must not take the server down; the document keeps its previous analysis.
    spdlog::error("analysis of {} v{} failed: {}", doc.uri, doc.version, e.what());
    doc.analysis = std::move(previous);
    doc.split.reset();
    doc.analysed = false;  // features answer "nothing" rather than mix this text with an older analysis
    return;
  }
  doc.cache.sweep();
  doc.last_parse_hits = doc.cache.hits() - hits;
  doc.last_parse_misses = doc.cache.misses() - misses;
  auto analysed = std::chrono::steady_clock::now();
  if (on_analysed_) on_analysed_(doc);
  auto ms = [](auto from, auto to) { return std::chrono::duration<double, std::milli>(to - from).count(); };
  spdlog::debug("analysed {} v{}: {} statements, {} parsed, analysis {:.2f} ms, publish {:.2f} ms", doc.uri,
                doc.version, doc.analysis.migration.statements.size(), doc.last_parse_misses, ms(started, analysed),
                ms(analysed, std::chrono::steady_clock::now()));
}

}  // namespace zerolock::lsp
