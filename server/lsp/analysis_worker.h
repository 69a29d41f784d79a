#pragma once
// The analysis worker: one thread that analyses documents and answers feature requests.
//
// Why a worker and not inline on the io thread: while an analysis runs, the io thread keeps
// reading, so a newer didChange or a $/cancelRequest is seen at once. Analysis jobs are
// coalesced per document: when several versions are queued only the newest is analysed (no
// fixed debounce delay, yet a burst of keystrokes costs one analysis). Feature requests are
// queued behind the analysis of the version they were sent against, so they always see a
// consistent text + analysis pair. One worker (not a pool) keeps each document's state
// single-threaded and results in version order.
//
// Nothing escapes the worker as an exception: every job is wrapped, failures are logged and
// turned into error replies.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>

#include "analysis/sql/splitter.h"
#include "protocol/endpoint.h"
#include "server/lsp/analyzed_document.h"

namespace zerolock::lsp {

struct AnalysisRequest {
  uint64_t document = 0;
  std::string uri;
  std::string path;
  std::string language_id;
  int64_t version = 0;
  std::shared_ptr<const std::string> text;
  std::shared_ptr<const Config> config;
  // The change since the text of the previous request for this document; nullopt when the
  // text is unchanged (configuration reload). Ignored when `reset`.
  std::optional<sql::TextEdit> edit;
  bool reset = false;  // newly opened: split from scratch
};

class AnalysisWorker {
 public:
  // Called on the worker thread after each analysis (to publish diagnostics).
  using AnalysedCallback = std::function<void(AnalyzedDocument&)>;
  // A feature computation; `document` is null when the document is not open.
  using FeatureJob = std::function<void(const AnalyzedDocument* document)>;

  explicit AnalysisWorker(AnalysedCallback on_analysed);
  ~AnalysisWorker();
  AnalysisWorker(const AnalysisWorker&) = delete;
  AnalysisWorker& operator=(const AnalysisWorker&) = delete;

  // All thread-safe; called from the io thread.
  void analyse(AnalysisRequest request);
  void run(uint64_t document, protocol::CancellationFlag cancelled, FeatureJob job);
  void close(uint64_t document);
  void stop();  // finishes the current job, drops the rest, joins

  // Number of analyses skipped because a newer version of the same document was queued.
  [[nodiscard]] uint64_t coalesced() const { return coalesced_.load(); }

 private:
  struct AnalyseMarker { uint64_t document; };
  struct FeatureTask { uint64_t document; protocol::CancellationFlag cancelled; FeatureJob job; };
  struct CloseTask { uint64_t document; };
  using Task = std::variant<AnalyseMarker, FeatureTask, CloseTask>;

  void loop();
  void run_analysis(AnalysisRequest request);

  AnalysedCallback on_analysed_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Task> queue_;
  // The newest pending analysis per document; its marker sits in queue_ where the first
  // version was queued.
  std::unordered_map<uint64_t, AnalysisRequest> pending_;
  bool stopping_ = false;
  std::atomic<uint64_t> coalesced_{0};
  // Worker thread only.
  std::unordered_map<uint64_t, std::unique_ptr<AnalyzedDocument>> documents_;
  std::thread thread_;
};

}  // namespace zerolock::lsp
