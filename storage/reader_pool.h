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
  // every connection is in use.
  Status run(const std::function<Status(Database&)>& work);

 private:
  Result<std::unique_ptr<Database>> acquire();
  void release(std::unique_ptr<Database> connection);

  const std::string path_;
  const std::size_t max_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Database>> idle_;
  std::size_t open_ = 0;  // idle and in use
};

}  // namespace storage
