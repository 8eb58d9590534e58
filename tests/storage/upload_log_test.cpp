// Upload logs: append and reopen, record splitting, recovery from torn and
// altered tails, and the random-access reader used by ingest.
#include "storage/upload_log.h"

#include <algorithm>
#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "tests/storage/crash_file_system.h"
#include "tests/storage/test_util.h"

namespace storage {
namespace {

using testing::keyFromByte;
using testing::pseudoRandom;
using testing::readFile;
using testing::writeFile;

class UploadLogTest : public ::testing::Test {
 protected:
  std::string path() const { return dir_.file(id_.hex()); }

  std::unique_ptr<UploadLog> create() {
    auto log = UploadLog::create(FileSystem::posix(), path(), id_, key_);
    EXPECT_TRUE(log) << log.error().toString();
    return std::move(*log);
  }

  std::vector<std::uint8_t> readBack(std::uint64_t size) {
    auto reader = UploadLogReader::open(FileSystem::posix(), path(), id_, key_, size);
    EXPECT_TRUE(reader) << reader.error().toString();
    std::vector<std::uint8_t> out(size);
    EXPECT_TRUE((*reader)->read(0, out));
    return out;
  }

  testing::TempDir dir_;
  Id id_ = *Id::random();
  SecretKey key_ = keyFromByte(7);
};

TEST_F(UploadLogTest, AppendsAcknowledgeOffsetsAndSurviveReopening) {
  const auto input = pseudoRandom(100000, 1);
  {
    auto log = create();
    EXPECT_EQ(log->offset(), 0u);
    EXPECT_EQ(*log->append(Bytes(input).first(1)), 1u);
    EXPECT_EQ(*log->append(Bytes(input).subspan(1, 60000)), 60001u);
    EXPECT_EQ(*log->append(Bytes(input).subspan(60001)), input.size());
  }
  auto log = UploadLog::open(FileSystem::posix(), path(), id_, key_);
  ASSERT_TRUE(log) << log.error().toString();
  EXPECT_EQ((*log)->offset(), input.size());
  EXPECT_EQ((*log)->recordCount(), 3u);
  EXPECT_EQ((*log)->bytesCut(), 0u);
  EXPECT_EQ(readBack(input.size()), input);
}

TEST_F(UploadLogTest, ChunksLargerThanARecordAreSplit) {
  const auto input = pseudoRandom(kMaxRecordSize * 2 + 5, 2);
  auto log = create();
  EXPECT_EQ(*log->append(input), input.size());
  EXPECT_EQ(log->recordCount(), 3u);
  EXPECT_EQ(std::filesystem::file_size(path()),
            kUploadHeaderSize + input.size() + 3 * kRecordOverhead);
  EXPECT_EQ(readBack(input.size()), input);
}

TEST_F(UploadLogTest, RecoveryCutsATornTail) {
  const auto input = pseudoRandom(3000, 3);
  {
    auto log = create();
    ASSERT_TRUE(log->append(Bytes(input).first(1000)));
    ASSERT_TRUE(log->append(Bytes(input).subspan(1000)));
  }
  const std::uint64_t first_record_end = kUploadHeaderSize + 1000 + kRecordOverhead;
  for (std::uint64_t cut :
       {first_record_end + 1, first_record_end + 3, first_record_end + kRecordPrefixSize + 5,
        std::filesystem::file_size(path()) - 1}) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    std::filesystem::resize_file(path(), cut);
    auto log = UploadLog::open(FileSystem::posix(), path(), id_, key_);
    ASSERT_TRUE(log) << log.error().toString();
    EXPECT_EQ((*log)->offset(), 1000u);
    EXPECT_EQ((*log)->bytesCut(), cut - first_record_end);
    EXPECT_EQ(std::filesystem::file_size(path()), first_record_end);
    // Appending after recovery continues the log where it was cut.
    EXPECT_EQ(*(*log)->append(Bytes(input).subspan(1000)), input.size());
    EXPECT_EQ(readBack(input.size()), input);
  }
}

TEST_F(UploadLogTest, RecoveryCutsAtTheFirstAlteredRecord) {
  const auto input = pseudoRandom(3000, 4);
  {
    auto log = create();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(log->append(Bytes(input).subspan(i * 1000, 1000)));
  }
  auto bytes = readFile(path());
  const std::size_t second = kUploadHeaderSize + 1000 + kRecordOverhead;
  bytes[second + kRecordPrefixSize + 500] ^= 0x01;  // inside record 1's ciphertext
  writeFile(path(), bytes);
  auto log = UploadLog::open(FileSystem::posix(), path(), id_, key_);
  ASSERT_TRUE(log);
  EXPECT_EQ((*log)->offset(), 1000u);
  EXPECT_EQ((*log)->recordCount(), 1u);
}

TEST_F(UploadLogTest, RecordsCannotBeReorderedOrRepeated) {
  const auto input = pseudoRandom(2000, 5);
  {
    auto log = create();
    ASSERT_TRUE(log->append(Bytes(input).first(1000)));
    ASSERT_TRUE(log->append(Bytes(input).subspan(1000)));
  }
  auto bytes = readFile(path());
  const std::size_t record = 1000 + kRecordOverhead;
  // Swap the two equal-sized records: each is now at the wrong index and offset.
  std::swap_ranges(bytes.begin() + kUploadHeaderSize, bytes.begin() + kUploadHeaderSize + record,
                   bytes.begin() + kUploadHeaderSize + record);
  writeFile(path(), bytes);
  auto log = UploadLog::open(FileSystem::posix(), path(), id_, key_);
  ASSERT_TRUE(log);
  EXPECT_EQ((*log)->offset(), 0u);
}

TEST_F(UploadLogTest, TheLogOfAnotherUploadIsRefused) {
  create();
  auto log = UploadLog::open(FileSystem::posix(), path(), *Id::random(), key_);
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code, ErrorCode::kWrongObject);
  writeFile(path(), pseudoRandom(200, 6));
  log = UploadLog::open(FileSystem::posix(), path(), id_, key_);
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code, ErrorCode::kBadMagic);
}

