#include "storage/reader_pool.h"

#include <utility>

namespace storage {

ReaderPool::ReaderPool(std::string path, std::size_t max_connections)
    : path_(std::move(path)), max_(max_connections == 0 ? 1 : max_connections) {}

ReaderPool::~ReaderPool() = default;

namespace {

thread_local bool t_in_run = false;

}  // namespace

Result<std::unique_ptr<Database>> ReaderPool::acquire() {
  std::unique_lock lock(mutex_);
  freed_.wait(lock, [this] { return !paused_ && (!idle_.empty() || open_ < max_); });
  ++active_;
  if (!idle_.empty()) {
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }
  ++open_;
  lock.unlock();
  // Opened outside the lock: opening reads the schema, and others may go on meanwhile.
  auto opened = Database::openReader(path_);
  if (!opened) {
    lock.lock();
    --open_;
    --active_;
    freed_.notify_all();
  }
  return opened;
}

void ReaderPool::release(std::unique_ptr<Database> connection) {
  std::lock_guard lock(mutex_);
  if (connection) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
  --active_;
  // All: a pause waits for active_ to reach zero, runs wait for a connection.
  freed_.notify_all();
}

ReaderPool::Pause ReaderPool::pause() {
  std::unique_lock lock(mutex_);
  // One pause at a time (the vault's writer takes it, under its own lock).
  freed_.wait(lock, [this] { return !paused_; });
  paused_ = true;
  freed_.wait(lock, [this] { return active_ == 0; });
  return Pause(*this);
}

ReaderPool::Pause::~Pause() {
  if (pool_ == nullptr) return;
  std::lock_guard lock(pool_->mutex_);
  pool_->paused_ = false;
  pool_->freed_.notify_all();
}

Status ReaderPool::run(const std::function<Status(Database&)>& work) {
  if (t_in_run) return fail(ErrorCode::kInvalidArgument, "a read inside a read");
  auto acquired = acquire();
  if (!acquired) return std::unexpected(acquired.error());
  // Returns the connection on every way out, exceptions from `work` included,
  // and never returns one still inside a transaction: it would hold the WAL
  // and block the checkpoint that deletion needs.
  struct Lease {
    ReaderPool& pool;
    std::unique_ptr<Database> db;
    bool in_transaction = false;
    ~Lease() {
      t_in_run = false;
      if (in_transaction && !db->execOne("ROLLBACK")) db.reset();
      pool.release(std::move(db));
    }
  } lease{*this, std::move(*acquired)};
  t_in_run = true;
  LV_TRY(lease.db->execOne("BEGIN"));
  lease.in_transaction = true;
  Status result = work(*lease.db);
  if (result) {
    result = lease.db->execOne("COMMIT");
    lease.in_transaction = !result;
  }
  return result;
}

}  // namespace storage
