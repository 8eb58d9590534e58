// storage::Database's statement cache: a text prepared again reuses the statement, reset and
// with nothing of its last use bound; statements may go back from another thread.
#include "storage/database.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/storage/test_util.h"

namespace storage {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::open(dir_.file("t.db"));
    ASSERT_TRUE(opened.has_value()) << opened.error().toString();
    db_ = std::move(*opened);
    ASSERT_TRUE(db_->exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"));
    ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1, 'one'), (2, 'two')"));
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

constexpr std::string_view kSelect = "SELECT v FROM t WHERE k = ?1";

TEST_F(DatabaseTest, APreparedTextComesBackResetWithNothingBound) {
  {
    auto first = db_->prepare(kSelect);
    ASSERT_TRUE(first.has_value());
    first->bind(1, std::int64_t{2});
    ASSERT_TRUE(*first->step());  // left mid-result on purpose
    EXPECT_EQ(first->columnText(0), "two");
  }
  auto again = db_->prepare(kSelect);
  ASSERT_TRUE(again.has_value());
  // Unbound parameter: NULL matches no row. A leftover binding would find "two".
  auto row = again->step();
  ASSERT_TRUE(row.has_value());
  EXPECT_FALSE(*row);
  again->reset();
  again->bind(1, std::int64_t{1});
  ASSERT_TRUE(*again->step());
  EXPECT_EQ(again->columnText(0), "one");
}

TEST_F(DatabaseTest, TwoLiveStatementsOfOneTextAreDistinct) {
  auto a = db_->prepare(kSelect);
  auto b = db_->prepare(kSelect);
  ASSERT_TRUE(a && b);
  a->bind(1, std::int64_t{1});
  b->bind(1, std::int64_t{2});
  ASSERT_TRUE(*a->step());
  ASSERT_TRUE(*b->step());
  EXPECT_EQ(a->columnText(0), "one");
  EXPECT_EQ(b->columnText(0), "two");
}

TEST_F(DatabaseTest, StatementsMayGoBackFromOtherThreads) {
  std::vector<Statement> made;
  for (int i = 0; i < 8; ++i) {
    auto s = db_->prepare(kSelect);
    ASSERT_TRUE(s.has_value());
    made.push_back(std::move(*s));
  }
  std::vector<std::thread> threads;
  for (auto& s : made) threads.emplace_back([stmt = std::move(s)]() mutable { (void)stmt; });
  for (auto& t : threads) t.join();
  auto reused = db_->prepare(kSelect);
  ASSERT_TRUE(reused.has_value());
  reused->bind(1, std::int64_t{2});
  ASSERT_TRUE(*reused->step());
  EXPECT_EQ(reused->columnText(0), "two");
}

TEST_F(DatabaseTest, AReaderSeesCommittedRowsAndCannotWrite) {
  auto reader = Database::openReader(dir_.file("t.db"));
  ASSERT_TRUE(reader.has_value()) << reader.error().toString();
  auto select = (*reader)->prepare(kSelect);
  ASSERT_TRUE(select.has_value());
  select->bind(1, std::int64_t{1});
  ASSERT_TRUE(*select->step());
  EXPECT_EQ(select->columnText(0), "one");
  EXPECT_FALSE((*reader)->exec("INSERT INTO t VALUES (3, 'three')"));
  // The first connection is untouched: it still writes.
  EXPECT_TRUE(db_->exec("INSERT INTO t VALUES (3, 'three')"));
}

}  // namespace
}  // namespace storage