TEST_F(UploadLogTest, ReaderServesRandomRangesAndRefusesAShortLog) {
  const auto input = pseudoRandom(50000, 8);
  auto log = create();
  std::mt19937_64 rng(8);
  for (std::size_t at = 0; at < input.size();) {
    const std::size_t n = std::min<std::size_t>(1 + rng() % 4000, input.size() - at);
    ASSERT_TRUE(log->append(Bytes(input).subspan(at, n)));
    at += n;
  }
  auto reader = UploadLogReader::open(FileSystem::posix(), path(), id_, key_, input.size());
  ASSERT_TRUE(reader);
  for (int i = 0; i < 2000; ++i) {
    const std::size_t a = rng() % input.size();
    std::vector<std::uint8_t> out(rng() % (input.size() - a + 1));
    ASSERT_TRUE((*reader)->read(a, out));
    ASSERT_TRUE(std::equal(out.begin(), out.end(), input.begin() + static_cast<std::ptrdiff_t>(a)));
  }
  auto longer = UploadLogReader::open(FileSystem::posix(), path(), id_, key_, input.size() + 1);
  ASSERT_FALSE(longer);
  EXPECT_EQ(longer.error().code, ErrorCode::kTruncated);
}

TEST_F(UploadLogTest, ReaderDetectsAnAlteredRecord) {
  const auto input = pseudoRandom(5000, 9);
  create()->append(input);
  auto bytes = readFile(path());
  bytes[kUploadHeaderSize + kRecordPrefixSize + 10] ^= 0x80;
  writeFile(path(), bytes);
  auto reader = UploadLogReader::open(FileSystem::posix(), path(), id_, key_, input.size());
  ASSERT_TRUE(reader);  // the index is built from the headers alone
  std::vector<std::uint8_t> out(100);
  auto status = (*reader)->read(0, out);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kSegmentAuth);
  EXPECT_NE(status.error().message.find("record 0"), std::string::npos);
}

// Front to back in small reads, as libav reads: the next record is read ahead
// on the reader's own thread. An altered record is still refused when the
// read reaches it (the read-ahead hands nothing out unauthenticated), the
// records before it stay readable, and asking again fails again.
TEST_F(UploadLogTest, ReadingAheadServesFrontToBackAndStillRefusesAnAlteredRecord) {
  const auto input = pseudoRandom(40 * 1000, 12);
  {
    auto log = create();
    for (std::size_t at = 0; at < input.size(); at += 1000) {
      ASSERT_TRUE(log->append(Bytes(input).subspan(at, 1000)));  // 40 records
    }
  }
  auto bytes = readFile(path());
  const std::size_t record_bytes = 1000 + kRecordOverhead;
  constexpr std::size_t kAltered = 23;
  bytes[kUploadHeaderSize + kAltered * record_bytes + kRecordPrefixSize + 5] ^= 0x01;
  writeFile(path(), bytes);
  auto reader = UploadLogReader::open(FileSystem::posix(), path(), id_, key_, input.size());
  ASSERT_TRUE(reader);
  std::vector<std::uint8_t> out(300);
  std::size_t at = 0;
  for (; at + out.size() <= kAltered * 1000; at += out.size()) {
    ASSERT_TRUE((*reader)->read(at, out)) << "at " << at;
    ASSERT_TRUE(std::equal(out.begin(), out.end(), input.begin() + static_cast<std::ptrdiff_t>(at)));
  }
  auto failed = (*reader)->read(at, out);  // reaches into record 23
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kSegmentAuth);
  EXPECT_NE(failed.error().message.find("record 23"), std::string::npos);
  EXPECT_TRUE(std::all_of(out.begin(), out.end(), [](std::uint8_t b) { return b == 0; }));
  ASSERT_TRUE((*reader)->read(0, out));
  EXPECT_TRUE(std::equal(out.begin(), out.end(), input.begin()));
  EXPECT_FALSE((*reader)->read(kAltered * 1000 + 10, out));
  // After it, a seek past the altered record reads on.
  ASSERT_TRUE((*reader)->read(input.size() - out.size(), out));
  EXPECT_TRUE(std::equal(out.begin(), out.end(), input.end() - static_cast<std::ptrdiff_t>(out.size())));
}

