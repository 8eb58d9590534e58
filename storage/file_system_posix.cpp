// FileSystem over POSIX calls. Every fd is owned by UniqueFd; EINTR is retried.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/fault_guard.h"
#include "storage/file_system.h"

namespace storage {
namespace {

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

std::unexpected<Error> ioError(const std::string& what, const std::string& path, int err) {
  return fail(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
              what + " " + path + ": " + std::strerror(err));
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  Status append(Bytes data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_.get(), data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return ioError("write", path_, errno);
      }
      data = data.subspan(static_cast<std::size_t>(n));
      unsynced_ += static_cast<std::size_t>(n);
    }
    if (unsynced_ >= kWritebackBytes) {
      // Start writing back what is dirty now, without waiting for it, so the disk works
      // while we compute and sync() at the end has little left to do (RocksDB's
      // bytes_per_sync). A hint only: its failure changes nothing that sync() checks.
      (void)::sync_file_range(fd_.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
      unsynced_ = 0;
    }
    return {};
  }

  Status sync() override {
    // fdatasync flushes the data and the metadata needed to read it back
    // (the size of a grown file); only timestamps are left to the kernel.
    if (::fdatasync(fd_.get()) != 0) return ioError("fdatasync", path_, errno);
    unsynced_ = 0;
    return {};
  }

 private:
  static constexpr std::size_t kWritebackBytes = 8 << 20;
  UniqueFd fd_;
  std::string path_;
  std::size_t unsynced_ = 0;
};

// Writes through O_DIRECT: from a block-aligned staging buffer, in whole
// blocks at block-aligned offsets, as O_DIRECT requires. The last partial
// block is written padded by sync() and the file cut back to its real length;
// it stays staged, and is written again at the same offset once it fills.
class PosixDirectFile final : public WritableFile {
 public:
  // 4096 covers every common device's logical block size (512 or 4096).
  static constexpr std::size_t kAlign = 4096;
  static constexpr std::size_t kStage = 1 << 20;

  struct Free {
    void operator()(std::uint8_t* p) const { std::free(p); }
  };
  using Stage = std::unique_ptr<std::uint8_t, Free>;

  // Null when out of memory.
  static Stage newStage() {
    return Stage(static_cast<std::uint8_t*>(std::aligned_alloc(kAlign, kStage)));
  }

  PosixDirectFile(int fd, std::string path, Stage stage)
      : fd_(fd), path_(std::move(path)), stage_(std::move(stage)) {}

  Status append(Bytes data) override {
    while (!data.empty()) {
      const std::size_t take = std::min(kStage - used_, data.size());
      std::memcpy(stage_.get() + used_, data.data(), take);
      used_ += take;
      size_ += take;
      data = data.subspan(take);
      if (used_ == kStage) LV_TRY(writeWholeBlocks());
    }
    return {};
  }

  Status sync() override {
    LV_TRY(writeWholeBlocks());
    if (used_ > 0) {
      const std::size_t padded = (used_ + kAlign - 1) / kAlign * kAlign;
      std::memset(stage_.get() + used_, 0, padded - used_);
      LV_TRY(writeAt(file_offset_, padded));
    }
    // Drops the padding (and, after an earlier sync, nothing else: the file
    // only ever grows past size_ by the padding of its last block).
    if (used_ > 0 && ::ftruncate(fd_.get(), static_cast<off_t>(size_)) != 0) {
      return ioError("truncate", path_, errno);
    }
    // O_DIRECT leaves the device's write cache and the file's metadata (its
    // size, its new extents) to fdatasync, as for a buffered file.
    if (::fdatasync(fd_.get()) != 0) return ioError("fdatasync", path_, errno);
    return {};
  }

 private:
  // Writes the staged whole blocks and keeps the partial one, moved to the front.
  Status writeWholeBlocks() {
    const std::size_t whole = used_ / kAlign * kAlign;
    if (whole == 0) return {};
    LV_TRY(writeAt(file_offset_, whole));
    file_offset_ += whole;
    used_ -= whole;
    std::memmove(stage_.get(), stage_.get() + whole, used_);
    return {};
  }

