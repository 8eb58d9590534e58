#include "storage/reader_pool.h"

#include <utility>

namespace storage {

ReaderPool::ReaderPool(std::string path, std::size_t max_connections)
    : path_(std::move(path)), max_(max_connections == 0 ? 1 : max_connections) {}

ReaderPool::~ReaderPool() = default;

namespace {

// The connection of this thread's current run or scope: nested runs join it.
thread_local Database* t_reading = nullptr;

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
  // Never back into the pool inside a transaction: it would hold the WAL and
  // block the checkpoint that deletion needs. A read transaction changed
  // nothing, so rolling it back is as good as committing it.
  if (connection && connection->inTransaction() && !connection->execOne("ROLLBACK")) {
    connection.reset();
  }
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

Result<ReaderPool::Pause> ReaderPool::pause() {
  if (t_reading != nullptr) {
    return fail(ErrorCode::kInvalidArgument,
                "a pause of the readers from inside a read would wait for itself");
  }
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

Result<ReaderPool::Scope> ReaderPool::scope() {
  if (t_reading != nullptr) return Scope(nullptr, nullptr);
  auto acquired = acquire();
  if (!acquired) return std::unexpected(acquired.error());
  Scope scope(this, std::move(*acquired));
  LV_TRY(scope.db_->execOne("BEGIN"));
  t_reading = scope.db_.get();
  return scope;
}

ReaderPool::Scope::~Scope() {
  if (pool_ == nullptr) return;
  t_reading = nullptr;
  pool_->release(std::move(db_));
}

Status ReaderPool::run(const std::function<Status(Database&)>& work) {
  if (t_reading != nullptr) return work(*t_reading);
  auto scope = this->scope();
  if (!scope) return std::unexpected(scope.error());
  // The scope returns the connection on every way out, exceptions from `work`
  // included, out of its transaction.
  LV_TRY(work(*t_reading));
  return t_reading->execOne("COMMIT");
}

}  // namespace storage
