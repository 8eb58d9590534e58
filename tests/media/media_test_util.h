// The media tests' real byte source and sink: a fixture file's bytes in
// memory, and a growing buffer (what the encrypting sink receives in ingest).
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "media/byte_io.h"

namespace media::testing {

inline std::string fixturePath(const std::string& name) {
  return std::string(LV_TEST_MEDIA_DIR) + "/" + name;
}

// A uniquely named file in the temp directory, removed when this goes: tests
// run in parallel, so no two may share a fixed name.
class TempFile {
 public:
  explicit TempFile(const std::string& suffix) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / ("lv-media-XXXXXX" + suffix)).string();
    const int fd = ::mkstemps(pattern.data(), static_cast<int>(suffix.size()));
    EXPECT_GE(fd, 0) << "mkstemps failed";
    if (fd >= 0) ::close(fd);
    path_ = pattern;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }
  void write(const std::vector<std::uint8_t>& bytes) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
  }

 private:
  std::string path_;
};

class BytesSource final : public ByteSource {
 public:
  explicit BytesSource(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  static BytesSource fromFixture(const std::string& name) {
    std::ifstream in(fixturePath(name), std::ios::binary);
    EXPECT_TRUE(in) << "missing fixture " << name << " (run scripts/make-test-media.sh)";
    return BytesSource(std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {}));
  }
  std::uint64_t size() const override { return bytes_.size(); }
  bool readAt(std::uint64_t offset, std::span<std::uint8_t> out) noexcept override {
    if (fail_after_ && offset >= *fail_after_) return false;
    std::copy_n(bytes_.begin() + static_cast<std::ptrdiff_t>(offset), out.size(), out.begin());
    return true;
  }
  void failAfter(std::uint64_t offset) { fail_after_ = offset; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::optional<std::uint64_t> fail_after_;
};

class BufferSink final : public ByteSink {
 public:
  bool write(std::span<const std::uint8_t> data) noexcept override {
    if (limit_ && bytes.size() + data.size() > *limit_) return false;
    bytes.insert(bytes.end(), data.begin(), data.end());
    return true;
  }
  void refuseAfter(std::size_t limit) { limit_ = limit; }
  std::vector<std::uint8_t> bytes;

 private:
  std::optional<std::size_t> limit_;
};

}  // namespace media::testing
