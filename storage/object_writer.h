// Writes one finished object (a playable fMP4, a poster) in the segmented
// format of object_cipher.h: sequentially, into a temporary file, published
// atomically by finish().
//
// Thread safety: none; one writer per object. On failure, or if destroyed
// before finish() succeeds, the temporary file is removed and nothing is
// published.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "storage/file_system.h"
#include "storage/object_cipher.h"

namespace storage {

class ObjectWriter {
 public:
  // Starts object `id` in `dir`; it will be published as dir/<id hex>.
  static Result<std::unique_ptr<ObjectWriter>> create(
      FileSystem& fs, const std::string& dir, const Id& id, const SecretKey& data_key,
      std::uint32_t segment_size = kDefaultSegmentSize);

  ObjectWriter(const ObjectWriter&) = delete;
  ObjectWriter& operator=(const ObjectWriter&) = delete;
  ~ObjectWriter();

  Status append(Bytes data);

  // Seals the last segment, fsyncs the file, renames it into place and fsyncs
  // the directory. Returns the plaintext size, which the caller records: the
  // reader checks it. After an error nothing is left under either name and
  // the writer is unusable.
  Result<std::uint64_t> finish();

  static std::string finalName(const Id& id) { return id.hex(); }

 private:
  ObjectWriter(FileSystem& fs, std::string dir, const Id& id, ObjectCipher cipher,
               std::unique_ptr<WritableFile> file, std::string temp_path);
  // Seals one segment into out_; writes out_ to the file when it is full or `last`.
  Status seal(Bytes plaintext, bool last);
  void abandon();

  FileSystem& fs_;
  const std::string dir_;
  const Id id_;
  ObjectCipher cipher_;
  std::unique_ptr<WritableFile> file_;
  const std::string temp_path_;
  std::vector<std::uint8_t> buffer_;  // plaintext of the segment being filled
  // Sealed segments not yet written: written about 1 MiB at a time (fewer system calls).
  std::vector<std::uint8_t> out_;
  std::size_t out_used_ = 0;
  std::uint32_t next_segment_ = 0;
  std::uint64_t size_ = 0;
  bool done_ = false;  // published, or failed and cleaned up
};

}  // namespace storage
