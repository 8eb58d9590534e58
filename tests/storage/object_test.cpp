// Finished objects: round trips at the edges, tampering of every kind, and
// random ranges against the plaintext.
#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "storage/object_reader.h"
#include "storage/object_writer.h"
#include "tests/storage/test_util.h"

namespace storage {
namespace {

using testing::keyFromByte;
using testing::pseudoRandom;
using testing::readFile;
using testing::writeFile;

constexpr std::uint32_t kSegment = 64;  // small, so edge cases are cheap to reach

// Each test runs twice: on a mapped object file (production) and on one read with
// pread(), the way a file system without mappings is read.
class ObjectTest : public ::testing::TestWithParam<bool> {
 protected:
  // Writes `plain` as object `id` and returns its path.
  std::string write(const Id& id, const std::vector<std::uint8_t>& plain,
                    std::uint32_t segment = kSegment, std::size_t chunk = 7) {
    auto writer = ObjectWriter::create(FileSystem::posix(), dir_.path(), id, key_, segment);
    EXPECT_TRUE(writer) << writer.error().toString();
    for (std::size_t at = 0; at < plain.size(); at += chunk) {
      const std::size_t n = std::min(chunk, plain.size() - at);
      EXPECT_TRUE((*writer)->append(Bytes(plain).subspan(at, n)));
    }
    auto size = (*writer)->finish();
    EXPECT_TRUE(size) << size.error().toString();
    EXPECT_EQ(*size, plain.size());
    return dir_.file(id.hex());
  }

  Result<std::unique_ptr<ObjectReader>> open(const Id& id, std::uint64_t size,
                                             const SecretKey* key = nullptr) {
    FileSystem& fs = GetParam() ? FileSystem::posix() : unmapped_;
    return ObjectReader::open(fs, dir_.file(id.hex()), id, key ? *key : key_, size);
  }

  std::vector<std::uint8_t> readAll(ObjectReader& reader) {
    std::vector<std::uint8_t> out(reader.size());
    auto status = reader.read(0, out);
    EXPECT_TRUE(status) << status.error().toString();
    return out;
  }

  // Expects opening-then-reading-everything to fail with `code` and `fragment`.
  void expectFailure(const Id& id, std::uint64_t size, ErrorCode code,
                     const std::string& fragment) {
    auto reader = open(id, size);
    Status status = reader ? Status{} : std::unexpected(reader.error());
    if (status) {
      std::vector<std::uint8_t> out((*reader)->size());
      status = (*reader)->read(0, out);
    }
    ASSERT_FALSE(status) << "tampering was not detected";
    EXPECT_EQ(status.error().code, code) << status.error().toString();
    EXPECT_NE(status.error().message.find(fragment), std::string::npos)
        << status.error().toString();
  }

  testing::TempDir dir_;
  SecretKey key_ = keyFromByte(1);
  testing::UnmappedFileSystem unmapped_;
};

TEST_P(ObjectTest, RoundTripsAtEverySizeEdge) {
  for (std::size_t size : {0u, 1u, 63u, 64u, 65u, 128u, 129u, 64u * 5u, 64u * 5u + 17u}) {
    SCOPED_TRACE("size " + std::to_string(size));
    const Id id = *Id::random();
    const auto plain = pseudoRandom(size, size);
    const std::string path = write(id, plain);
    EXPECT_EQ(std::filesystem::file_size(path), ObjectCipher::encryptedSize(kSegment, size));
    auto reader = open(id, size);
    ASSERT_TRUE(reader) << reader.error().toString();
    EXPECT_EQ(readAll(**reader), plain);
  }
}

TEST_P(ObjectTest, PublishesAtomicallyAndLeavesNothingWhenAbandoned) {
  const Id id = *Id::random();
  {
    auto writer = ObjectWriter::create(FileSystem::posix(), dir_.path(), id, key_, kSegment);
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->append(pseudoRandom(1000, 1)));
    EXPECT_FALSE(std::filesystem::exists(dir_.file(id.hex())));  // not before finish()
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path())) << "abandoned writer left a file";
  write(id, pseudoRandom(1000, 1));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.path()), {}), 1);
}

