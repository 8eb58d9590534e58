// The live counts behind the processing register (R15).
#include "storage/statistics.h"

#include <gtest/gtest.h>

#include "tests/storage/vault_fixture.h"

namespace storage {
namespace {

class StatisticsTest : public testing::VaultFixture {};

TEST_F(StatisticsTest, CountsWhatIsHeldNow) {
  const acl::Date today = *acl::parseDate("2026-11-22");
  importPeople(
      "external_id,display_name,role,birth_date,guardian_of,left_on\n"
      "T-1,Anna,staff|privacy_officer,,,\nT-2,Bert,staff,,,2026-07-31\n"
      "L-1,Sem,pupil,2014-01-01,,\nO-1,Eva,guardian,,L-1,\n",
      today);
  const acl::Date end = *acl::parseDate("2027-01-31");
  auto kept = vault_->createRecording({acl::Purpose::kStudentSupport, end}, 1, "1");
  auto gone = vault_->createRecording({acl::Purpose::kTeacherTraining, end}, 1, "1");
  ASSERT_TRUE(kept && gone);
  ASSERT_TRUE(vault_->transact([&](Database& db, const Vault::Auditor&) -> Status {
    for (const char* sql :
         {"INSERT INTO recording_details VALUES (?1, 't', '', 'p', 1, '2026-01-01')",
          "INSERT INTO comments (recording_id, author_id, position_ms, body, personal, created_at) "
          "VALUES (?1, 1, 0, 'shared', 0, 1)",
          "INSERT INTO comments (recording_id, author_id, position_ms, body, personal, created_at) "
          "VALUES (?1, 1, 0, 'personal', 1, 1)"}) {
      auto stmt = db.prepare(sql);
      if (!stmt) return std::unexpected(stmt.error());
      LV_TRY(stmt->bind(1, kept->hex()).run());
    }
    return {};
  }));
  ASSERT_TRUE(vault_->deleteRecording(*gone, "purpose_ended", 2, "system"));

  auto stats = collectStatistics(*vault_);
  ASSERT_TRUE(stats) << stats.error().toString();
  EXPECT_EQ(stats->recordings_by_purpose,
            (std::map<std::string, std::int64_t>{{"student_support", 1}}));
  EXPECT_EQ(stats->recordings_deleted, 1);
  EXPECT_EQ(stats->people_by_role.at("staff"), 2);
  EXPECT_EQ(stats->people_by_role.at("privacy_officer"), 1);
  EXPECT_EQ(stats->people_left, 1);
  EXPECT_EQ(stats->guardianships, 1);
  EXPECT_EQ(stats->shared_comments, 1);
  EXPECT_EQ(stats->personal_comments, 1);
  EXPECT_EQ(stats->audit_entries, count("SELECT count(*) FROM audit"));
}

}  // namespace
}  // namespace storage
