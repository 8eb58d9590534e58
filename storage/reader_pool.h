// Read-only SQLite connections beside the vault's one writing connection, so
// that reads (every request's session lookup and access decision) run side by
// side under WAL instead of queueing on the vault's lock behind each other and
// behind writes waiting for fsync.
//
// Each run() is one read transaction: all its queries see one snapshot, and
// SQLite takes and drops its locks once instead of once per statement.
//
// Thread safety: run() may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "storage/database.h"

namespace storage {

class ReaderPool {
 public:
  // Opens connections on demand, at most `max_connections`.
  ReaderPool(std::string path, std::size_t max_connections);
  ~ReaderPool();
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // Runs `work` in a read transaction on a connection of its own; waits while
  // every connection is in use or the pool is paused. Not from inside `work`
  // (kInvalidArgument): a nested run would see another snapshot, and enough of
  // them at once would wait for each other for ever.
  Status run(const std::function<Status(Database&)>& work);

  // While the returned guard lives, no run() is inside a transaction: pause()
  // waits for those under way and holds back new ones. For the writer's WAL
  // checkpoint (deletion, key rotation), which any open read transaction
  // blocks, and which steady traffic would otherwise never let through.
  class Pause {
   public:
    explicit Pause(ReaderPool& pool) : pool_(&pool) {}
    Pause(Pause&& other) noexcept : pool_(std::exchange(other.pool_, nullptr)) {}
    Pause(const Pause&) = delete;
    Pause& operator=(const Pause&) = delete;
    ~Pause();

   private:
    ReaderPool* pool_;
  };
  [[nodiscard]] Pause pause();

 private:
  Result<std::unique_ptr<Database>> acquire();
  void release(std::unique_ptr<Database> connection);

  const std::string path_;
  const std::size_t max_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Database>> idle_;
  std::size_t open_ = 0;    // idle and in use
  std::size_t active_ = 0;  // runs between acquire() and release()
  bool paused_ = false;
};

}  // namespace storage
