// The file layer every storage format writes through. Production uses
// FileSystem::posix(); crash tests substitute a layer that forgets what was
// never fsync'd. Paths are built by storage from random ids only.
//
// Contract shared by all implementations: data appended to a WritableFile is
// durable only after sync(); a new name (create, rename) is durable only after
// syncDir() on its directory.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "storage/crypto.h"
#include "storage/error.h"

namespace storage {

// A file open for appending. Not thread-safe. The destructor closes without
// syncing; call sync() for durability.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status append(Bytes data) = 0;
  // Makes the data durable with the metadata needed to read it (fdatasync).
  virtual Status sync() = 0;
};

// A file open for positional reads. Thread-safe (pread).
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  virtual Result<std::uint64_t> size() const = 0;
  // Reads exactly out.size() bytes at offset, or fails with kTruncated.
  virtual Status readAt(std::uint64_t offset, MutableBytes out) const = 0;

  // Runs use(bytes) on bytes [offset, offset + size) where they lie in memory, without
  // copying them, when the file is mapped (FileSystem::openMapped), and returns what
  // `use` returned; nullopt when it is not (then read them with readAt()). A mapping
  // faults where a read would fail — the file cut short underneath, a page the disk
  // cannot deliver: `use` is then abandoned where it stands and the result is kIo
  // (fault_guard.h), so `use` must only compute over the bytes and write into memory
  // the caller owns, taking no lock and allocating nothing before its last access.
  template <typename Use>
  std::optional<Status> readInPlace(std::uint64_t offset, std::size_t size, Use&& use) const {
    using Fn = std::remove_reference_t<Use>;
    return readInPlaceVia(
        offset, size,
        [](void* fn, Bytes bytes) -> Status { return (*static_cast<Fn*>(fn))(bytes); },
        const_cast<void*>(static_cast<const void*>(&use)));
  }

 protected:
  using InPlaceUse = Status (*)(void* use, Bytes bytes);
  virtual std::optional<Status> readInPlaceVia(std::uint64_t, std::size_t, InPlaceUse,
                                               void*) const {
    return std::nullopt;
  }
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The real file system. Files are created 0600, directories 0700.
  static FileSystem& posix();

  // Creates a file that must not exist yet (O_EXCL) and opens it for appending.
  virtual Result<std::unique_ptr<WritableFile>> createNew(const std::string& path) = 0;
  // createNew() for a large file written once, front to back, and not read
  // back soon (a finished object): where the file system allows, its writes
  // bypass the page cache (O_DIRECT), which saves copying every byte into the
  // cache and the cache's memory. Same contract otherwise. By default, createNew().
  virtual Result<std::unique_ptr<WritableFile>> createNewDirect(const std::string& path) {
    return createNew(path);
  }
  // Opens an existing file for appending at its end.
  virtual Result<std::unique_ptr<WritableFile>> openAppend(const std::string& path) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> openRead(const std::string& path) = 0;
  // openRead() for a file that is never written again (a published object): where the
  // file system allows, the file is also mapped read-only, so that readInPlace() hands
  // out its bytes without the copy that pread() makes. By default, openRead().
  virtual Result<std::unique_ptr<RandomAccessFile>> openMapped(const std::string& path) {
    return openRead(path);
  }
  // Renames within one directory; `to` must not exist.
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual Status remove(const std::string& path) = 0;  // kNotFound if absent
  // Cuts a file to `size` bytes and fsyncs it.
  virtual Status truncate(const std::string& path, std::uint64_t size) = 0;
  virtual Status syncDir(const std::string& dir) = 0;
  // mkdir -p with mode 0700; each directory it creates is made durable.
  virtual Status createDirs(const std::string& path) = 0;
  virtual Result<bool> exists(const std::string& path) = 0;
  virtual Result<std::vector<std::string>> list(const std::string& dir) = 0;  // names only
};

// "dir/name" without normalisation; names come from storage, never from clients.
std::string joinPath(const std::string& dir, const std::string& name);
std::string parentDir(const std::string& path);

}  // namespace storage
