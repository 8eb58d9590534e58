// The deletion journal (deletion_journal.h): its lines survive a reopen,
// edits, removals and reordering are caught, a torn last line is dropped; and
// the vault writes it before a key is destroyed and replays it at open.
#include "storage/deletion_journal.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/storage/vault_fixture.h"

namespace storage {
namespace {

using testing::TempDir;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void spit(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

class DeletionJournalTest : public ::testing::Test {
 protected:
  Result<std::unique_ptr<DeletionJournal>> open(std::uint8_t key = 1) {
    return DeletionJournal::open(FileSystem::posix(), path_, testing::keyFromByte(key));
  }
  JournalEntry entry(std::uint8_t n, const char* reason = "purpose_ended_early") {
    std::array<std::uint8_t, Id::kSize> bytes{};
    bytes[0] = n;
    return {Id::fromBytes(bytes), 1000 + n, reason};
  }
  void writeThree() {
    auto journal = open();
    ASSERT_TRUE(journal) << journal.error().toString();
    ASSERT_TRUE((*journal)->append({entry(1), entry(2, "erased")}));
    ASSERT_TRUE((*journal)->append({entry(3, "expired")}));
  }
  void expectBroken(const std::string& fragment) {
    auto journal = open();
    ASSERT_FALSE(journal);
    EXPECT_EQ(journal.error().code, ErrorCode::kSegmentAuth);
    EXPECT_NE(journal.error().message.find(fragment), std::string::npos) << journal.error().message;
  }

  TempDir dir_;
  std::string path_ = dir_.file(std::string(kDeletionJournalName));
};

TEST_F(DeletionJournalTest, LinesSurviveAReopenInOrder) {
  writeThree();
  auto journal = open();
  ASSERT_TRUE(journal) << journal.error().toString();
  ASSERT_EQ((*journal)->entries().size(), 3u);
  EXPECT_EQ((*journal)->entries()[1].recording, entry(2).recording);
  EXPECT_EQ((*journal)->entries()[1].reason, "erased");
  EXPECT_EQ((*journal)->entries()[2].at, 1003);
  EXPECT_TRUE((*journal)->contains(entry(3).recording));
  EXPECT_FALSE((*journal)->contains(entry(4).recording));
  EXPECT_NE(slurp(path_).find("\n3 " + entry(3).recording.hex() + " 1003 expired "),
            std::string::npos);
}

TEST_F(DeletionJournalTest, AMissingFileIsAnEmptyJournal) {
  auto journal = open();
  ASSERT_TRUE(journal);
  EXPECT_TRUE((*journal)->entries().empty());
}

TEST_F(DeletionJournalTest, AnEditedLineIsCaught) {
  writeThree();
  std::string text = slurp(path_);
  text.replace(text.find("erased"), 6, "expird");
  spit(path_, text);
  expectBroken("line 2 fails its MAC");
}

TEST_F(DeletionJournalTest, ARemovedLineIsCaught) {
  writeThree();
  std::string text = slurp(path_);
  const std::size_t second = text.find('\n') + 1;
  text.erase(second, text.find('\n', second) + 1 - second);
  spit(path_, text);
  expectBroken("line 2 is out of sequence");
}

TEST_F(DeletionJournalTest, ALineRenumberedAfterARemovalIsCaught) {
  writeThree();
  std::string text = slurp(path_);
  const std::size_t second = text.find('\n') + 1;
  text.erase(second, text.find('\n', second) + 1 - second);
  text[second] = '2';
  spit(path_, text);
  expectBroken("line 2 fails its MAC");
}

TEST_F(DeletionJournalTest, AnotherKeyDoesNotVerify) {
  writeThree();
  auto journal = open(7);
  ASSERT_FALSE(journal);
  EXPECT_EQ(journal.error().code, ErrorCode::kSegmentAuth);
}

TEST_F(DeletionJournalTest, ATornLastLineIsDroppedAndCutBeforeTheNextAppend) {
  writeThree();
  spit(path_, slurp(path_) + "4 0000");
  auto journal = open();
  ASSERT_TRUE(journal) << journal.error().toString();
  EXPECT_EQ((*journal)->entries().size(), 3u);
  ASSERT_TRUE((*journal)->append({entry(5)}));
  auto reopened = open();
  ASSERT_TRUE(reopened) << reopened.error().toString();
  ASSERT_EQ((*reopened)->entries().size(), 4u);
  EXPECT_EQ((*reopened)->entries()[3].recording, entry(5).recording);
}

// --- the vault writes and replays it ---

class VaultJournalTest : public testing::VaultFixture {
 protected:
  Id create(acl::Date end = *acl::parseDate("2030-01-01")) {
    auto id = vault_->createRecording({acl::Purpose::kTeacherTraining, end}, 5, "1");
    EXPECT_TRUE(id) << id.error().toString();
    return *id;
  }
  std::string journalPath() const {
    return joinPath(paths_.keys_dir, std::string(kDeletionJournalName));
  }
};

TEST_F(VaultJournalTest, DeletionIsJournaledBesideTheKeysOnce) {
  const Id id = create();
  ASSERT_TRUE(vault_->deleteRecording(id, "erased", 20, "1"));
  ASSERT_TRUE(vault_->deleteRecording(id, "erased", 21, "1"));  // idempotent
  const std::string text = slurp(journalPath());
  EXPECT_EQ(text.rfind("1 " + id.hex() + " 20 erased ", 0), 0u) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
}

TEST_F(VaultJournalTest, AnOlderDatabaseLosesWhatTheJournalDeleted) {
  const Id erased = create();
  const Id kept = create();
  vault_.reset();
  std::filesystem::copy_file(paths_.database, dir_.file("before.db"));
  {
    auto vault = Vault::open(paths_);
    ASSERT_TRUE(vault);
    ASSERT_TRUE((*vault)->deleteRecording(erased, "purpose_ended_early", 30, "1"));
  }
  // The database of before the deletion comes back, as a restore would bring it.
  std::filesystem::remove(paths_.database);
  std::filesystem::copy_file(dir_.file("before.db"), paths_.database);
  auto vault = Vault::open(paths_);
  ASSERT_TRUE(vault) << vault.error().toString();
  EXPECT_EQ((*vault)->status(erased).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE((*vault)->status(kept));
  vault_ = std::move(*vault);
  EXPECT_EQ(count("SELECT count(*) FROM tombstones WHERE reason = 'purpose_ended_early' "
                  "AND deleted_at = 30"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM data_keys"), 1);
}

TEST_F(VaultJournalTest, TombstonesMissingFromTheJournalAreAddedAtOpen) {
  const Id id = create();
  ASSERT_TRUE(vault_->deleteRecording(id, "expired", 40, "system"));
  vault_.reset();
  std::filesystem::remove(journalPath());  // as before the journal existed
  auto vault = Vault::open(paths_);
  ASSERT_TRUE(vault) << vault.error().toString();
  EXPECT_EQ(slurp(journalPath()).rfind("1 " + id.hex() + " 40 expired ", 0), 0u);
}

TEST_F(VaultJournalTest, ATamperedJournalStopsOpen) {
  const Id id = create();
  ASSERT_TRUE(vault_->deleteRecording(id, "expired", 40, "system"));
  vault_.reset();
  std::string text = slurp(journalPath());
  text.replace(text.find(" 40 "), 4, " 41 ");
  spit(journalPath(), text);
  auto vault = Vault::open(paths_);
  ASSERT_FALSE(vault);
  EXPECT_EQ(vault.error().code, ErrorCode::kSegmentAuth);
  EXPECT_NE(vault.error().message.find("deletions.journal: line 1 fails its MAC"),
            std::string::npos)
      << vault.error().message;
}

}  // namespace
}  // namespace storage
