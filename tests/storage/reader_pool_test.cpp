// storage::ReaderPool against a real database file: each run is one snapshot
// on a read-only connection, runs go side by side up to the pool's size and no
// further, and a connection always comes back out of its transaction, even
// when the work throws (else it would hold the WAL and block deletion's
// checkpoint).
#include "storage/reader_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/storage/test_util.h"

namespace storage {
namespace {

using namespace std::chrono_literals;

class ReaderPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir_.file("t.db"));
    ASSERT_TRUE(opened.has_value()) << opened.error().toString();
    writer_ = std::move(*opened);
    ASSERT_TRUE(writer_->exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"));
    ASSERT_TRUE(writer_->exec("INSERT INTO t VALUES (1, 'one')"));
  }

  // The value at `key`, or "(none)"; a failed read fails the test.
  static std::string value(Database& db, std::int64_t key) {
    auto select = db.prepare("SELECT v FROM t WHERE k = ?1");
    EXPECT_TRUE(select.has_value());
    if (!select) return "(error)";
    auto row = select->bind(1, key).step();
    EXPECT_TRUE(row.has_value());
    if (!row) return "(error)";
    return *row ? select->columnText(0) : "(none)";
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> writer_;
};

TEST_F(ReaderPoolTest, ARunSeesOneSnapshotAndCannotWrite) {
  ReaderPool pool(dir_.file("t.db"), 2);
  std::string before, after;
  ASSERT_TRUE(pool.run([&](Database& db) -> Status {
    before = value(db, 1);
    // Committed by the writer in the middle of the run: not seen by it.
    EXPECT_TRUE(writer_->exec("UPDATE t SET v = 'uno' WHERE k = 1"));
    after = value(db, 1);
    EXPECT_FALSE(db.exec("INSERT INTO t VALUES (2, 'two')"));
    return {};
  }));
  EXPECT_EQ(before, "one");
  EXPECT_EQ(after, "one");
  // The next run starts after the commit and sees it.
  std::string next;
  ASSERT_TRUE(pool.run([&](Database& db) -> Status {
    next = value(db, 1);
    return {};
  }));
  EXPECT_EQ(next, "uno");
  EXPECT_EQ(value(*writer_, 2), "(none)");
}

TEST_F(ReaderPoolTest, RunsGoSideBySideUpToThePoolsSizeAndNoFurther) {
  constexpr int kPool = 3;
  constexpr int kThreads = 8;
  ReaderPool pool(dir_.file("t.db"), kPool);
  std::mutex mutex;
  std::condition_variable changed;
  int inside = 0;
  int most = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      EXPECT_TRUE(pool.run([&](Database& db) -> Status {
        std::unique_lock lock(mutex);
        most = std::max(most, ++inside);
        changed.notify_all();
        // Each run stays until kPool runs have been inside at once; were runs
        // serialised, the first would wait out the deadline and `most` stay 1.
        changed.wait_for(lock, 10s, [&] { return most >= kPool; });
        --inside;
        lock.unlock();
        EXPECT_EQ(value(db, 1), "one");
        return {};
      }));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(most, kPool);
}

TEST_F(ReaderPoolTest, APauseWaitsForRunsUnderWayAndHoldsBackNewOnes) {
  ReaderPool pool(dir_.file("t.db"), 2);
  std::atomic<bool> in_first = false;
  std::atomic<bool> release_first = false;
  std::atomic<bool> second_ran = false;
  std::thread first([&] {
    EXPECT_TRUE(pool.run([&](Database&) -> Status {
      in_first = true;
      while (!release_first) std::this_thread::sleep_for(1ms);
      return {};
    }));
  });
  while (!in_first) std::this_thread::sleep_for(1ms);
  std::atomic<bool> paused = false;
  std::thread pauser([&] {
    const auto pause = pool.pause();
    paused = true;
    // While paused the writer can truncate the WAL: no reader holds it.
    EXPECT_TRUE(writer_->exec("UPDATE t SET v = 'uno' WHERE k = 1"));
    EXPECT_TRUE(writer_->checkpointTruncate(200ms));
    std::this_thread::sleep_for(50ms);
    EXPECT_FALSE(second_ran) << "a run started during the pause";
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(paused) << "the pause did not wait for the run under way";
  std::thread second([&] {
    EXPECT_TRUE(pool.run([&](Database& db) -> Status {
      second_ran = true;
      EXPECT_EQ(value(db, 1), "uno");
      return {};
    }));
  });
  release_first = true;
  first.join();
  pauser.join();
  second.join();
  EXPECT_TRUE(paused);
  EXPECT_TRUE(second_ran);
}

TEST_F(ReaderPoolTest, AReadInsideAReadIsRefusedNotDeadlocked) {
  ReaderPool pool(dir_.file("t.db"), 1);
  Status inner;
  ASSERT_TRUE(pool.run([&](Database&) -> Status {
    inner = pool.run([](Database&) -> Status { return {}; });
    return {};
  }));
  ASSERT_FALSE(inner);
  EXPECT_EQ(inner.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(pool.run([](Database&) -> Status { return {}; }));  // and the flag was cleared
}

TEST_F(ReaderPoolTest, AConnectionComesBackOutOfItsTransactionAfterAnErrorOrAThrow) {
  ReaderPool pool(dir_.file("t.db"), 1);
  // Both leave a statement mid-result inside the run's transaction.
  auto failed = pool.run([&](Database& db) -> Status {
    auto select = db.prepare("SELECT v FROM t");
    EXPECT_TRUE(*select->step());
    return fail(ErrorCode::kNotFound, "as the test wants");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kNotFound);
  EXPECT_THROW((void)pool.run([&](Database& db) -> Status {
                 auto select = db.prepare("SELECT v FROM t");
                 EXPECT_TRUE(*select->step());
                 throw std::runtime_error("thrown inside a run");
               }),
               std::runtime_error);
  // No read transaction is left behind: the writer can truncate the WAL...
  ASSERT_TRUE(writer_->exec("UPDATE t SET v = 'een' WHERE k = 1"));
  EXPECT_TRUE(writer_->checkpointTruncate(200ms));
  // ...and the pool's one connection serves the next run, which sees the change.
  std::string seen;
  ASSERT_TRUE(pool.run([&](Database& db) -> Status {
    seen = value(db, 1);
    return {};
  }));
  EXPECT_EQ(seen, "een");
}

TEST_F(ReaderPoolTest, AnUnopenableDatabaseIsAnErrorNotAHang) {
  ReaderPool pool(dir_.file("missing/t.db"), 1);
  for (int i = 0; i < 3; ++i) {  // the failed opening gives its slot back each time
    auto result = pool.run([](Database&) -> Status { return {}; });
    ASSERT_FALSE(result);
  }
}

}  // namespace
}  // namespace storage
