// ObjectReaderCache on its own: which reader comes back, how many wait, for how long,
// and that forget() keeps nothing from before it.
#include "storage/object_reader_cache.h"

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "storage/object_writer.h"
#include "tests/storage/test_util.h"

namespace storage {
namespace {

using std::chrono::milliseconds;

class ObjectReaderCacheTest : public ::testing::Test {
 protected:
  // A new reader of a one-segment object `id`, written on first use.
  std::unique_ptr<ObjectReader> open(const Id& id) {
    const std::string path = dir_.file(id.hex());
    if (!std::filesystem::exists(path)) {
      auto writer = ObjectWriter::create(FileSystem::posix(), dir_.path(), id, key_, 64);
      EXPECT_TRUE(writer);
      EXPECT_TRUE((*writer)->append(testing::pseudoRandom(100, 1)));
      EXPECT_TRUE((*writer)->finish());
    }
    auto reader = ObjectReader::open(FileSystem::posix(), path, id, key_, 100);
    EXPECT_TRUE(reader) << reader.error().toString();
    return std::move(*reader);
  }

  testing::TempDir dir_;
  SecretKey key_ = testing::keyFromByte(3);
  const Id a_ = *Id::random();
  const Id b_ = *Id::random();
};

TEST_F(ObjectReaderCacheTest, GivesBackTheReaderOfTheSameObjectOnly) {
  auto cache = std::make_shared<ObjectReaderCache>(4, milliseconds(60000));
  EXPECT_FALSE(cache->take(a_));
  ObjectReader* first = nullptr;
  {
    auto handle = cache->adopt(a_, cache->epoch(), open(a_));
    first = handle.get();
  }
  EXPECT_EQ(cache->idleCount(), 1u);
  EXPECT_FALSE(cache->take(b_)) << "a reader of another object";
  auto again = cache->take(a_);
  ASSERT_TRUE(again);
  EXPECT_EQ(again.get(), first);
  EXPECT_EQ(cache->idleCount(), 0u) << "taken readers are not shared";
  EXPECT_FALSE(cache->take(a_));
}

TEST_F(ObjectReaderCacheTest, KeepsAtMostItsLimitDroppingTheOldest) {
  auto cache = std::make_shared<ObjectReaderCache>(2, milliseconds(60000));
  const Id c = *Id::random();
  for (const Id* id : {&a_, &b_, &c}) cache->adopt(*id, cache->epoch(), open(*id)).reset();
  EXPECT_EQ(cache->idleCount(), 2u);
  EXPECT_FALSE(cache->take(a_)) << "the oldest should have been closed";
  EXPECT_TRUE(cache->take(b_));
  EXPECT_TRUE(cache->take(c));
}

TEST_F(ObjectReaderCacheTest, ClosesReadersIdleForTooLong) {
  auto cache = std::make_shared<ObjectReaderCache>(4, milliseconds(50));
  cache->adopt(a_, cache->epoch(), open(a_)).reset();
  EXPECT_EQ(cache->idleCount(), 1u);
  // No request comes: the cache's own thread closes it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (cache->idleCount() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(cache->idleCount(), 0u);
  // And again after it had nothing to wait for.
  cache->adopt(b_, cache->epoch(), open(b_)).reset();
  EXPECT_EQ(cache->idleCount(), 1u);
  while (cache->idleCount() != 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(cache->idleCount(), 0u);
  EXPECT_FALSE(cache->take(b_));
}

TEST_F(ObjectReaderCacheTest, WhileSuspendedNothingIsTakenOrKeptNorAfterwardsFromBefore) {
  auto cache = std::make_shared<ObjectReaderCache>(4, milliseconds(60000));
  cache->adopt(a_, cache->epoch(), open(a_)).reset();
  ObjectHandle out_before = cache->take(a_);  // a request under way when the deletion begins
  ASSERT_TRUE(out_before);
  cache->adopt(a_, cache->epoch(), open(a_)).reset();
  ASSERT_EQ(cache->idleCount(), 1u);
  ObjectHandle outlives;  // opened during the deletion, its request ends after it
  {
    const auto suspended = cache->suspend();
    EXPECT_EQ(cache->idleCount(), 0u) << "idle readers close when a deletion begins";
    EXPECT_FALSE(cache->take(a_));
    cache->adopt(b_, cache->epoch(), open(b_)).reset();
    EXPECT_EQ(cache->idleCount(), 0u) << "kept during a deletion";
    out_before.reset();
    EXPECT_EQ(cache->idleCount(), 0u) << "a reader from before the deletion was kept";
    outlives = cache->adopt(b_, cache->epoch(), open(b_));
  }
  outlives.reset();
  EXPECT_EQ(cache->idleCount(), 0u) << "a reader looked up before the commit was kept after it";
  cache->adopt(a_, cache->epoch(), open(a_)).reset();
  EXPECT_EQ(cache->idleCount(), 1u) << "kept again once the deletion is over";
}

TEST_F(ObjectReaderCacheTest, ForgetClosesIdleReadersAndRefusesOnesOpenedBefore) {
  auto cache = std::make_shared<ObjectReaderCache>(4, milliseconds(60000));
  cache->adopt(a_, cache->epoch(), open(a_)).reset();
  const std::uint64_t before = cache->epoch();
  auto taken = cache->take(a_);
  ASSERT_TRUE(taken);
  cache->adopt(b_, before, open(b_)).reset();
  auto looked_up_before = before;  // a lookup that started before the deletion
  ASSERT_EQ(cache->idleCount(), 1u);

  cache->forget();
  EXPECT_EQ(cache->idleCount(), 0u);
  taken.reset();
  cache->adopt(b_, looked_up_before, open(b_)).reset();
  EXPECT_EQ(cache->idleCount(), 0u) << "a reader from before forget() was kept";
  cache->adopt(b_, cache->epoch(), open(b_)).reset();
  EXPECT_EQ(cache->idleCount(), 1u) << "readers opened after forget() are kept again";
}

TEST_F(ObjectReaderCacheTest, AHandleOutlivingItsCacheOwnerStillReturnsSafely) {
  auto cache = std::make_shared<ObjectReaderCache>(4, milliseconds(60000));
  auto handle = cache->adopt(a_, cache->epoch(), open(a_));
  cache.reset();  // the vault went first; the handle keeps the cache alive
  std::vector<std::uint8_t> out(10);
  EXPECT_TRUE(handle->read(0, out));
  handle.reset();
}

}  // namespace
}  // namespace storage
