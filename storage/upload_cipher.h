// The upload-log format: header and record AEAD, shared by UploadLog (append,
// recovery) and UploadLogReader (ingest). FORMAT.md is the byte-exact reference.
//
//   header (56 bytes)
//   +---------+----+-----------+-----------+
//   | LVLTUPL | 01 | salt (32) | upload id |
//   |   7 B   | 1B |           |   16 B    |
//   +---------+----+-----------+-----------+
//   record i, repeated
//   +-------------+------------+----------------+----------+
//   | length (BE) | nonce (12) | ciphertext     | tag (16) |
//   |    4 B      |  random    | `length` bytes |          |
//   +-------------+------------+----------------+----------+
//
//   log key          = HKDF-SHA256(ikm = data key, salt = salt,
//                                  info = "lessonvault upload v1" || upload id)
//   associated data  = upload id (16) || i as uint64 BE || plaintext offset as uint64 BE
//
// Binding the index and offset means a record cannot be dropped, repeated or
// moved without the next authentication failing; binding the id stops records
// moving between uploads. Nonces are random because a log is appended across
// process restarts, where a counter could be reused after a crash.
#pragma once

#include <array>
#include <cstdint>

#include "storage/crypto.h"
#include "storage/ids.h"

namespace storage {

inline constexpr std::size_t kUploadHeaderSize = 7 + 1 + 32 + 16;
inline constexpr std::size_t kRecordPrefixSize = 4 + kGcmNonceSize;
inline constexpr std::size_t kRecordOverhead = kRecordPrefixSize + kGcmTagSize;
inline constexpr std::uint32_t kMaxRecordSize = 8 * 1024 * 1024;

using UploadHeaderBytes = std::array<std::uint8_t, kUploadHeaderSize>;

class UploadCipher {
 public:
  static Result<UploadCipher> forNewLog(const SecretKey& data_key, const Id& upload_id, Bytes salt);
  // kBadMagic for a foreign file or version, kWrongObject for another upload's log.
  static Result<UploadCipher> fromHeader(const SecretKey& data_key, const Id& expected_id,
                                         Bytes header);

  const UploadHeaderBytes& header() const { return header_; }

  // Writes a whole record (prefix, ciphertext, tag) for `plaintext` into `out`,
  // which must hold plaintext.size() + kRecordOverhead bytes.
  Status seal(std::uint64_t index, std::uint64_t offset, Bytes plaintext, MutableBytes out);
  // Opens a whole record; kSegmentAuth when it is not record `index` at `offset`.
  Status open(std::uint64_t index, std::uint64_t offset, Bytes record, MutableBytes plaintext);

  // The length field of a record prefix; 0 or > kMaxRecordSize means corrupt.
  static std::uint32_t recordLength(Bytes prefix);

 private:
  UploadCipher(AesGcm aead, const UploadHeaderBytes& header);
  std::array<std::uint8_t, 32> associated(std::uint64_t index, std::uint64_t offset) const;

  AesGcm aead_;
  UploadHeaderBytes header_;
};

}  // namespace storage
