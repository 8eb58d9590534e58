#include "storage/upload_cipher.h"

#include <cstring>
#include <string>

#include "storage/byte_order.h"
#include "storage/file_key.h"

namespace storage {
namespace {

constexpr char kMagic[7] = {'L', 'V', 'L', 'T', 'U', 'P', 'L'};
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kSaltAt = 8;
constexpr std::size_t kSaltSize = 32;
constexpr std::size_t kIdAt = kSaltAt + kSaltSize;
constexpr std::string_view kInfoLabel = "lessonvault upload v1";

}  // namespace

UploadCipher::UploadCipher(AesGcm aead, const UploadHeaderBytes& header)
    : aead_(std::move(aead)), header_(header) {}

Result<UploadCipher> UploadCipher::forNewLog(const SecretKey& data_key, const Id& upload_id,
                                             Bytes salt) {
  if (salt.size() != kSaltSize) return fail(ErrorCode::kInvalidArgument, "bad salt size");
  UploadHeaderBytes header{};
  std::memcpy(header.data(), kMagic, sizeof kMagic);
  header[sizeof kMagic] = kVersion;
  std::memcpy(header.data() + kSaltAt, salt.data(), kSaltSize);
  std::memcpy(header.data() + kIdAt, upload_id.bytes().data(), Id::kSize);
  auto aead = deriveFileAead(data_key, kInfoLabel, salt, upload_id);
  if (!aead) return std::unexpected(aead.error());
  return UploadCipher(std::move(*aead), header);
}

Result<UploadCipher> UploadCipher::fromHeader(const SecretKey& data_key, const Id& expected_id,
                                              Bytes bytes) {
  if (bytes.size() < kUploadHeaderSize || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return fail(ErrorCode::kBadMagic, "not a LessonVault upload log");
  }
  if (bytes[sizeof kMagic] != kVersion) {
    return fail(ErrorCode::kBadMagic,
                "unsupported upload log version " + std::to_string(bytes[sizeof kMagic]));
  }
  if (std::memcmp(bytes.data() + kIdAt, expected_id.bytes().data(), Id::kSize) != 0) {
    return fail(ErrorCode::kWrongObject, "upload log belongs to another upload");
  }
  UploadHeaderBytes header{};
  std::memcpy(header.data(), bytes.data(), kUploadHeaderSize);
  auto aead =
      deriveFileAead(data_key, kInfoLabel, Bytes(header).subspan(kSaltAt, kSaltSize), expected_id);
  if (!aead) return std::unexpected(aead.error());
  return UploadCipher(std::move(*aead), header);
}

std::array<std::uint8_t, 32> UploadCipher::associated(std::uint64_t index,
                                                      std::uint64_t offset) const {
  std::array<std::uint8_t, 32> ad{};
  std::memcpy(ad.data(), header_.data() + kIdAt, Id::kSize);
  putBigEndian64(ad.data() + 16, index);
  putBigEndian64(ad.data() + 24, offset);
  return ad;
}

std::uint32_t UploadCipher::recordLength(Bytes prefix) { return getBigEndian32(prefix.data()); }

Status UploadCipher::seal(std::uint64_t index, std::uint64_t offset, Bytes plaintext,
                          MutableBytes out) {
  if (plaintext.empty() || plaintext.size() > kMaxRecordSize ||
      out.size() != plaintext.size() + kRecordOverhead) {
    return fail(ErrorCode::kInvalidArgument, "record has the wrong size");
  }
  putBigEndian32(out.data(), static_cast<std::uint32_t>(plaintext.size()));
  MutableBytes nonce = out.subspan(4, kGcmNonceSize);
  LV_TRY(randomBytes(nonce));
  auto ad = associated(index, offset);
  return aead_.seal(nonce, ad, plaintext, out.subspan(kRecordPrefixSize, plaintext.size()),
                    out.subspan(kRecordPrefixSize + plaintext.size(), kGcmTagSize));
}

Status UploadCipher::open(std::uint64_t index, std::uint64_t offset, Bytes record,
                          MutableBytes plaintext) {
  if (record.size() != plaintext.size() + kRecordOverhead ||
      recordLength(record) != plaintext.size()) {
    return fail(ErrorCode::kInvalidArgument, "record has the wrong size");
  }
  auto ad = associated(index, offset);
  return aead_.open(record.subspan(4, kGcmNonceSize), ad,
                    record.subspan(kRecordPrefixSize, plaintext.size()),
                    record.subspan(kRecordPrefixSize + plaintext.size(), kGcmTagSize), plaintext);
}

}  // namespace storage
