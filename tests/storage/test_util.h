// Helpers shared by the storage tests: a temporary directory, deterministic
// pseudo-random bytes, and whole-file reads and writes for tampering.
#pragma once

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "storage/crypto.h"
#include "storage/file_system.h"

namespace storage::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::vector<std::uint8_t> pseudoRandom(std::size_t size, std::uint64_t seed);
std::vector<std::uint8_t> readFile(const std::string& path);
void writeFile(const std::string& path, const std::vector<std::uint8_t>& bytes);
std::vector<std::uint8_t> fromHexString(const std::string& hex);
SecretKey keyFromByte(std::uint8_t first);  // first, first+1, ... (distinct test keys)
// True when any `window`-byte run of `needle` occurs in `haystack`.
bool containsAnyWindow(const std::vector<std::uint8_t>& haystack,
                       const std::vector<std::uint8_t>& needle, std::size_t window);

// FileSystem::posix() with every call passed through; a test overrides the one it changes.
class PosixForwardingFileSystem : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> createNew(const std::string& p) override {
    return real().createNew(p);
  }
  Result<std::unique_ptr<WritableFile>> createNewDirect(const std::string& p) override {
    return real().createNewDirect(p);
  }
  Result<std::unique_ptr<WritableFile>> openAppend(const std::string& p) override {
    return real().openAppend(p);
  }
  Result<std::unique_ptr<RandomAccessFile>> openRead(const std::string& p) override {
    return real().openRead(p);
  }
  Result<std::unique_ptr<RandomAccessFile>> openMapped(const std::string& p) override {
    return real().openMapped(p);
  }
  Status rename(const std::string& a, const std::string& b) override { return real().rename(a, b); }
  Status remove(const std::string& p) override { return real().remove(p); }
  Status truncate(const std::string& p, std::uint64_t n) override { return real().truncate(p, n); }
  Status syncDir(const std::string& d) override { return real().syncDir(d); }
  Status createDirs(const std::string& p) override { return real().createDirs(p); }
  Result<bool> exists(const std::string& p) override { return real().exists(p); }
  Result<std::vector<std::string>> list(const std::string& d) override { return real().list(d); }

 protected:
  static FileSystem& real() { return FileSystem::posix(); }
};

// The real file system without mappings: finished objects are read with pread().
class UnmappedFileSystem final : public PosixForwardingFileSystem {
 public:
  Result<std::unique_ptr<RandomAccessFile>> openMapped(const std::string& p) override {
    return real().openRead(p);
  }
};

}  // namespace storage::testing
