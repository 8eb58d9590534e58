// Known-answer vectors for both encrypted formats (storage/FORMAT.md). The
// expected bytes come from scripts/kat/format_reference.py, an independent
// implementation written from FORMAT.md with Python's cryptography package.
#include <gtest/gtest.h>

#include "storage/object_cipher.h"
#include "storage/object_reader.h"
#include "storage/upload_log.h"
#include "tests/storage/test_util.h"

namespace storage {
namespace {

using testing::fromHexString;
using testing::keyFromByte;

constexpr char kPlaintext[] =
    "LessonVault known-answer vector: three segments of 32 bytes, last short.";
constexpr char kObjectHex[] =
    "4c564c544f424a0100000020404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
    "a0a1a2a3a4a5a60f0e0d0c0b0a09080706050403020100e0c379a535f86837ef6fd1ab9c93d3a5c354cfed2f"
    "0b55e2913dc132742a255fd49238852afd6b5956657ad3127d4505dc04e5cf7776d70fc61be961e42779d831"
    "3ed718e38f7bdc26937ec7dca0e75215d4d371ff1641726a6a461546b86203dad1e25b0948650f09f747ae35"
    "20165049e1e29776d52aec50fa4b0a8c25c8f8e75cbc868c420f14";
constexpr char kUploadHex[] =
    "4c564c5455504c01404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f00112233"
    "445566778899aabbccddeeff0000000c707172737475767778797a7bd405b39e6df33c2fc017cd07ed122150"
    "804ba66e19f0599c27517d7b00000006808182838485868788898a8bf4d9bac9b53a161a2a2eb7e400ccfa71"
    "cf128e385a6a";

std::vector<std::uint8_t> range(std::uint8_t from, std::size_t n) {
  std::vector<std::uint8_t> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(from + i);
  return out;
}

Id objectId() { return *Id::parse("0f0e0d0c0b0a09080706050403020100"); }

TEST(FormatKat, ObjectEncryptsToTheReferenceBytes) {
  const SecretKey key = keyFromByte(0);
  auto cipher = ObjectCipher::forNewObject(key, objectId(), 32, range(0x40, 32),
                                           fromHexString("a0a1a2a3a4a5a6"));
  ASSERT_TRUE(cipher) << cipher.error().toString();
  std::vector<std::uint8_t> out(cipher->header().begin(), cipher->header().end());
  const std::string_view plain(kPlaintext);
  for (std::uint32_t i = 0; i * 32 < plain.size(); ++i) {
    auto chunk = plain.substr(i * 32, 32);
    const bool last = (i + 1) * 32 >= plain.size();
    std::vector<std::uint8_t> sealed(chunk.size() + kGcmTagSize);
    ASSERT_TRUE(cipher->seal(
        i, last, Bytes(reinterpret_cast<const std::uint8_t*>(chunk.data()), chunk.size()), sealed));
    out.insert(out.end(), sealed.begin(), sealed.end());
  }
  EXPECT_EQ(out, fromHexString(kObjectHex));
  EXPECT_EQ(out.size(), ObjectCipher::encryptedSize(32, plain.size()));
}

TEST(FormatKat, ObjectReaderDecryptsTheReferenceBytes) {
  testing::TempDir dir;
  testing::writeFile(dir.file("obj"), fromHexString(kObjectHex));
  const std::string_view plain(kPlaintext);
  auto reader = ObjectReader::open(FileSystem::posix(), dir.file("obj"), objectId(), keyFromByte(0),
                                   plain.size());
  ASSERT_TRUE(reader) << reader.error().toString();
  std::string got(plain.size(), '\0');
  ASSERT_TRUE(
      (*reader)->read(0, MutableBytes(reinterpret_cast<std::uint8_t*>(got.data()), got.size())));
  EXPECT_EQ(got, plain);
}

TEST(FormatKat, UploadLogReadsTheReferenceRecords) {
  testing::TempDir dir;
  testing::writeFile(dir.file("log"), fromHexString(kUploadHex));
  const Id upload = *Id::parse("00112233445566778899aabbccddeeff");
  auto log = UploadLog::open(FileSystem::posix(), dir.file("log"), upload, keyFromByte(0));
  ASSERT_TRUE(log) << log.error().toString();
  EXPECT_EQ((*log)->offset(), 18u);
  EXPECT_EQ((*log)->recordCount(), 2u);
  EXPECT_EQ((*log)->bytesCut(), 0u);

  auto reader =
      UploadLogReader::open(FileSystem::posix(), dir.file("log"), upload, keyFromByte(0), 18);
  ASSERT_TRUE(reader) << reader.error().toString();
  std::string got(18, '\0');
  ASSERT_TRUE((*reader)->read(0, MutableBytes(reinterpret_cast<std::uint8_t*>(got.data()), 18)));
  EXPECT_EQ(got, "first recordsecond");
}

}  // namespace
}  // namespace storage
