// A local file as a media::ByteSource, for `lessonvault-admin check-media`:
// the same probing as ingest, on a file the IT admin has at hand.
#pragma once

#include <memory>
#include <string>

#include "media/byte_io.h"

namespace server::admin {

class FileSource final : public media::ByteSource {
 public:
  // nullptr when the file cannot be opened.
  static std::unique_ptr<FileSource> open(const std::string& path);
  ~FileSource() override;
  std::uint64_t size() const override { return size_; }
  bool readAt(std::uint64_t offset, std::span<std::uint8_t> out) noexcept override;

 private:
  FileSource(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  int fd_;
  std::uint64_t size_;
};

}  // namespace server::admin
