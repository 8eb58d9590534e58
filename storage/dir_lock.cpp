#include "storage/dir_lock.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "storage/file_system.h"

namespace storage {

Result<std::unique_ptr<DirLock>> DirLock::acquire(const std::string& dir) {
  const std::string path = joinPath(dir, ".lock");
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return fail(ErrorCode::kIo, "open " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return fail(ErrorCode::kBusy, dir +
                                        " is in use by another LessonVault process "
                                        "(the running server?); stop it first");
    }
    return fail(ErrorCode::kIo, "lock " + path + ": " + std::strerror(err));
  }
  return std::unique_ptr<DirLock>(new DirLock(fd));
}

DirLock::~DirLock() { ::close(fd_); }

}  // namespace storage
