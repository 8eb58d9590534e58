// Finished objects across a crash: after finish() returns the object is
// durable and readable; before, a crash leaves nothing under its final name.
#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "storage/object_reader.h"
#include "storage/object_writer.h"
#include "tests/storage/crash_file_system.h"
#include "tests/storage/test_util.h"

namespace storage {
namespace {

TEST(ObjectCrash, AnObjectIsDurableOnceFinishedAndAbsentBefore) {
  const SecretKey key = testing::keyFromByte(5);
  const auto plain = testing::pseudoRandom(64 * 1024 * 3 + 100, 5);
  std::mt19937_64 rng(5);
  int published = 0, lost = 0;
  for (int round = 0; round < 200; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    testing::TempDir dir;
    testing::CrashFileSystem fs(rng());
    const Id id = *Id::random();
    // create, header, the segments (gathered into one write), sync, rename, syncDir, beyond
    fs.crashAfter(rng() % 8);
    bool finished = false;
    if (auto writer = ObjectWriter::create(fs, dir.path(), id, key)) {
      for (std::size_t at = 0; at < plain.size(); at += 50000) {
        if (!(*writer)->append(
                Bytes(plain).subspan(at, std::min<std::size_t>(50000, plain.size() - at))))
          break;
      }
      finished = (*writer)->finish().has_value();
    }
    fs.crash();
    const std::string path = dir.file(id.hex());
    if (finished) {
      ++published;
      auto reader = ObjectReader::open(FileSystem::posix(), path, id, key, plain.size());
      ASSERT_TRUE(reader) << "a finished object did not survive: " << reader.error().toString();
      std::vector<std::uint8_t> out(plain.size());
      ASSERT_TRUE((*reader)->read(0, out));
      ASSERT_EQ(out, plain);
    } else {
      ++lost;
      EXPECT_FALSE(std::filesystem::exists(path)) << "an unfinished object was published";
    }
  }
  EXPECT_GT(published, 10);
  EXPECT_GT(lost, 100);
}

}  // namespace
}  // namespace storage
