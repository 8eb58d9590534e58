// The person export on a real database: what is in it, and what must not be.
#include "storage/person_export.h"

#include <gtest/gtest.h>

#include "storage/consent_forms.h"
#include "storage/roster.h"
#include "tests/storage/vault_fixture.h"

namespace storage {
namespace {

acl::Date date(const char* text) { return *acl::parseDate(text); }

class PersonExportTest : public testing::VaultFixture {
 protected:
  PersonExportTest() {
    importPeople(
        "external_id,display_name,role,birth_date,guardian_of,left_on\n"
        "T-1,Anna Coach,staff,,,\nT-2,Bert Owner,staff,,,\n"
        "L-1,Sem Pupil,pupil,2012-05-05,,\nO-1,Eva Guardian,guardian,,L-1,\n",
        date("2026-01-01"));
    recording_ =
        *vault_->createRecording({acl::Purpose::kStudentSupport, date("2027-01-31")}, 10, "2");
    // Bert owns it, Anna supervises, Sem is its subject; each has a comment.
    EXPECT_TRUE(vault_->transact([&](Database& db, const Vault::Auditor&) -> Status {
      for (const std::string& sql : std::vector<std::string>{
               "INSERT INTO recording_details VALUES (?1, 'Rekenles', '', 'begeleiding', 2, "
               "'2026-02-01')",
               "INSERT INTO participants VALUES (?1, 1, 'support_coordinator', 'view,comment', "
               "'2026-12-31')",
               "INSERT INTO participants VALUES (?1, 3, 'subject_pupil', 'view', NULL)",
               "INSERT INTO comments (recording_id, author_id, position_ms, body, personal, "
               "created_at) "
               "VALUES (?1, 1, 5000, 'Goede instructie', 0, 20)",
               "INSERT INTO comments (recording_id, author_id, position_ms, body, personal, "
               "created_at) "
               "VALUES (?1, 1, 9000, 'Eigen werkaantekening', 1, 21)",
               "INSERT INTO comments (recording_id, author_id, position_ms, body, personal, "
               "created_at) "
               "VALUES (?1, 2, 1000, 'Opmerking van Bert', 0, 22)"}) {
        auto stmt = db.prepare(sql);
        if (!stmt) return std::unexpected(stmt.error());
        LV_TRY(stmt->bind(1, recording_.hex()).run());
      }
      return {};
    }));
    EXPECT_TRUE(
        vault_->audit({30, "1", "view_media", recording_.hex(), "allowed", "allowed_participant"}));
    EXPECT_TRUE(
        vault_->audit({31, "2", "view_media", recording_.hex(), "allowed", "allowed_owner"}));
    EXPECT_TRUE(
        vault_->audit({32, "4", "view_media", recording_.hex(), "denied", "denied_not_named"}));
  }

  Id recording_ = Id::fromBytes({});
};

TEST_F(PersonExportTest, ASupervisorSeesTheirOwnDataAndViewsByRoleOnly) {
  auto exported = exportPerson(*vault_, "T-1", 100, "cli:uid0");
  ASSERT_TRUE(exported) << exported.error().toString();
  EXPECT_EQ(exported->display_name, "Anna Coach");
  EXPECT_EQ(exported->roles, std::vector<std::string>{"staff"});
  ASSERT_EQ(exported->recordings.size(), 1u);
  const auto& recording = exported->recordings[0];
  EXPECT_EQ(recording.relation, "support_coordinator");
  EXPECT_EQ(recording.until, "2026-12-31");
  ASSERT_EQ(recording.views.size(), 2u) << "allowed views only";
  EXPECT_EQ(recording.views[0].viewer_relation, "support_coordinator");
  EXPECT_EQ(recording.views[1].viewer_relation, "owner");
  EXPECT_EQ(recording.views[1].viewer_roles, "staff");
  ASSERT_EQ(exported->comments.size(), 1u) << "personal comments are left out (R11)";
  EXPECT_EQ(exported->comments[0].body, "Goede instructie");
  ASSERT_EQ(exported->actions.size(), 1u);
  EXPECT_EQ(exported->actions[0].action, "view_media");
}

TEST_F(PersonExportTest, APupilsExportHoldsConsentAndNoOtherPersonsData) {
  ASSERT_TRUE(recordConsentForm(*vault_, {3, "website", date("2026-03-01"), true, 4, 0},
                                acl::ConsentConfig{}, date("2026-11-22"), 40, "4"));
  auto exported = exportPerson(*vault_, "L-1", 100, "cli:uid0");
  ASSERT_TRUE(exported);
  EXPECT_EQ(exported->birth_date, "2012-05-05");
  EXPECT_EQ(exported->guardians, std::vector<std::string>{"O-1"});
  ASSERT_EQ(exported->consent.size(), 1u);
  EXPECT_EQ(exported->consent[0].category, "website");
  ASSERT_EQ(exported->recordings.size(), 1u);
  EXPECT_EQ(exported->recordings[0].relation, "subject_pupil");
  EXPECT_TRUE(exported->comments.empty());
  // Nobody else's name, in any field of the export.
  std::string all = exported->display_name;
  for (const auto& r : exported->recordings) {
    all += r.title + r.written_purpose;
    for (const auto& v : r.views) all += v.viewer_roles + v.viewer_relation;
  }
  for (const char* other : {"Anna", "Bert", "Eva"})
    EXPECT_EQ(all.find(other), std::string::npos) << other;
}

TEST_F(PersonExportTest, ExportsAreAuditedAndUnknownIdsRefused) {
  auto missing = exportPerson(*vault_, "X-9", 100, "cli:uid0");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(exportPerson(*vault_, "O-1", 101, "cli:uid0"));
  std::int64_t exports = 0;
  ASSERT_TRUE(vault_->read([&](Database& db) -> Status {
    auto s =
        db.prepare("SELECT count(*) FROM audit WHERE action = 'export_person' AND object = '4'");
    LV_TRY(s->step());
    exports = s->columnInt(0);
    return {};
  }));
  EXPECT_EQ(exports, 1);
}

TEST_F(PersonExportTest, ActionsNameNobodyElseAndConsultationsAreIncluded) {
  // Bert's own actions about other people: naming Anna, recording a form for Sem.
  ASSERT_TRUE(vault_->audit({40, "2", "manage_participants", recording_.hex() + ":1", "done", ""}));
  ASSERT_TRUE(vault_->audit({41, "2", "record_consent", "3", "done", "website"}));
  ASSERT_TRUE(vault_->audit({42, "2", "export_person", "2", "done", ""}));
  ASSERT_TRUE(vault_->transact([&](Database& db, const Vault::Auditor&) -> Status {
    auto stmt = db.prepare("INSERT INTO consultations VALUES (?1, 2, '2026-02-01')");
    return stmt->bind(1, recording_.hex()).run();
  }));
  auto exported = exportPerson(*vault_, "T-2", 100, "cli:uid0");
  ASSERT_TRUE(exported);
  std::vector<std::string> objects;
  for (const auto& action : exported->actions) objects.push_back(action.object);
  // create_recording and view_media (from the fixture), then the three above.
  EXPECT_EQ(objects, (std::vector<std::string>{recording_.hex(), recording_.hex(), recording_.hex(),
                                               "", "2"}))
      << "a recording id stays, another person's id goes, their own stays";
  ASSERT_EQ(exported->consultations.size(), 1u);
  EXPECT_EQ(exported->consultations[0].consulted_on, "2026-02-01");
}

}  // namespace
}  // namespace storage