  Status writeAt(std::uint64_t offset, std::size_t length) {
    std::size_t done = 0;
    while (done < length) {
      const ssize_t n = ::pwrite(fd_.get(), stage_.get() + done, length - done,
                                 static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ioError("write", path_, errno);
      }
      // Going on from a point that is not block-aligned would fail with EINVAL
      // and hide the cause; a write of nothing would loop for ever.
      if (n == 0 || static_cast<std::size_t>(n) % kAlign != 0) {
        return fail(ErrorCode::kIo, "write " + path_ + ": short write (" + std::to_string(n) +
                                        " of " + std::to_string(length - done) + " bytes)");
      }
      done += static_cast<std::size_t>(n);
    }
    return {};
  }

  UniqueFd fd_;
  std::string path_;
  Stage stage_;
  std::size_t used_ = 0;           // staged bytes; they belong at file_offset_
  std::uint64_t file_offset_ = 0;  // block-aligned
  std::uint64_t size_ = 0;         // bytes appended in all
};

class PosixRandomAccessFile final : public RandomAccessFile {
 public:
  PosixRandomAccessFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixRandomAccessFile() override {
    if (mapping_ != nullptr) ::munmap(const_cast<std::uint8_t*>(mapping_), mapped_size_);
  }
  PosixRandomAccessFile(const PosixRandomAccessFile&) = delete;
  PosixRandomAccessFile& operator=(const PosixRandomAccessFile&) = delete;

  // Maps the whole file read-only, as long as it is open. Without a mapping (an empty
  // file, no address space) reads stay with pread().
  void map() {
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0 || st.st_size <= 0) return;
    const auto size = static_cast<std::size_t>(st.st_size);
    void* at = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd_.get(), 0);
    if (at == MAP_FAILED) return;
    mapping_ = static_cast<const std::uint8_t*>(at);
    mapped_size_ = size;
  }

  Result<std::uint64_t> size() const override {
    struct stat st {};
    if (::fstat(fd_.get(), &st) != 0) return ioError("stat", path_, errno);
    return static_cast<std::uint64_t>(st.st_size);
  }

  Status readAt(std::uint64_t offset, MutableBytes out) const override {
    std::size_t done = 0;
    while (done < out.size()) {
      ssize_t n = ::pread(fd_.get(), out.data() + done, out.size() - done,
                          static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ioError("read", path_, errno);
      }
      if (n == 0) {
        return fail(ErrorCode::kTruncated, "unexpected end of file in " + path_ + " at byte " +
                                               std::to_string(offset + done));
      }
      done += static_cast<std::size_t>(n);
    }
    return {};
  }

 protected:
  std::optional<Status> readInPlaceVia(std::uint64_t offset, std::size_t size, InPlaceUse use,
                                       void* context) const override {
    if (mapping_ == nullptr) return std::nullopt;
    if (offset > mapped_size_ || size > mapped_size_ - offset) {
      return fail(ErrorCode::kTruncated,
                  "unexpected end of file in " + path_ + " at byte " + std::to_string(offset));
    }
    struct Call {
      InPlaceUse use;
      void* context;
      Bytes bytes;
      Status* result;
    };
    // Constructed before the guard: nothing that owns memory is made under it
    // except by `use`, after its last access to the mapping.
    Status result;
    Call call{use, context, Bytes(mapping_ + offset, size), &result};
    const bool ran = runGuarded(
        mapping_ + offset, size,
        [](void* c) {
          auto* to_run = static_cast<Call*>(c);
          try {
            *to_run->result = to_run->use(to_run->context, to_run->bytes);
          } catch (const std::exception& e) {  // runGuarded is noexcept: no escape through it
            *to_run->result = fail(ErrorCode::kIo, std::string("reading in place: ") + e.what());
          }
        },
        &call);
    if (!ran) {
      return fail(ErrorCode::kIo, "read " + path_ + ": bytes " + std::to_string(offset) + "-" +
                                      std::to_string(offset + size) +
                                      " are no longer readable (the file was cut short, or the "
                                      "disk failed)");
    }
    return result;
  }

 private:
  UniqueFd fd_;
  std::string path_;
  const std::uint8_t* mapping_ = nullptr;
  std::size_t mapped_size_ = 0;
};

struct DirClose {
  void operator()(DIR* d) const { ::closedir(d); }
};

