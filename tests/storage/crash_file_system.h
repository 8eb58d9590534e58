// A FileSystem for crash tests. It passes operations through to the real file
// system, remembers what has been made durable (file bytes by sync(), names by
// syncDir()), and at crash() throws away everything that was not: unsynced
// bytes are dropped (or, at random, a prefix survives, intact or zeroed — as a
// torn write would leave it), and creates and renames whose directory was
// never synced are undone. After the crash point every operation fails.
//
// It can also fail chosen operations without crashing, for the paths that
// must recover from a single I/O error.
//
// Limits: removals are applied at once (a real crash may resurrect an
// unlinked file); only append-only writes are modelled, which is all storage does.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "storage/file_system.h"

namespace storage::testing {

class CrashFileSystem final : public FileSystem {
 public:
  explicit CrashFileSystem(std::uint64_t seed) : rng_(seed) {}

  // The `n`th mutating operation from now fails and every later one too.
  void crashAfter(std::uint64_t n) { countdown_ = n; }
  // Without a crash: the mutating operations with these numbers (counted from
  // 0 at construction) fail with kIo and have no effect; the rest proceed.
  void failOperations(std::set<std::uint64_t> ops) { failing_ = std::move(ops); }
  // Applies the loss of everything not durable. Call once, after the crash point.
  void crash();
  bool crashed() const { return crashed_; }

  Result<std::unique_ptr<WritableFile>> createNew(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> openAppend(const std::string& path) override;
  Result<std::unique_ptr<RandomAccessFile>> openRead(const std::string& path) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  Status truncate(const std::string& path, std::uint64_t size) override;
  Status syncDir(const std::string& dir) override;
  Status createDirs(const std::string& path) override;
  Result<bool> exists(const std::string& path) override;
  Result<std::vector<std::string>> list(const std::string& dir) override;

  // Used by the file wrapper.
  Status tick();
  void wrote(const std::string& path, std::uint64_t bytes) { files_[path].size += bytes; }
  void synced(const std::string& path) { files_[path].synced = files_[path].size; }

 private:
  struct FileState {
    std::uint64_t size = 0;
    std::uint64_t synced = 0;
  };
  struct PendingName {
    std::string dir;
    std::string from;  // empty for a create
    std::string to;
  };

  std::mt19937_64 rng_;
  std::uint64_t countdown_ = UINT64_MAX;
  std::uint64_t operations_ = 0;
  std::set<std::uint64_t> failing_;
  bool crashed_ = false;
  std::map<std::string, FileState> files_;  // by current path
  std::vector<PendingName> pending_;
};

}  // namespace storage::testing
