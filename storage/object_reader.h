// Random-access reads of a finished object (object_cipher.h).
//
// open() authenticates the header and the last segment once, and checks the
// file's length against the plaintext size the database recorded, so a
// truncated object is refused even by a read that never reaches its end.
// After that, read() touches only the segments its range covers.
// Segments are decrypted where they lie in the mapped file (FileSystem::openMapped,
// docs/storage-mapped-objects.md), or read with pread() where the file is not mapped.
//
// Thread safety: none (one segment is cached); open one reader per stream.
// Readers are kept between requests by ObjectReaderCache (object_reader_cache.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "storage/file_system.h"
#include "storage/object_cipher.h"

namespace storage {

class ObjectReader {
 public:
  static Result<std::unique_ptr<ObjectReader>> open(FileSystem& fs, const std::string& path,
                                                    const Id& id, const SecretKey& data_key,
                                                    std::uint64_t expected_size);
  // The same over a file already open, which readers of one object may share (one
  // mapping for all of them: ObjectReaderCache::sharedFile). The file is only read.
  static Result<std::unique_ptr<ObjectReader>> open(std::shared_ptr<const RandomAccessFile> file,
                                                    const Id& id, const SecretKey& data_key,
                                                    std::uint64_t expected_size);

  std::uint64_t size() const { return size_; }

  // Fills `out` with plaintext bytes [offset, offset + out.size()), which must
  // lie within size(). On kSegmentAuth `out` is wiped.
  Status read(std::uint64_t offset, MutableBytes out);

  // Frees the buffers (and with them the cached plaintext segment) while the reader
  // waits idle for its next request; the next read() allocates them again.
  void shed();

  // Segments decrypted so far, including the last one at open(); lets tests
  // prove that a range reads only what it covers.
  std::uint64_t segmentsDecrypted() const { return segments_decrypted_; }
  // Reads of segments with pread() so far, one per batch of whole segments; none
  // when the file is mapped.
  std::uint64_t fileReads() const { return file_reads_; }

 private:
  ObjectReader(std::shared_ptr<const RandomAccessFile> file, ObjectCipher cipher,
               std::uint64_t size);
  std::size_t plainSize(std::uint64_t index) const;
  // Authenticates and decrypts segments [first, first + count) into `out` (their plain
  // sizes together; count <= batch_): where they lie in the mapped file, or else read
  // into ciphertext_ with one pread first.  On failure `out` is wiped.
  Status decryptSegments(std::uint64_t first, std::uint64_t count, MutableBytes out);
  // Authenticates and decrypts one sealed segment (plain size + tag).
  Status openSegment(std::uint64_t index, Bytes sealed, MutableBytes out);
  // Makes `cache_` hold segment `index`, decrypting it if needed.
  Status loadSegment(std::uint64_t index);

  const std::shared_ptr<const RandomAccessFile> file_;
  ObjectCipher cipher_;
  const std::uint64_t size_;
  const std::uint64_t segment_count_;
  // Whole segments read with one system call (about 256 KiB of ciphertext, at most the
  // object's segments).
  const std::uint64_t batch_;
  // Allocated on first use, freed by shed(). Not zeroed: every byte is written (read or
  // decrypted) before it is used.
  std::unique_ptr<std::uint8_t[]> ciphertext_;  // batch_ sealed segments; not when mapped
  std::unique_ptr<std::uint8_t[]> cache_;
  std::uint64_t cached_index_ = UINT64_MAX;
  std::uint64_t segments_decrypted_ = 0;
  std::uint64_t file_reads_ = 0;
};

}  // namespace storage