TEST_P(ObjectTest, ThousandsOfRandomRangesMatchThePlaintext) {
  const Id id = *Id::random();
  const auto plain = pseudoRandom(64 * 40 + 13, 7);
  write(id, plain, kSegment, 1000);
  auto reader = open(id, plain.size());
  ASSERT_TRUE(reader);
  std::mt19937_64 rng(42);
  for (int i = 0; i < 5000; ++i) {
    const std::size_t a = rng() % plain.size();
    const std::size_t len = rng() % (plain.size() - a + 1);
    std::vector<std::uint8_t> out(len);
    ASSERT_TRUE((*reader)->read(a, out));
    ASSERT_TRUE(std::equal(out.begin(), out.end(), plain.begin() + static_cast<std::ptrdiff_t>(a)))
        << "range " << a << "+" << len;
  }
}

TEST_P(ObjectTest, ARangeDecryptsOnlyTheSegmentsItCovers) {
  const Id id = *Id::random();
  const auto plain = pseudoRandom(64 * 10, 3);
  write(id, plain);
  auto reader = open(id, plain.size());
  ASSERT_TRUE(reader);
  EXPECT_EQ((*reader)->segmentsDecrypted(), 1u);  // the last one, at open
  std::vector<std::uint8_t> out(64 + 2);
  ASSERT_TRUE((*reader)->read(64 * 3 + 63, out));  // touches segments 3, 4 and 5
  EXPECT_EQ((*reader)->segmentsDecrypted(), 4u);
  EXPECT_TRUE(std::equal(out.begin(), out.end(), plain.begin() + 64 * 3 + 63));
}

TEST_P(ObjectTest, WholeSegmentsDecryptInBatchesAndOneBadSegmentWipesTheRange) {
  // Default-sized segments, so a batch (256 KiB of ciphertext) holds four of them and
  // a range over ten crosses batch boundaries.
  const Id id = *Id::random();
  const auto plain = pseudoRandom(std::size_t{kDefaultSegmentSize} * 9 + 100, 17);
  const std::string path = write(id, plain, kDefaultSegmentSize, 100000);
  auto reader = open(id, plain.size());
  ASSERT_TRUE(reader);
  const bool mapped = GetParam();
  // pread: the last segment at open, then batches of 4 and 2; a mapped file is not read.
  EXPECT_EQ((*reader)->fileReads(), mapped ? 0u : 1u);
  std::vector<std::uint8_t> whole(std::size_t{kDefaultSegmentSize} * 6);
  ASSERT_TRUE((*reader)->read(kDefaultSegmentSize, whole));  // segments 1-6: batches of 4 and 2
  EXPECT_EQ((*reader)->fileReads(), mapped ? 0u : 3u);
  EXPECT_EQ((*reader)->segmentsDecrypted(), 7u);
  EXPECT_TRUE(std::equal(whole.begin(), whole.end(), plain.begin() + kDefaultSegmentSize));
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200; ++i) {
    const std::size_t a = i == 0 ? 0 : rng() % plain.size();
    const std::size_t len = i == 0 ? plain.size() : rng() % (plain.size() - a + 1);
    std::vector<std::uint8_t> out(len);
    ASSERT_TRUE((*reader)->read(a, out));
    ASSERT_TRUE(std::equal(out.begin(), out.end(), plain.begin() + static_cast<std::ptrdiff_t>(a)))
        << "range " << a << "+" << len;
  }

  auto bytes = readFile(path);
  bytes[kObjectHeaderSize + 6 * (kDefaultSegmentSize + kGcmTagSize) + 5] ^= 1;
  writeFile(path, bytes);
  auto tampered = open(id, plain.size());
  ASSERT_TRUE(tampered);
  std::vector<std::uint8_t> out(plain.size());
  auto status = (*tampered)->read(0, out);
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("segment 6 of 10"), std::string::npos)
      << status.error().toString();
  EXPECT_EQ(std::count(out.begin(), out.end(), 0), static_cast<std::ptrdiff_t>(out.size()))
      << "segments decrypted before the bad one escaped";
}