TEST_F(UploadLogTest, ADroppedOrRepeatedRecordEndsTheLogThere) {
  const auto input = pseudoRandom(3000, 10);
  {
    auto log = create();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(log->append(Bytes(input).subspan(i * 1000, 1000)));
  }
  const auto original = readFile(path());
  const std::size_t record = 1000 + kRecordOverhead;
  const auto at = [&](int i) {
    return original.begin() + static_cast<std::ptrdiff_t>(kUploadHeaderSize + i * record);
  };

  // Record 1 dropped: record 2 now sits at index 1 and offset 1000, which it was not sealed for.
  std::vector<std::uint8_t> dropped(original.begin(), at(1));
  dropped.insert(dropped.end(), at(2), at(3));
  writeFile(path(), dropped);
  auto log = UploadLog::open(FileSystem::posix(), path(), id_, key_);
  ASSERT_TRUE(log);
  EXPECT_EQ((*log)->offset(), 1000u);
  log->reset();

  // Record 0 repeated: the copy claims index 1.
  std::vector<std::uint8_t> repeated(original.begin(), at(1));
  repeated.insert(repeated.end(), at(0), at(1));
  repeated.insert(repeated.end(), at(1), at(3));
  writeFile(path(), repeated);
  log = UploadLog::open(FileSystem::posix(), path(), id_, key_);
  ASSERT_TRUE(log);
  EXPECT_EQ((*log)->offset(), 1000u);
  EXPECT_EQ(readBack(1000), std::vector<std::uint8_t>(input.begin(), input.begin() + 1000));
}

TEST_F(UploadLogTest, AFailedAppendIsCutBackAndTheLogCarriesOn) {
  const auto input = pseudoRandom(30000, 11);
  testing::CrashFileSystem fs(1);
  // Operations: create's createNew, append, sync, rename, syncDir, openAppend (0-5);
  // the first append's append and sync (6, 7); the second append's append (8) and sync (9).
  fs.failOperations({9});
  auto log = UploadLog::create(fs, path(), id_, key_);
  ASSERT_TRUE(log) << log.error().toString();
  ASSERT_EQ(*(*log)->append(Bytes(input).first(10000)), 10000u);
  auto failed = (*log)->append(Bytes(input).subspan(10000, 10000));
  ASSERT_FALSE(failed);
  EXPECT_EQ((*log)->offset(), 10000u);
  // The unacknowledged record is gone from the file, so the next one follows the last good one.
  EXPECT_EQ(std::filesystem::file_size(path()), kUploadHeaderSize + 10000 + kRecordOverhead);
  ASSERT_EQ(*(*log)->append(Bytes(input).subspan(10000)), input.size());
  log->reset();
  auto reopened = UploadLog::open(FileSystem::posix(), path(), id_, key_);
  ASSERT_TRUE(reopened);
  EXPECT_EQ((*reopened)->offset(), input.size());
  EXPECT_EQ(readBack(input.size()), input);
}

TEST_F(UploadLogTest, ALogThatCannotBeCutBackRefusesFurtherAppends) {
  const auto input = pseudoRandom(20000, 12);
  testing::CrashFileSystem fs(2);
  fs.failOperations({7, 8});  // the first append's sync, then the truncate that would repair it
  auto log = UploadLog::create(fs, path(), id_, key_);
  ASSERT_TRUE(log);
  ASSERT_FALSE((*log)->append(Bytes(input).first(10000)));
  auto refused = (*log)->append(Bytes(input).subspan(10000));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("must be reopened"), std::string::npos);
  log->reset();
  // Recovery does the cut instead: whatever it keeps is a prefix of what was sent.
  auto reopened = UploadLog::open(FileSystem::posix(), path(), id_, key_);
  ASSERT_TRUE(reopened);
  EXPECT_LE((*reopened)->offset(), 10000u);
}

}  // namespace
}  // namespace storage