int openRetrying(const std::string& path, int flags, mode_t mode = 0) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> createNew(const std::string& path) override {
    int fd = openRetrying(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW, 0600);
    if (fd < 0) return ioError("create", path, errno);
    return std::make_unique<PosixWritableFile>(fd, path);
  }

  Result<std::unique_ptr<WritableFile>> createNewDirect(const std::string& path) override {
    auto stage = PosixDirectFile::newStage();
    if (!stage) return ioError("create", path, ENOMEM);
    // O_DIRECT is set after the file exists: open() with it creates the file before
    // finding that the file system cannot do it, and the O_EXCL retry would then fail.
    int fd = openRetrying(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
    if (fd < 0) return ioError("create", path, errno);
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0 && ::fcntl(fd, F_SETFL, flags | O_DIRECT) == 0) {
      return std::make_unique<PosixDirectFile>(fd, path, std::move(stage));
    }
    // No O_DIRECT here (tmpfs before Linux 6.6, some FUSE file systems): buffered.
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_APPEND) != 0) {
      const int error = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return ioError("create", path, error);
    }
    return std::make_unique<PosixWritableFile>(fd, path);
  }

  Result<std::unique_ptr<WritableFile>> openAppend(const std::string& path) override {
    int fd = openRetrying(path, O_WRONLY | O_APPEND | O_NOFOLLOW);
    if (fd < 0) return ioError("open", path, errno);
    return std::make_unique<PosixWritableFile>(fd, path);
  }

  Result<std::unique_ptr<RandomAccessFile>> openRead(const std::string& path) override {
    int fd = openRetrying(path, O_RDONLY | O_NOFOLLOW);
    if (fd < 0) return ioError("open", path, errno);
    return std::make_unique<PosixRandomAccessFile>(fd, path);
  }

  Result<std::unique_ptr<RandomAccessFile>> openMapped(const std::string& path) override {
    int fd = openRetrying(path, O_RDONLY | O_NOFOLLOW);
    if (fd < 0) return ioError("open", path, errno);
    auto file = std::make_unique<PosixRandomAccessFile>(fd, path);
    // Unguarded, a file cut short underneath would end the process: read it instead.
    if (faultGuardReady()) file->map();
    return file;
  }

  Status rename(const std::string& from, const std::string& to) override {
    // renameat2(RENAME_NOREPLACE) refuses to overwrite, which a plain rename would do silently.
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) != 0) {
      return ioError("rename to " + to + " from", from, errno);
    }
    return {};
  }

  Status remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ioError("remove", path, errno);
    return {};
  }

  Status truncate(const std::string& path, std::uint64_t size) override {
    int fd = openRetrying(path, O_WRONLY | O_NOFOLLOW);
    if (fd < 0) return ioError("open", path, errno);
    UniqueFd owner(fd);
    if (::ftruncate(fd, static_cast<off_t>(size)) != 0) return ioError("truncate", path, errno);
    if (::fsync(fd) != 0) return ioError("fsync", path, errno);
    return {};
  }

  Status syncDir(const std::string& dir) override {
    int fd = openRetrying(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return ioError("open directory", dir, errno);
    UniqueFd owner(fd);
    if (::fsync(fd) != 0) return ioError("fsync directory", dir, errno);
    return {};
  }

  Status createDirs(const std::string& path) override {
    std::string partial;
    std::size_t pos = 0;
    while (pos != std::string::npos) {
      pos = path.find('/', pos + 1);
      partial = path.substr(0, pos);
      if (partial.empty()) continue;
      if (::mkdir(partial.c_str(), 0700) == 0) {
        // The new name is durable only once its parent directory is.
        LV_TRY(syncDir(parentDir(partial)));
      } else if (errno != EEXIST) {
        return ioError("mkdir", partial, errno);
      }
    }
    return {};
  }

  Result<bool> exists(const std::string& path) override {
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) return true;
    if (errno == ENOENT) return false;
    return ioError("stat", path, errno);
  }

  Result<std::vector<std::string>> list(const std::string& dir) override {
    std::unique_ptr<DIR, DirClose> d(::opendir(dir.c_str()));
    if (!d) return ioError("list", dir, errno);
    std::vector<std::string> names;
    while (dirent* entry = ::readdir(d.get())) {
      std::string name = entry->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    return names;
  }
};

}  // namespace

FileSystem& FileSystem::posix() {
  static PosixFileSystem instance;
  return instance;
}

std::string joinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string parentDir(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace storage
