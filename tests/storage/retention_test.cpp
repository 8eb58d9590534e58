// R19 on a real database: people are purged the day after the second
// anniversary of leaving, not before; never while a recording names them.
#include "storage/retention.h"

#include <gtest/gtest.h>

#include "storage/roster.h"
#include "tests/storage/vault_fixture.h"

namespace storage {
namespace {

acl::Date date(const char* text) { return *acl::parseDate(text); }

class RetentionTest : public testing::VaultFixture {
 protected:
  RetentionTest() {
    const std::string csv =
        "external_id,display_name,role,birth_date,guardian_of,left_on\n"
        "T-1,Left Nov 2024,staff,,,2024-11-22\n"
        "T-2,Left leap day,staff,,,2024-02-29\n"
        "T-3,Still here,staff,,,\n"
        "L-1,Pupil left,pupil,2010-05-05,,2024-06-30\n"
        "O-1,Guardian of L-1,guardian,,L-1,\n";
    importPeople(csv, date("2024-12-01"));
  }

  std::vector<std::string> remaining() {
    std::vector<std::string> ids;
    EXPECT_TRUE(vault_->read([&](Database& db) -> Status {
      auto select = db.prepare("SELECT external_id FROM people ORDER BY external_id");
      if (!select) return std::unexpected(select.error());
      for (;;) {
        auto row = select->step();
        if (!row) return std::unexpected(row.error());
        if (!*row) return {};
        ids.push_back(select->columnText(0));
      }
    }));
    return ids;
  }

  RetentionResult purge(const char* today) {
    auto result = purgeDepartedPeople(*vault_, date(today), 100);
    EXPECT_TRUE(result) << result.error().toString();
    return result.value_or(RetentionResult{});
  }
};

TEST_F(RetentionTest, PeopleGoTheDayAfterTheSecondAnniversaryOfLeaving) {
  EXPECT_EQ(purge("2026-02-28").purged, 0);
  EXPECT_EQ(purge("2026-03-01").purged, 0) << "29 Feb 2024 + 2 years is 1 March 2026";
  EXPECT_EQ(purge("2026-03-02").purged, 1);  // T-2
  EXPECT_EQ(purge("2026-06-30").purged, 0);
  EXPECT_EQ(purge("2026-07-01").purged, 1);  // L-1, and with it O-1's guardianship
  EXPECT_EQ(purge("2026-11-22").purged, 0);
  EXPECT_EQ(purge("2026-11-23").purged, 1);  // T-1
  EXPECT_EQ(remaining(), (std::vector<std::string>{"O-1", "T-3"}));
  std::int64_t guardianships = -1, purges = -1;
  ASSERT_TRUE(vault_->read([&](Database& db) -> Status {
    auto g = db.prepare("SELECT count(*) FROM guardianships");
    LV_TRY(g->step());
    guardianships = g->columnInt(0);
    auto a =
        db.prepare("SELECT count(*) FROM audit WHERE action = 'roster_purge' AND actor = 'system'");
    LV_TRY(a->step());
    purges = a->columnInt(0);
    return {};
  }));
  EXPECT_EQ(guardianships, 0);
  EXPECT_EQ(purges, 3);
  ASSERT_TRUE(vault_->verifyAudit(std::nullopt)->ok());
}

TEST_F(RetentionTest, SomeoneNamedOnARecordingIsKeptUntilItIsDeleted) {
  auto recording =
      vault_->createRecording({acl::Purpose::kTeacherTraining, date("2027-01-31")}, 5, "1");
  ASSERT_TRUE(recording);
  ASSERT_TRUE(vault_->transact([&](Database& db, const Vault::Auditor&) -> Status {
    auto name = db.prepare(
        "INSERT INTO participants (recording_id, person_id, relation, rights) "
        "SELECT ?1, id, 'supervisor', 'view' FROM people WHERE external_id = 'T-1'");
    return name->bind(1, recording->hex()).run();
  }));
  auto kept = purge("2027-01-01");
  EXPECT_EQ(kept.kept, 1);
  EXPECT_EQ(kept.purged, 2);  // T-2 and L-1
  ASSERT_TRUE(vault_->deleteRecording(*recording, "purpose_ended", 200, "system"));
  EXPECT_EQ(purge("2027-02-01").purged, 1);
  EXPECT_EQ(remaining(), (std::vector<std::string>{"O-1", "T-3"}));
}

TEST_F(RetentionTest, OwnersConsultedPeopleAndCommentAuthorsAreKeptToo) {
  auto recording =
      vault_->createRecording({acl::Purpose::kTeacherTraining, date("2027-01-31")}, 5, "1");
  ASSERT_TRUE(recording);
  ASSERT_TRUE(vault_->transact([&](Database& db, const Vault::Auditor&) -> Status {
    for (const char* sql :
         {"INSERT INTO recording_details VALUES (?1, 't', '', 'p', 1, '2026-01-01')",
          "INSERT INTO consultations VALUES (?1, 2, '2026-01-01')",
          "INSERT INTO comments (recording_id, author_id, position_ms, body, personal, created_at) "
          "VALUES (?1, 4, 0, 'x', 0, 1)"}) {
      auto stmt = db.prepare(sql);
      if (!stmt) return std::unexpected(stmt.error());
      LV_TRY(stmt->bind(1, recording->hex()).run());
    }
    return {};
  }));
  auto result = purge("2030-01-01");
  EXPECT_EQ(result.kept, 3);    // T-1 owns it, T-2 was consulted, L-1 wrote a comment
  EXPECT_EQ(result.purged, 0);  // nobody else has left
  ASSERT_TRUE(vault_->deleteRecording(*recording, "purpose_ended", 200, "system"));
  EXPECT_EQ(purge("2030-01-01").purged, 3);
}

}  // namespace
}  // namespace storage
