// The audit chain (invariant 5), built by real vault operations on a real
// SQLite file, then tampered with by SQL as someone holding only the database
// file could: every edit, removal, insertion, reordering and cut is found.
#include <thread>

#include <gtest/gtest.h>

#include "storage/vault.h"
#include "tests/storage/test_util.h"

namespace storage {
namespace {

class AuditTest : public ::testing::Test {
 protected:
  AuditTest() {
    paths_ = {dir_.file("data"), dir_.file("lv.db"), dir_.file("keys")};
    EXPECT_TRUE(Vault::initialize(paths_));
    reopen();
    // Six entries from the real operations that write them.
    for (int i = 0; i < 2; ++i) {
      recordings_.push_back(*vault_->createRecording(
          {acl::Purpose::kStudentSupport, *acl::parseDate("2027-01-31")}, 100 + i, "p1"));
    }
    EXPECT_TRUE(vault_->createUpload(recordings_[0], 1000, 110, "p1"));
    EXPECT_TRUE(vault_->audit(
        {120, "p2", "view_media", recordings_[0].hex(), "denied", "denied_not_named"}));
    EXPECT_TRUE(vault_->audit(
        {121, "p3", "view_media", Id::random()->hex(), "denied", "denied_not_named"}));
    EXPECT_TRUE(vault_->deleteRecording(recordings_[1], "purpose_ended", 130, "system"));
  }

  void reopen() {
    vault_.reset();
    auto vault = Vault::open(paths_);
    ASSERT_TRUE(vault) << vault.error().toString();
    vault_ = std::move(*vault);
  }

  void sql(const std::string& statement) {
    auto done = vault_->database().exec(statement);
    ASSERT_TRUE(done) << done.error().toString();
  }

  AuditVerification verify(const std::optional<AuditHead>& expected = std::nullopt) {
    auto report = vault_->verifyAudit(expected);
    EXPECT_TRUE(report) << report.error().toString();
    return report.value_or(AuditVerification{});
  }

  void expectBroken(std::int64_t at, const std::string& fragment,
                    const std::optional<AuditHead>& expected = std::nullopt) {
    const auto report = verify(expected);
    ASSERT_FALSE(report.ok()) << "tampering was not detected";
    EXPECT_EQ(*report.broken_at, at) << report.problem;
    EXPECT_NE(report.problem.find(fragment), std::string::npos) << report.problem;
  }

  testing::TempDir dir_;
  VaultPaths paths_;
  std::unique_ptr<Vault> vault_;
  std::vector<Id> recordings_;
};

TEST_F(AuditTest, TheUntouchedChainVerifiesAndRecordsWhatHappened) {
  const auto report = verify();
  ASSERT_TRUE(report.ok()) << report.problem;
  EXPECT_EQ(report.entries, 6);
  EXPECT_EQ(report.head, *vault_->auditHead());
  auto rows =
      vault_->database().prepare("SELECT action, object, outcome, reason FROM audit ORDER BY seq");
  std::vector<std::string> actions;
  while (*rows->step()) actions.push_back(rows->columnText(0) + "/" + rows->columnText(2));
  EXPECT_EQ(actions, (std::vector<std::string>{"create_recording/done", "create_recording/done",
                                               "create_upload/done", "view_media/denied",
                                               "view_media/denied", "delete_recording/done"}));
}

TEST_F(AuditTest, AnEditedFieldIsDetected) {
  for (const char* edit : {"reason = 'allowed_owner'", "actor = 'p9'", "at = at + 1",
                           "object = '"
                           "00000000000000000000000000000000"
                           "'",
                           "outcome = 'allowed'", "action = 'view_metadata'"}) {
    SCOPED_TRACE(edit);
    // Committed, as a real edit would be: the check reads on its own connection.
    sql("CREATE TABLE saved AS SELECT * FROM audit WHERE seq = 4");
    sql(std::string("UPDATE audit SET ") + edit + " WHERE seq = 4");
    expectBroken(4, "altered");
    sql("DELETE FROM audit WHERE seq = 4");
    sql("INSERT INTO audit SELECT * FROM saved");
    sql("DROP TABLE saved");
  }
  EXPECT_TRUE(verify().ok());
}

TEST(AuditChunksTest, AChainReadInChunksIsCheckedAcrossTheirBorders) {
  testing::TempDir dir;
  auto db = Database::open(dir.file("a.db"));
  ASSERT_TRUE(db);
  ASSERT_TRUE((*db)->exec(
      "CREATE TABLE audit (seq INTEGER PRIMARY KEY, at INTEGER, actor TEXT, action TEXT, "
      "object TEXT, outcome TEXT, reason TEXT, prev BLOB, mac BLOB)"));
  const SecretKey key = testing::keyFromByte(5);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(appendAudit(**db, key, {100 + i, "p1", "view_media", "", "done", ""}));
  }
  for (std::int64_t chunk : {1, 3, 10, 11}) {
    SCOPED_TRACE(chunk);
    const auto all = verifyAudit(**db, key, std::nullopt, chunk);
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->ok()) << all->problem;
    EXPECT_EQ(all->entries, 10);
  }
  ASSERT_TRUE((*db)->exec("DELETE FROM audit WHERE seq = 4"));  // the first of chunk 2
  const auto cut = verifyAudit(**db, key, std::nullopt, 3);
  ASSERT_TRUE(cut);
  EXPECT_FALSE(cut->ok());
  EXPECT_EQ(*cut->broken_at, 4);
}

