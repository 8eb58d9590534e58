#include "server/ingest_queue.h"

#include <chrono>

#include <Poco/Logger.h>

namespace server {
namespace {

Poco::Logger& logger() { return Poco::Logger::get("lessonvault.ingest"); }

}  // namespace

IngestQueue::IngestQueue(std::shared_ptr<storage::Vault> vault, IngestSettings settings,
                         int workers, std::function<std::int64_t()> now)
    : vault_(std::move(vault)), settings_(std::move(settings)), now_(std::move(now)) {
  for (int i = 0; i < workers; ++i) threads_.emplace_back([this] { work(); });
}

IngestQueue::~IngestQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void IngestQueue::submit(const storage::Id& recording, const storage::Id& upload,
                         std::uint64_t size) {
  {
    std::lock_guard lock(mutex_);
    if (progress_.contains(recording.hex())) return;  // already queued or running
    jobs_.push_back({recording, upload, size});
    progress_[recording.hex()] = 0;
    ++stats_.queued;
  }
  wake_.notify_one();
}

storage::Status IngestQueue::requeue() {
  std::vector<Job> pending;
  LV_TRY(vault_->read([&](storage::Database& db) -> storage::Status {
    auto select = db.prepare(
        "SELECT u.recording_id, u.id, u.length FROM uploads u "
        "JOIN recordings r ON r.id = u.recording_id "
        "WHERE r.status = 'processing' AND u.completed = 1 ORDER BY r.created_at");
    if (!select) return std::unexpected(select.error());
    return select->forEachRow([&](const storage::Statement& s) -> storage::Status {
      auto recording = storage::Id::parse(s.columnText(0));
      auto upload = storage::Id::parse(s.columnText(1));
      if (!recording || !upload) {
        return storage::fail(storage::ErrorCode::kDatabase, "malformed upload row");
      }
      pending.push_back({*recording, *upload, static_cast<std::uint64_t>(s.columnInt(2))});
      return {};
    });
  }));
  for (const Job& job : pending) submit(job.recording, job.upload, job.size);
  if (!pending.empty()) {
    logger().information("requeued " + std::to_string(pending.size()) + " unfinished ingests");
  }
  return {};
}

std::optional<int> IngestQueue::progress(const storage::Id& recording) const {
  std::lock_guard lock(mutex_);
  auto found = progress_.find(recording.hex());
  if (found == progress_.end()) return std::nullopt;
  return found->second;
}

IngestStats IngestQueue::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void IngestQueue::waitIdle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return jobs_.empty() && stats_.running == 0; });
}

void IngestQueue::work() {
  for (;;) {
    Job job{storage::Id::fromBytes({}), storage::Id::fromBytes({}), 0};
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = jobs_.front();
      jobs_.pop_front();
      --stats_.queued;
      ++stats_.running;
    }
    const auto started = std::chrono::steady_clock::now();
    try {
      run(job);
    } catch (const std::exception& e) {
      // Never let one job take the process down (and, requeued at every
      // start, into a crash loop); the recording stays "processing".
      std::lock_guard lock(mutex_);
      ++stats_.failed;
      logger().error("ingest of " + job.recording.hex() + " threw: " + e.what());
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    {
      std::lock_guard lock(mutex_);
      --stats_.running;
      stats_.seconds_total += took.count();
      progress_.erase(job.recording.hex());
    }
    idle_.notify_all();
  }
}

void IngestQueue::run(const Job& job) {
  const std::string hex = job.recording.hex();
  auto progress = [&](int percent) {
    std::lock_guard lock(mutex_);
    progress_[hex] = percent;
  };
  auto outcome =
      ingestUpload(*vault_, job.recording, job.upload, job.size, settings_, progress, now_());
  std::lock_guard lock(mutex_);
  if (!outcome) {
    // The database itself failed; the recording stays "processing" and the
    // next start requeues it.
    ++stats_.failed;
    logger().error("ingest of " + hex + " failed: " + outcome.error().toString());
  } else if (outcome->ready) {
    ++stats_.succeeded;
    logger().information("ingest of " + hex + " done");
  } else {
    ++stats_.failed;
    logger().information("ingest of " + hex + " refused: " + outcome->code);
  }
}

}  // namespace server
