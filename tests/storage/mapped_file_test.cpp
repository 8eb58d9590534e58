// FileSystem::openMapped(): bytes read in place through a mapping, and what happens
// when the mapping can no longer be read (fault_guard.h).
#include <csignal>
#include <numeric>
#include <vector>

#include <gtest/gtest.h>

#include "storage/fault_guard.h"
#include "storage/file_system.h"
#include "tests/storage/test_util.h"

namespace storage {
namespace {

using testing::pseudoRandom;
using testing::writeFile;

constexpr std::size_t kPage = 4096;

// The sum of the bytes, so that every byte is touched.
std::uint64_t sum(Bytes bytes) {
  return std::accumulate(bytes.begin(), bytes.end(), std::uint64_t{0});
}

TEST(MappedFileTest, ReadsInPlaceWhatReadAtReads) {
  testing::TempDir dir;
  const auto content = pseudoRandom(5 * kPage + 123, 1);
  writeFile(dir.file("f"), content);
  auto file = FileSystem::posix().openMapped(dir.file("f"));
  ASSERT_TRUE(file) << file.error().toString();
  for (const auto& [offset, size] :
       std::vector<std::pair<std::size_t, std::size_t>>{{0, content.size()},
                                                        {kPage - 1, 2},
                                                        {3 * kPage + 7, 2 * kPage + 116},
                                                        {content.size(), 0}}) {
    SCOPED_TRACE(::testing::Message() << offset << "+" << size);
    std::vector<std::uint8_t> copy(size);
    ASSERT_TRUE((*file)->readAt(offset, copy));
    const auto in_place = (*file)->readInPlace(offset, size, [&](Bytes bytes) -> Status {
      EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), copy.begin(), copy.end()));
      return {};
    });
    ASSERT_TRUE(in_place.has_value()) << "a posix file opened mapped is mapped";
    EXPECT_TRUE(*in_place);
  }
  // Beyond the end: refused before anything is touched.
  auto beyond = (*file)->readInPlace(content.size() - 1, 2, [](Bytes) -> Status { return {}; });
  ASSERT_TRUE(beyond.has_value());
  ASSERT_FALSE(*beyond);
  EXPECT_EQ(beyond->error().code, ErrorCode::kTruncated);
  // What `use` returns comes back.
  auto refused = (*file)->readInPlace(
      0, 10, [](Bytes) -> Status { return fail(ErrorCode::kSegmentAuth, "no"); });
  ASSERT_TRUE(refused.has_value() && !*refused);
  EXPECT_EQ(refused->error().code, ErrorCode::kSegmentAuth);
}

TEST(MappedFileTest, AFileOpenedForReadingIsNotMapped) {
  testing::TempDir dir;
  writeFile(dir.file("f"), pseudoRandom(100, 2));
  auto file = FileSystem::posix().openRead(dir.file("f"));
  ASSERT_TRUE(file);
  EXPECT_FALSE((*file)->readInPlace(0, 100, [](Bytes) -> Status { return {}; }).has_value());
}

TEST(MappedFileTest, AFileCutShortUnderneathFailsTheReadInsteadOfRaisingSigbus) {
  testing::TempDir dir;
  const auto content = pseudoRandom(4 * kPage, 3);
  writeFile(dir.file("f"), content);
  auto file = FileSystem::posix().openMapped(dir.file("f"));
  ASSERT_TRUE(file);
  ASSERT_TRUE(FileSystem::posix().truncate(dir.file("f"), kPage));
  std::uint64_t seen = 0;
  auto cut = (*file)->readInPlace(0, 3 * kPage, [&](Bytes bytes) -> Status {
    seen = sum(bytes);  // faults at the second page
    return {};
  });
  ASSERT_TRUE(cut.has_value());
  ASSERT_FALSE(*cut);
  EXPECT_EQ(cut->error().code, ErrorCode::kIo);
  EXPECT_NE(cut->error().message.find("no longer readable"), std::string::npos)
      << cut->error().toString();
  EXPECT_EQ(seen, 0u) << "use() must have been abandoned at the fault";
  // The part still there reads as before, and the guard is disarmed again.
  auto head = (*file)->readInPlace(0, kPage, [&](Bytes bytes) -> Status {
    seen = sum(bytes);
    return {};
  });
  ASSERT_TRUE(head.has_value() && *head);
  EXPECT_EQ(seen, sum(Bytes(content).first(kPage)));
  EXPECT_FALSE(*(*file)->readInPlace(2 * kPage, 10, [&](Bytes bytes) -> Status {
    seen = sum(bytes);
    return {};
  }));
}

// Faults the guard does not own still end the process, as SIGBUS always did:
// outside any guard, and inside a guard at an address outside its range.
TEST(MappedFileDeathTest, AFaultOutsideTheGuardStillEndsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  testing::TempDir dir;
  writeFile(dir.file("f"), pseudoRandom(2 * kPage, 4));
  auto file = FileSystem::posix().openMapped(dir.file("f"));
  ASSERT_TRUE(file);
  // Arms the handler, as the first guarded read in a server does.
  ASSERT_TRUE(*(*file)->readInPlace(0, 1, [](Bytes) -> Status { return {}; }));
  const std::uint8_t* second_page = nullptr;
  ASSERT_TRUE(*(*file)->readInPlace(kPage, kPage, [&](Bytes bytes) -> Status {
    second_page = bytes.data();
    return {};
  }));
  ASSERT_TRUE(FileSystem::posix().truncate(dir.file("f"), kPage));
  EXPECT_DEATH(
      {
        volatile std::uint8_t byte = *second_page;
        (void)byte;
      },
      "");
  EXPECT_DEATH(
      {
        (void)(*file)->readInPlace(0, 1, [&](Bytes) -> Status {
          volatile std::uint8_t byte = *second_page;  // outside the guarded range
          (void)byte;
          return {};
        });
      },
      "");
}

}  // namespace
}  // namespace storage