TEST_F(AuditTest, VerifyingDoesNotHoldUpTheVault) {
  // Checked from another thread while this one holds the vault: if the check took the
  // vault's mutex this would never finish (and ctest's timeout would fail it).
  bool intact = false;
  ASSERT_TRUE(vault_->read([&](Database&) -> Status {
    std::thread checker([&] { intact = verify().ok(); });
    checker.join();
    return {};
  }));
  EXPECT_TRUE(intact);
}

TEST_F(AuditTest, ARemovedEntryIsDetected) {
  sql("DELETE FROM audit WHERE seq = 3");
  expectBroken(3, "missing");
}

TEST_F(AuditTest, AnInsertedEntryIsDetected) {
  // Make room at 3 and put a plausible entry there, linked to entry 2.
  sql("UPDATE audit SET seq = seq + 100 WHERE seq >= 3");
  sql("UPDATE audit SET seq = seq - 99 WHERE seq >= 103");
  sql("INSERT INTO audit SELECT 3, at, actor, 'view_media', object, 'allowed', '', mac, mac "
      "FROM audit WHERE seq = 2");
  expectBroken(3, "altered");
}

TEST_F(AuditTest, AnAppendedForgeryIsDetected) {
  sql("INSERT INTO audit SELECT 7, at, actor, action, object, outcome, reason, mac, prev "
      "FROM audit WHERE seq = 6");
  expectBroken(7, "altered");
}

TEST_F(AuditTest, ReorderedEntriesAreDetected) {
  // Swap the contents of entries 2 and 3, each keeping its sequence number.
  sql("UPDATE audit SET seq = 1000 WHERE seq = 2");
  sql("UPDATE audit SET seq = 2 WHERE seq = 3");
  sql("UPDATE audit SET seq = 3 WHERE seq = 1000");
  expectBroken(2, "does not follow");
}

TEST_F(AuditTest, ACutOffTailIsDetectedAgainstTheNotedHead) {
  const AuditHead head = *vault_->auditHead();
  sql("DELETE FROM audit WHERE seq >= 5");
  EXPECT_TRUE(verify().ok()) << "a cut chain is consistent in itself";
  expectBroken(5, "cut off", head);
}

TEST_F(AuditTest, AChainRewrittenUnderAnotherKeyIsDetected) {
  const AuditHead head = *vault_->auditHead();
  // Someone with the database file but not the master key: whatever key they
  // choose, the MACs are not the audit key's.
  const SecretKey forger = testing::keyFromByte(77);
  auto rewritten = vault_->database().prepare("DELETE FROM audit");
  ASSERT_TRUE(rewritten->run());
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(appendAudit(vault_->database(), forger,
                            {200 + i, "p1", "create_recording", "", "done", ""}));
  }
  expectBroken(1, "altered");
  expectBroken(1, "altered", head);
}

TEST_F(AuditTest, TheExpectedHeadMustStillBeInTheChain) {
  const AuditHead head = *vault_->auditHead();
  EXPECT_TRUE(verify(head).ok());
  AuditHead wrong = head;
  wrong.mac[0] ^= 1;
  expectBroken(head.seq, "rewritten", wrong);
  EXPECT_EQ(AuditHead::parse(head.toString()), head);
  EXPECT_FALSE(AuditHead::parse("12"));
  EXPECT_FALSE(AuditHead::parse("x:00"));
}

TEST_F(AuditTest, TheChainSurvivesRotationRetirementAndRestart) {
  const Id old_key = *vault_->activeMasterKey();
  ASSERT_TRUE(vault_->rotateMasterKey(300, "cli:uid0"));
  auto retired = vault_->retireMasterKey(old_key, 301, "cli:uid0");
  ASSERT_TRUE(retired) << retired.error().toString();
  reopen();
  const auto report = verify();
  EXPECT_TRUE(report.ok()) << report.problem;
  EXPECT_EQ(report.entries, 8);  // rotate_master_key and retire_master_key were added
}

TEST_F(AuditTest, EntriesHoldIdsAndCodesOnly) {
  for (AuditRecord bad : {AuditRecord{1, "Jan de Vries", "view_media", "", "denied", ""},
                          AuditRecord{1, "p1", "view media", "", "denied", ""},
                          AuditRecord{1, "p1", "view_media", "Les 3B rekenen", "denied", ""},
                          AuditRecord{1, "p1", "view_media", "", "denied", "zie opmerking"},
                          AuditRecord{1, "", "view_media", "", "denied", ""}}) {
    auto status = vault_->audit(bad);
    ASSERT_FALSE(status);
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(verify().entries, 6) << "a refused entry must leave nothing";
}

}  // namespace
}  // namespace storage
