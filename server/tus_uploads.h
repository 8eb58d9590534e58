// The uploads being written right now, for the tus routes: one open upload
// log per upload and the rule that only one PATCH appends at a time.
//
// A second PATCH while one is running gets 423, unless the running one has
// stalled (no byte for `stall` — a client that lost its connection and retried
// before the server noticed): then the new PATCH takes the upload over, the
// stalled one appends nothing more, and the log stays at its last durable
// record. This is what lets tus-js-client's automatic retries succeed.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "storage/upload_log.h"
#include "storage/vault.h"

namespace server {

class UploadRegistry {
 public:
  using Clock = std::chrono::steady_clock;

  UploadRegistry(std::shared_ptr<storage::Vault> vault, std::chrono::milliseconds stall)
      : vault_(std::move(vault)), stall_(stall) {}

  class Lease;

  // The right to append to `upload`; null when another PATCH holds it and has
  // not stalled. Opens (and so recovers) the log on first use.
  storage::Result<std::unique_ptr<Lease>> acquire(const storage::Id& upload);

  // The durable offset of `upload` (opening its log if needed).
  storage::Result<std::uint64_t> offset(const storage::Id& upload);

  // Forgets `upload` (completed, terminated or expired); a PATCH still
  // holding a lease appends nothing more.
  void forget(const storage::Id& upload);

  // Uploads with an open log (for /metrics).
  std::size_t openCount() const;

 private:
  struct Slot {
    std::mutex append_mutex;  // held while opening the log, and while appending (fsync included)
    std::unique_ptr<storage::UploadLog> log;  // null until opened
    // Guarded by UploadRegistry::mutex_:
    std::uint64_t generation = 0;
    bool busy = false;
    Clock::time_point last_activity;
    bool forgotten = false;
  };
  storage::Result<std::shared_ptr<Slot>> slot(const storage::Id& upload);

  std::shared_ptr<storage::Vault> vault_;
  const std::chrono::milliseconds stall_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Slot>> slots_;
  // Uploads forgotten for good (completed, terminated, expired, deleted): a
  // request that passed its checks just before must not open them again.
  // Ids are random and never reused; 33 bytes each.
  std::set<std::string> forgotten_;

 public:
  class Lease {
   public:
    ~Lease();
    // Appends `data` unless the upload was taken over or forgotten (then
    // returns nullopt and appends nothing). Returns the new durable offset.
    storage::Result<std::optional<std::uint64_t>> append(storage::Bytes data);
    // Bytes arrived (even if not yet appended): the PATCH is not stalled.
    void touch();
    std::uint64_t offset();

   private:
    friend class UploadRegistry;
    Lease(UploadRegistry& registry, std::shared_ptr<Slot> slot, std::uint64_t generation)
        : registry_(registry), slot_(std::move(slot)), generation_(generation) {}
    bool current() const;
    UploadRegistry& registry_;
    std::shared_ptr<Slot> slot_;
    const std::uint64_t generation_;
  };
};

}  // namespace server