TEST_P(ObjectTest, ReadBeyondTheEndIsRefused) {
  const Id id = *Id::random();
  write(id, pseudoRandom(100, 1));
  auto reader = open(id, 100);
  ASSERT_TRUE(reader);
  std::vector<std::uint8_t> out(2);
  auto status = (*reader)->read(99, out);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(ObjectTest, EveryFlippedBitIsDetected) {
  const Id id = *Id::random();
  const auto plain = pseudoRandom(64 * 3 + 10, 5);
  const std::string path = write(id, plain);
  const auto original = readFile(path);
  // Every byte, one bit each (a different bit per byte): header, segments, tags.
  for (std::size_t at = 0; at < original.size(); ++at) {
    SCOPED_TRACE("byte " + std::to_string(at));
    auto tampered = original;
    tampered[at] ^= static_cast<std::uint8_t>(1u << (at % 8));
    writeFile(path, tampered);
    ErrorCode code = ErrorCode::kSegmentAuth;
    std::string fragment = "failed authentication";
    if (at < 8) {
      code = ErrorCode::kBadMagic;
      fragment = at < 7 ? "not a LessonVault object" : "unsupported";
    } else if (at < kObjectHeaderSize) {
      code = ErrorCode::kHeaderAuth;
      fragment = "header";
    }
    expectFailure(id, plain.size(), code, fragment);
  }
}

TEST_P(ObjectTest, TruncationIsDetectedAtAndBetweenSegmentBoundaries) {
  const Id id = *Id::random();
  const auto plain = pseudoRandom(64 * 4 + 20, 9);
  const std::string path = write(id, plain);
  const auto original = readFile(path);
  const std::size_t sealed = kSegment + kGcmTagSize;
  for (std::size_t cut : {kObjectHeaderSize, kObjectHeaderSize + 1, kObjectHeaderSize + sealed,
                          kObjectHeaderSize + 2 * sealed + 5, original.size() - 1}) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    writeFile(path, std::vector<std::uint8_t>(original.begin(),
                                              original.begin() + static_cast<std::ptrdiff_t>(cut)));
    expectFailure(id, plain.size(), ErrorCode::kTruncated, "truncated");
  }
  // Cut exactly before the header: not even a header is left.
  writeFile(path, std::vector<std::uint8_t>(original.begin(), original.begin() + 10));
  expectFailure(id, plain.size(), ErrorCode::kBadMagic, "too short");
}

TEST_P(ObjectTest, AMissingLastSegmentIsDetectedEvenWhenTheSizeWasForged) {
  const Id id = *Id::random();
  const auto plain = pseudoRandom(64 * 4, 11);  // four full segments
  const std::string path = write(id, plain);
  auto bytes = readFile(path);
  bytes.resize(bytes.size() - (kSegment + kGcmTagSize));  // drop the final segment
  writeFile(path, bytes);
  expectFailure(id, plain.size(), ErrorCode::kTruncated, "truncated");
  // Someone who can also edit the recorded size still cannot pass a middle
  // segment off as the last one.
  expectFailure(id, 64 * 3, ErrorCode::kTruncated, "without its final segment");
}

TEST_P(ObjectTest, TrailingBytesAreDetected) {
  const Id id = *Id::random();
  const std::string path = write(id, pseudoRandom(100, 1));
  auto bytes = readFile(path);
  bytes.push_back(0);
  writeFile(path, bytes);
  expectFailure(id, 100, ErrorCode::kSegmentAuth, "unexpected bytes");
}

TEST_P(ObjectTest, SwappedSegmentsAreDetected) {
  const Id id = *Id::random();
  const auto plain = pseudoRandom(64 * 4 + 1, 13);
  const std::string path = write(id, plain);
  auto bytes = readFile(path);
  const std::size_t sealed = kSegment + kGcmTagSize;
  std::swap_ranges(bytes.begin() + kObjectHeaderSize + sealed,
                   bytes.begin() + kObjectHeaderSize + 2 * sealed,
                   bytes.begin() + kObjectHeaderSize + 2 * sealed);
  writeFile(path, bytes);
  expectFailure(id, plain.size(), ErrorCode::kSegmentAuth, "segment 1 of 5");
}

