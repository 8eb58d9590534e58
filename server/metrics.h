// GET /metrics: the service's counters and gauges in the Prometheus text
// format (version 0.0.4), checked by `promtool check metrics` in the tests.
// Request counts are labelled by route pattern (never the raw path, which
// holds ids), method and status, so the label set stays small.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace server {

class Metrics {
 public:
  // Gauges read at scrape time (the ingest queue, the audit chain); any may
  // be empty.
  struct Sources {
    std::function<std::uint64_t()> ingest_queued;
    std::function<std::uint64_t()> ingest_running;
    std::function<std::tuple<std::uint64_t, std::uint64_t, double>()> ingest_done;  // ok, failed, s
    std::function<std::int64_t()> audit_chain_length;
    std::function<std::uint64_t()> uploads_open;
  };

  void setSources(Sources sources);

  void countRequest(const std::string& route, const std::string& method, int status);
  void addUploadBytes(std::uint64_t bytes) { upload_bytes_ += bytes; }
  void streamStarted() { ++active_streams_; }
  void streamEnded() { --active_streams_; }
  void recordSweep(bool ok, int recordings, int uploads, int failed, int people);

  // The whole exposition, ending in a newline.
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  Sources sources_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::atomic<std::uint64_t> upload_bytes_{0};
  std::atomic<std::int64_t> active_streams_{0};
  std::uint64_t sweeps_ok_ = 0;
  std::uint64_t sweeps_failed_ = 0;
  std::map<std::string, std::uint64_t> swept_;  // kind → removed since start
};

// Counts itself as an active stream for its lifetime.
class StreamGuard {
 public:
  explicit StreamGuard(Metrics* metrics) : metrics_(metrics) {
    if (metrics_) metrics_->streamStarted();
  }
  ~StreamGuard() {
    if (metrics_) metrics_->streamEnded();
  }
  StreamGuard(const StreamGuard&) = delete;
  StreamGuard& operator=(const StreamGuard&) = delete;

 private:
  Metrics* metrics_;
};

}  // namespace server
