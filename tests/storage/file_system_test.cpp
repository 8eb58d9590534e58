// FileSystem::posix()'s direct (O_DIRECT) files: whatever the sizes of the
// appends and wherever sync() falls, the file holds exactly the bytes
// appended, no padding, and can be appended to after a sync.
#include "storage/file_system.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "tests/storage/test_util.h"

namespace storage {
namespace {

using testing::pseudoRandom;
using testing::readFile;

TEST(DirectFileTest, HoldsExactlyWhatWasAppendedWhateverTheSizesAndSyncs) {
  testing::TempDir dir;
  const std::string path = dir.file("object");
  // Over 3 MiB: several whole stages, odd sizes, syncs mid-block and on a block boundary.
  const auto input = pseudoRandom(3 * (1 << 20) + 12345, 3);
  auto file = FileSystem::posix().createNewDirect(path);
  ASSERT_TRUE(file) << file.error().toString();
  std::mt19937 rng(3);
  std::size_t at = 0;
  int syncs = 0;
  while (at < input.size()) {
    const std::size_t n = std::min<std::size_t>(1 + rng() % 300000, input.size() - at);
    ASSERT_TRUE((*file)->append(Bytes(input).subspan(at, n)));
    at += n;
    if (rng() % 3 == 0) {
      ASSERT_TRUE((*file)->sync());
      ++syncs;
      // Between syncs the file is exactly as long as what was appended: no padding shows.
      EXPECT_EQ(readFile(path).size(), at);
    }
  }
  ASSERT_GT(syncs, 2);
  ASSERT_TRUE((*file)->append(Bytes(input).first(4096)));  // a whole block after a sync
  ASSERT_TRUE((*file)->sync());
  auto expected = input;
  expected.insert(expected.end(), input.begin(), input.begin() + 4096);
  EXPECT_EQ(readFile(path), expected);
}

TEST(DirectFileTest, SyncsOnAndOffBlockBoundariesKeepTheLengthExact) {
  testing::TempDir dir;
  const std::string path = dir.file("object");
  const auto input = pseudoRandom(3 * 4096 + 700, 5);
  auto file = FileSystem::posix().createNewDirect(path);
  ASSERT_TRUE(file) << file.error().toString();
  // Lengths after each sync: a whole block; a padded tail; that tail grown to a block
  // boundary (no partial block at this sync, after a padded one); one more partial tail.
  for (const std::size_t until : {std::size_t{8192}, std::size_t{8292}, std::size_t{12288},
                                  input.size()}) {
    const std::size_t from = readFile(path).size();
    ASSERT_TRUE((*file)->append(Bytes(input).subspan(from, until - from)));
    ASSERT_TRUE((*file)->sync());
    const auto on_disk = readFile(path);
    ASSERT_EQ(on_disk.size(), until);
    EXPECT_TRUE(std::equal(on_disk.begin(), on_disk.end(), input.begin())) << "at " << until;
  }
}

TEST(DirectFileTest, RefusesAnExistingNameLikeCreateNew) {
  testing::TempDir dir;
  ASSERT_TRUE(FileSystem::posix().createNewDirect(dir.file("a")));
  auto again = FileSystem::posix().createNewDirect(dir.file("a"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kIo);
}

TEST(DirectFileTest, WritesBypassThePageCacheWhereTheFileSystemAllows) {
  // Proof that O_DIRECT is in use here (ext4 in CI): the file's pages are not
  // cached after writing. A file system without O_DIRECT would fall back to
  // buffered writes; this test then says so rather than failing.
  testing::TempDir dir;
  const std::string path = dir.file("object");
  const auto input = pseudoRandom(4 << 20, 4);
  {
    auto file = FileSystem::posix().createNewDirect(path);
    ASSERT_TRUE(file);
    ASSERT_TRUE((*file)->append(input));
    ASSERT_TRUE((*file)->sync());
  }
  int probe = ::open(path.c_str(), O_RDONLY | O_DIRECT);
  if (probe < 0) GTEST_SKIP() << "no O_DIRECT on this file system";
  ::close(probe);
  // mincore over a mapping counts the cached pages.
  int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  void* map = ::mmap(nullptr, input.size(), PROT_READ, MAP_SHARED, fd, 0);
  ASSERT_NE(map, MAP_FAILED);
  std::vector<unsigned char> resident(input.size() / 4096);
  ASSERT_EQ(::mincore(map, input.size(), resident.data()), 0);
  const auto cached = std::count_if(resident.begin(), resident.end(), [](unsigned char r) { return r & 1; });
  ::munmap(map, input.size());
  ::close(fd);
  EXPECT_LE(cached, 1) << cached << " of " << resident.size() << " pages cached";
}

}  // namespace
}  // namespace storage