TEST_P(ObjectTest, ASegmentFromAnotherObjectIsDetected) {
  const Id a = *Id::random();
  const Id b = *Id::random();
  const auto plain = pseudoRandom(64 * 3, 17);
  const std::string path_a = write(a, plain);
  const std::string path_b = write(b, plain);  // same key, same plaintext
  auto bytes_a = readFile(path_a);
  const auto bytes_b = readFile(path_b);
  std::copy(bytes_b.begin() + kObjectHeaderSize,
            bytes_b.begin() + kObjectHeaderSize + kSegment + kGcmTagSize,
            bytes_a.begin() + kObjectHeaderSize);
  writeFile(path_a, bytes_a);
  expectFailure(a, plain.size(), ErrorCode::kSegmentAuth, "segment 0 of 3");
}

TEST_P(ObjectTest, AHeaderFromAnotherObjectIsDetected) {
  const Id a = *Id::random();
  const Id b = *Id::random();
  const auto plain = pseudoRandom(200, 19);
  const std::string path_a = write(a, plain);
  const std::string path_b = write(b, plain);
  auto bytes_a = readFile(path_a);
  const auto bytes_b = readFile(path_b);
  std::copy(bytes_b.begin(), bytes_b.begin() + kObjectHeaderSize, bytes_a.begin());
  writeFile(path_a, bytes_a);
  expectFailure(a, plain.size(), ErrorCode::kWrongObject, "another object");
}

TEST_P(ObjectTest, TheWrongKeyIsRefusedAtTheHeader) {
  const Id id = *Id::random();
  write(id, pseudoRandom(100, 23));
  const SecretKey other = keyFromByte(99);
  auto reader = open(id, 100, &other);
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().code, ErrorCode::kHeaderAuth);
  EXPECT_NE(reader.error().message.find("wrong key"), std::string::npos);
}

TEST_P(ObjectTest, SegmentSizeIsValidated) {
  auto writer = ObjectWriter::create(FileSystem::posix(), dir_.path(), *Id::random(), key_, 8);
  ASSERT_FALSE(writer);
  EXPECT_EQ(writer.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path()));
}

// A published object is never written again, but one cut short underneath an open
// reader (by hand, or a disk that fails) must fail the read like pread() would,
// not end the server with SIGBUS where the file is mapped.
TEST_P(ObjectTest, AFileCutShortUnderAnOpenReaderFailsTheReadAndNothingElse) {
  const Id id = *Id::random();
  const auto plain = pseudoRandom(std::size_t{kDefaultSegmentSize} * 8 + 10, 21);
  const std::string path = write(id, plain, kDefaultSegmentSize, 100000);
  auto reader = open(id, plain.size());
  ASSERT_TRUE(reader) << reader.error().toString();
  std::vector<std::uint8_t> out(std::size_t{kDefaultSegmentSize} * 4);
  ASSERT_TRUE((*reader)->read(0, out));

  ASSERT_TRUE(FileSystem::posix().truncate(path, 8192));
  std::fill(out.begin(), out.end(), std::uint8_t{0xAA});
  auto status = (*reader)->read(kDefaultSegmentSize, out);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, GetParam() ? ErrorCode::kIo : ErrorCode::kTruncated)
      << status.error().toString();
  EXPECT_EQ(std::count(out.begin(), out.end(), 0), static_cast<std::ptrdiff_t>(out.size()))
      << "a range that failed must leave no plaintext behind";
  // Again, and a cut that reaches only part of a batch: each read fails on its own.
  EXPECT_FALSE((*reader)->read(3 * kDefaultSegmentSize + 5, out));
  std::vector<std::uint8_t> one(10);
  EXPECT_FALSE((*reader)->read(plain.size() - 10, one));
}

INSTANTIATE_TEST_SUITE_P(MappedAndRead, ObjectTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "Mapped" : "Read";
                         });

}  // namespace
}  // namespace storage
