#include "storage/object_cipher.h"

#include <cstring>
#include <string>

#include "storage/byte_order.h"
#include "storage/file_key.h"

namespace storage {
namespace {

constexpr char kMagic[7] = {'L', 'V', 'L', 'T', 'O', 'B', 'J'};
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kVersionAt = 7;
constexpr std::size_t kSegmentSizeAt = 8;
constexpr std::size_t kSaltAt = 12;
constexpr std::size_t kPrefixAt = kSaltAt + kObjectSaltSize;
constexpr std::size_t kIdAt = kPrefixAt + kNoncePrefixSize;
constexpr std::size_t kTagAt = kIdAt + Id::kSize;
static_assert(kTagAt + kGcmTagSize == kObjectHeaderSize);

constexpr std::uint8_t kFlagMiddle = 0x00;
constexpr std::uint8_t kFlagLast = 0x01;
constexpr std::uint8_t kFlagHeader = 0x02;
constexpr std::string_view kInfoLabel = "lessonvault object v1";

std::array<std::uint8_t, kGcmNonceSize> makeNonce(const ObjectHeaderBytes& header,
                                                  std::uint32_t index, std::uint8_t flag) {
  std::array<std::uint8_t, kGcmNonceSize> nonce{};
  std::memcpy(nonce.data(), header.data() + kPrefixAt, kNoncePrefixSize);
  putBigEndian32(nonce.data() + kNoncePrefixSize, index);
  nonce[kGcmNonceSize - 1] = flag;
  return nonce;
}

Bytes headerBody(const ObjectHeaderBytes& header) { return Bytes(header).first(kTagAt); }

}  // namespace

ObjectCipher::ObjectCipher(AesGcm aead, const ObjectHeaderBytes& header, std::uint32_t segment_size)
    : aead_(std::move(aead)), header_(header), segment_size_(segment_size) {}

Result<ObjectCipher> ObjectCipher::forNewObject(const SecretKey& data_key, const Id& object_id,
                                                std::uint32_t segment_size, Bytes salt,
                                                Bytes nonce_prefix) {
  if (segment_size < kMinSegmentSize || segment_size > kMaxSegmentSize) {
    return fail(ErrorCode::kInvalidArgument,
                "segment size " + std::to_string(segment_size) + " is out of range");
  }
  if (salt.size() != kObjectSaltSize || nonce_prefix.size() != kNoncePrefixSize) {
    return fail(ErrorCode::kInvalidArgument, "salt or nonce prefix has the wrong size");
  }
  ObjectHeaderBytes header{};
  std::memcpy(header.data(), kMagic, sizeof kMagic);
  header[kVersionAt] = kVersion;
  putBigEndian32(header.data() + kSegmentSizeAt, segment_size);
  std::memcpy(header.data() + kSaltAt, salt.data(), kObjectSaltSize);
  std::memcpy(header.data() + kPrefixAt, nonce_prefix.data(), kNoncePrefixSize);
  std::memcpy(header.data() + kIdAt, object_id.bytes().data(), Id::kSize);

  auto aead = deriveFileAead(data_key, kInfoLabel, salt, object_id);
  if (!aead) return std::unexpected(aead.error());
  auto nonce = makeNonce(header, 0, kFlagHeader);
  LV_TRY(aead->seal(nonce, headerBody(header), {}, {},
                    MutableBytes(header).subspan(kTagAt, kGcmTagSize)));
  return ObjectCipher(std::move(*aead), header, segment_size);
}

Result<ObjectCipher> ObjectCipher::fromHeader(const SecretKey& data_key, const Id& expected_id,
                                              Bytes bytes) {
  if (bytes.size() < kObjectHeaderSize || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return fail(ErrorCode::kBadMagic, "not a LessonVault object");
  }
  if (bytes[kVersionAt] != kVersion) {
    return fail(ErrorCode::kBadMagic,
                "unsupported object format version " + std::to_string(bytes[kVersionAt]));
  }
  ObjectHeaderBytes header{};
  std::memcpy(header.data(), bytes.data(), kObjectHeaderSize);
  const std::uint32_t segment_size = getBigEndian32(header.data() + kSegmentSizeAt);
  std::array<std::uint8_t, Id::kSize> header_id{};
  std::memcpy(header_id.data(), header.data() + kIdAt, Id::kSize);
  // The key is derived from the id the header claims; the tag then proves the
  // claim, and only after that is it compared with the id the caller expects.
  auto aead = deriveFileAead(data_key, kInfoLabel, Bytes(header).subspan(kSaltAt, kObjectSaltSize),
                             Id::fromBytes(header_id));
  if (!aead) return std::unexpected(aead.error());
  auto nonce = makeNonce(header, 0, kFlagHeader);
  std::array<std::uint8_t, 0> nothing{};
  auto verified = aead->open(nonce, headerBody(header), nothing,
                             Bytes(header).subspan(kTagAt, kGcmTagSize), nothing);
  if (!verified) {
    if (verified.error().code != ErrorCode::kSegmentAuth) return std::unexpected(verified.error());
    return fail(ErrorCode::kHeaderAuth,
                "object header failed authentication: it was altered, or this is the wrong key");
  }
  if (Id::fromBytes(header_id) != expected_id) {
    return fail(ErrorCode::kWrongObject, "object header belongs to another object");
  }
  if (segment_size < kMinSegmentSize || segment_size > kMaxSegmentSize) {
    return fail(ErrorCode::kHeaderAuth, "segment size in header is out of range");
  }
  return ObjectCipher(std::move(*aead), header, segment_size);
}

Status ObjectCipher::seal(std::uint32_t index, bool last, Bytes plaintext,
                          MutableBytes ciphertext_and_tag) {
  if (ciphertext_and_tag.size() != plaintext.size() + kGcmTagSize ||
      plaintext.size() > segment_size_ || (!last && plaintext.size() != segment_size_)) {
    return fail(ErrorCode::kInvalidArgument, "segment has the wrong size");
  }
  auto nonce = makeNonce(header_, index, last ? kFlagLast : kFlagMiddle);
  return aead_.seal(nonce, {}, plaintext, ciphertext_and_tag.first(plaintext.size()),
                    ciphertext_and_tag.subspan(plaintext.size()));
}

Status ObjectCipher::open(std::uint32_t index, bool last, Bytes ciphertext_and_tag,
                          MutableBytes plaintext) {
  if (ciphertext_and_tag.size() != plaintext.size() + kGcmTagSize) {
    return fail(ErrorCode::kInvalidArgument, "segment has the wrong size");
  }
  auto nonce = makeNonce(header_, index, last ? kFlagLast : kFlagMiddle);
  return aead_.open(nonce, {}, ciphertext_and_tag.first(plaintext.size()),
                    ciphertext_and_tag.subspan(plaintext.size()), plaintext);
}

std::uint64_t ObjectCipher::segmentCount(std::uint32_t segment_size, std::uint64_t plaintext_size) {
  // An empty object still has one (empty) last segment.
  return plaintext_size == 0 ? 1 : (plaintext_size + segment_size - 1) / segment_size;
}

std::uint64_t ObjectCipher::encryptedSize(std::uint32_t segment_size,
                                          std::uint64_t plaintext_size) {
  return kObjectHeaderSize + plaintext_size +
         segmentCount(segment_size, plaintext_size) * kGcmTagSize;
}

}  // namespace storage
