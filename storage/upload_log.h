// An upload in progress: an append-only log of encrypted records
// (upload_cipher.h). append() returns only after its records are fsync'd, so
// the offset it returns — the tus offset — survives any crash. open() after a
// restart authenticates every record and cuts the file at the first torn or
// unauthenticated one.
//
// Thread safety: none; the server serialises appends per upload.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "storage/file_system.h"
#include "storage/upload_cipher.h"

namespace storage {

class UploadLog {
 public:
  // Creates the log at `path` atomically: after success the header is durable
  // under its final name; after failure nothing is there.
  static Result<std::unique_ptr<UploadLog>> create(FileSystem& fs, const std::string& path,
                                                   const Id& upload_id, const SecretKey& data_key);

  // Recovers an existing log (see above). What was cut is reported by bytesCut().
  static Result<std::unique_ptr<UploadLog>> open(FileSystem& fs, const std::string& path,
                                                 const Id& upload_id, const SecretKey& data_key);

  // Appends `data` as records of at most kMaxRecordSize, fsyncs, and returns the
  // new acknowledged offset. On failure the file is cut back to the last
  // acknowledged record; if even that fails, the log refuses further appends
  // until reopened (recovery then does the cut).
  Result<std::uint64_t> append(Bytes data);

  std::uint64_t offset() const { return offset_; }
  std::uint64_t recordCount() const { return records_; }
  std::uint64_t bytesCut() const { return bytes_cut_; }

 private:
  UploadLog(FileSystem& fs, std::string path, UploadCipher cipher,
            std::unique_ptr<WritableFile> file, std::uint64_t file_size, std::uint64_t offset,
            std::uint64_t records);

  FileSystem& fs_;
  const std::string path_;
  UploadCipher cipher_;
  std::unique_ptr<WritableFile> file_;
  std::uint64_t file_size_;
  std::uint64_t offset_;
  std::uint64_t records_;
  std::uint64_t bytes_cut_ = 0;
  bool broken_ = false;
  std::vector<std::uint8_t> scratch_;
};

// Random-access plaintext reads over a complete upload log, for ingest. The
// index is built from the record headers; each record is authenticated when
// it is first read, and nothing of it is handed out before. While the caller
// reads one record, a thread of the reader's own reads and authenticates the
// next (ingest reads front to back, and this takes the decryption off the
// remuxer's thread); a read elsewhere is served directly.
//
// Thread safety: one caller at a time.
class UploadLogReader {
 public:
  // `expected_size` is the acknowledged offset recorded for the upload; a log
  // holding fewer or more bytes is refused.
  static Result<std::unique_ptr<UploadLogReader>> open(FileSystem& fs, const std::string& path,
                                                       const Id& upload_id,
                                                       const SecretKey& data_key,
                                                       std::uint64_t expected_size);
  ~UploadLogReader();
  UploadLogReader(const UploadLogReader&) = delete;
  UploadLogReader& operator=(const UploadLogReader&) = delete;

  std::uint64_t size() const { return size_; }
  // Fills `out` with bytes [offset, offset + out.size()), within size().
  Status read(std::uint64_t offset, MutableBytes out);

 private:
  struct Record {
    std::uint64_t file_offset;
    std::uint64_t plain_offset;
    std::uint32_t length;
  };
  // One record, read whole and decrypted in place: its plaintext starts
  // kRecordPrefixSize bytes into `bytes`.
  struct Slot {
    std::size_t record = SIZE_MAX;
    std::vector<std::uint8_t> bytes;
    Status status;
  };
  UploadLogReader(std::unique_ptr<RandomAccessFile> file, UploadCipher cipher,
                  UploadCipher prefetch_cipher, std::vector<Record> index, std::uint64_t size);
  // Makes current_ hold `record`: taken from the prefetch when it has it.
  Status load(std::size_t record);
  // Reads and decrypts `record` into `slot` (its bytes and status; the caller sets its record).
  void fill(Slot& slot, std::size_t record, UploadCipher& cipher) const noexcept;
  void prefetchLoop(std::stop_token stop);

  std::unique_ptr<RandomAccessFile> file_;  // pread: shared by both threads
  UploadCipher cipher_;                     // the caller's thread
  UploadCipher prefetch_cipher_;            // the prefetch thread's
  const std::vector<Record> index_;
  const std::uint64_t size_;
  Slot current_;  // the caller's

  std::mutex mutex_;
  std::condition_variable_any changed_;
  Slot prefetch_;          // the prefetch thread's while loading_, else guarded
  bool loading_ = false;   // guarded
  std::jthread prefetcher_;  // started at the end of the constructor
};

}  // namespace storage
