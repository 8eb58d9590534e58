// The ingest job queue: complete uploads wait here for one of a bounded number
// of worker threads (config media.ingest_workers), which run ingestUpload().
// Progress is kept in memory for the API's "processing N%"; after a restart,
// requeue() picks up every recording left in "processing" (its upload is
// complete and durable), so no finished upload is ever forgotten.
//
// Thread safety: every method may be called from any thread.
#pragma once

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
#include <vector>

#include "server/ingest.h"
#include "storage/vault.h"

namespace server {

struct IngestStats {
  std::uint64_t queued = 0;     // waiting for a worker now
  std::uint64_t running = 0;    // being ingested now
  std::uint64_t succeeded = 0;  // since start
  std::uint64_t failed = 0;     // since start (a refused file counts here)
  double seconds_total = 0;     // wall time of finished jobs since start
};

class IngestQueue {
 public:
  // Starts `workers` threads. `now` gives unix seconds (the server's clock).
  IngestQueue(std::shared_ptr<storage::Vault> vault, IngestSettings settings, int workers,
              std::function<std::int64_t()> now);
  // Finishes the running jobs and stops; queued jobs stay "processing" in the
  // database and are picked up by requeue() at the next start.
  ~IngestQueue();
  IngestQueue(const IngestQueue&) = delete;
  IngestQueue& operator=(const IngestQueue&) = delete;

  // Queues the ingest of a complete upload (the recording is "processing").
  void submit(const storage::Id& recording, const storage::Id& upload, std::uint64_t size);

  // Queues every recording left "processing" by an earlier run.
  storage::Status requeue();

  // Percent done of a queued (0) or running job; nullopt when not here.
  std::optional<int> progress(const storage::Id& recording) const;

  IngestStats stats() const;

  // Blocks until nothing is queued or running (tests, orderly stop).
  void waitIdle();

 private:
  struct Job {
    storage::Id recording;
    storage::Id upload;
    std::uint64_t size;
  };
  void work();
  void run(const Job& job);

  std::shared_ptr<storage::Vault> vault_;
  const IngestSettings settings_;
  std::function<std::int64_t()> now_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Job> jobs_;
  std::map<std::string, int> progress_;  // recording hex → percent
  IngestStats stats_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace server
