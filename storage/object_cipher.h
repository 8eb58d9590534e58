// The finished-object format: the header and the per-segment AEAD shared by
// ObjectWriter and ObjectReader. storage/FORMAT.md is the byte-exact reference;
// tests/storage/format_kat_test.cpp pins it with a known-answer vector.
//
//   header (83 bytes, authenticated by its own tag)
//   +---------+----+--------+----------+--------------+-----------+------------+
//   | LVLTOBJ | 01 | S (BE) | salt (32)| nonce prefix | object id | header tag |
//   |  7 B    | 1B |  4 B   |          |     7 B      |   16 B    |    16 B    |
//   +---------+----+--------+----------+--------------+-----------+------------+
//   then segments 0..n-1, each AES-256-GCM(plaintext) || tag (16 B);
//   every segment holds S plaintext bytes except the last, which holds 0..S.
//
//   file key   = HKDF-SHA256(ikm = data key, salt = salt,
//                            info = "lessonvault object v1" || object id)
//   nonce(i)   = nonce prefix (7) || i as uint32 BE (4) || last ? 0x01 : 0x00
//   header tag = GCM tag over empty plaintext, associated data = header bytes 0..66,
//                nonce = nonce prefix || 00 00 00 00 || 0x02
//
// The flag byte keeps segment nonces and the header nonce disjoint, and makes
// "this is the last segment" part of what is authenticated, so truncation at a
// segment boundary fails instead of reading short.
#pragma once

#include <array>
#include <cstdint>

#include "storage/crypto.h"
#include "storage/ids.h"

namespace storage {

inline constexpr std::uint32_t kDefaultSegmentSize = 64 * 1024;
inline constexpr std::uint32_t kMinSegmentSize = 16;
inline constexpr std::uint32_t kMaxSegmentSize = 16 * 1024 * 1024;
inline constexpr std::size_t kObjectSaltSize = 32;
inline constexpr std::size_t kNoncePrefixSize = 7;
inline constexpr std::size_t kObjectHeaderSize = 7 + 1 + 4 + 32 + 7 + 16 + kGcmTagSize;

using ObjectHeaderBytes = std::array<std::uint8_t, kObjectHeaderSize>;

// Seals and opens the segments of one object. Not thread-safe.
class ObjectCipher {
 public:
  // For a new object. The salt and nonce prefix must be fresh random bytes;
  // only the known-answer test passes fixed ones.
  static Result<ObjectCipher> forNewObject(const SecretKey& data_key, const Id& object_id,
                                           std::uint32_t segment_size, Bytes salt,
                                           Bytes nonce_prefix);

  // For an existing object: checks magic and version (kBadMagic), the header tag
  // (kHeaderAuth: altered, or the wrong data key) and that the header names
  // `expected_id` (kWrongObject).
  static Result<ObjectCipher> fromHeader(const SecretKey& data_key, const Id& expected_id,
                                         Bytes header);

  const ObjectHeaderBytes& header() const { return header_; }
  std::uint32_t segmentSize() const { return segment_size_; }

  // ciphertext_and_tag must be plaintext.size() + kGcmTagSize bytes.
  Status seal(std::uint32_t index, bool last, Bytes plaintext, MutableBytes ciphertext_and_tag);
  // Fails with kSegmentAuth (plaintext wiped) when the segment is not segment
  // `index` of this object with this last-flag.
  Status open(std::uint32_t index, bool last, Bytes ciphertext_and_tag, MutableBytes plaintext);

  // Ciphertext size of an object holding `plaintext_size` bytes.
  static std::uint64_t encryptedSize(std::uint32_t segment_size, std::uint64_t plaintext_size);
  static std::uint64_t segmentCount(std::uint32_t segment_size, std::uint64_t plaintext_size);

 private:
  ObjectCipher(AesGcm aead, const ObjectHeaderBytes& header, std::uint32_t segment_size);

  AesGcm aead_;
  ObjectHeaderBytes header_;
  std::uint32_t segment_size_;
};

}  // namespace storage
