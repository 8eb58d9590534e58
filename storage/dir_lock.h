// An exclusive lock on a directory for one process at a time (flock on
// <dir>/.lock). The vault holds it for its lifetime, so the operator CLI can
// never sweep files from under a running server.
#pragma once

#include <memory>
#include <string>

#include "storage/error.h"

namespace storage {

class DirLock {
 public:
  // kBusy when another open file description holds it (another process, or
  // another vault in this one).
  static Result<std::unique_ptr<DirLock>> acquire(const std::string& dir);

  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  ~DirLock();  // releases by closing

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace storage
