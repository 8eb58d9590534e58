// Read-only SQLite connections beside the vault's one writing connection, so
// that reads (every request's session lookup and access decision) run side by
// side under WAL instead of queueing on the vault's lock behind each other and
// behind writes waiting for fsync.
//
// Each run() is one read transaction: all its queries see one snapshot, and
// SQLite takes and drops its locks once instead of once per statement. A
// Scope stretches one transaction over several runs of the same thread, so a
// request's questions to several modules (session, access, object) are
// answered from one snapshot at the cost of one.
//
// Thread safety: run() and scope() may be called from any thread; a Scope
// belongs to the thread that took it.
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
  // every connection is in use or the pool is paused. Inside another run's
  // `work` or a Scope of the same thread, `work` joins that transaction (same
  // connection, same snapshot) instead: a second connection would see another
  // snapshot, and enough nested runs at once would wait for each other for ever.
  Status run(const std::function<Status(Database&)>& work);

  // One read transaction for this thread's runs while it lives. Keep it short:
  // like any read it holds the WAL, so a stream must not hold one while it sends.
  // Taken inside another scope or run, it joins that one and ends nothing.
  class Scope {
   public:
    Scope(Scope&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), db_(std::move(other.db_)) {}
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    Scope& operator=(Scope&&) = delete;
    // Ends the transaction and gives the connection back.
    ~Scope();

   private:
    friend class ReaderPool;
    Scope(ReaderPool* pool, std::unique_ptr<Database> db) : pool_(pool), db_(std::move(db)) {}
    ReaderPool* pool_;  // null when joined or moved from
    std::unique_ptr<Database> db_;
  };
  [[nodiscard]] Result<Scope> scope();

  // While the returned guard lives, no run() is inside a transaction: pause()
  // waits for those under way and holds back new ones. For the writer's WAL
  // checkpoint (deletion, key rotation), which any open read transaction
  // blocks, and which steady traffic would otherwise never let through.
  // kInvalidArgument from a thread inside a run or scope: it would wait for itself.
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
  [[nodiscard]] Result<Pause> pause();

 private:
  Result<std::unique_ptr<Database>> acquire();
  // Ends the connection's transaction, if any (a connection that cannot leave
  // it is closed), and gives it back.
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
