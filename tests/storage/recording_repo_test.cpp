// The bridge between acl and the database: creating a recording only when its
// rules hold, and every access decision made on real rows and audited.
#include "storage/recording_repo.h"

#include <gtest/gtest.h>

#include "storage/consent_forms.h"
#include "storage/roster.h"
#include "tests/storage/vault_fixture.h"

namespace storage {
namespace {

acl::Date date(const char* text) { return *acl::parseDate(text); }
const acl::Date kToday = date("2026-11-22");  // Sem turns 16 tomorrow

class RecordingRepoTest : public testing::VaultFixture {
 protected:
  RecordingRepoTest() {
    importPeople(
        "external_id,display_name,role,birth_date,guardian_of,left_on\n"
        "T-1,Anna Smit,staff,,,\nT-2,Bert Kok,staff,,,\n"
        "L-1,Sem de Jong,pupil,2010-11-23,,\nO-1,Eva de Jong,guardian,,L-1,\n"
        "A-1,Ad Min,admin,,,\n",
        date("2026-01-01"));
    // Row ids follow the file: Anna 1, Bert 2, Sem 3, Eva 4, Ad 5.
  }

  RecordingRequest teacherTraining() {
    RecordingRequest request;
    request.purpose = acl::Purpose::kTeacherTraining;
    request.title = "Rekenles groep 6";
    request.written_purpose = "Feedback op klassenmanagement voor de opleiding";
    request.purpose_end = date("2027-03-01");
    request.participants = {{2, acl::Relation::kSupervisor, {true, true, false}, std::nullopt}};
    request.consultation = {{1}, kToday};
    return request;
  }

  RecordingRequest studentSupport() {
    RecordingRequest request;
    request.purpose = acl::Purpose::kStudentSupport;
    request.title = "Observatie begeleiding";
    request.written_purpose = "Begeleidingsplan bespreken met ouders";
    request.purpose_end = date("2027-06-01");
    request.participants = {{4, acl::Relation::kGuardian, {true, false, false}, std::nullopt},
                            {3, acl::Relation::kSubjectPupil, {true, false, false}, std::nullopt}};
    request.consultation = {{3, 4}, kToday};
    return request;
  }

  std::expected<Id, acl::Denial> create(acl::PersonId owner, const RecordingRequest& request) {
    auto created = createCheckedRecording(*vault_, owner, request, acl::PurposeCaps{}, kToday, 50);
    EXPECT_TRUE(created) << created.error().toString();
    return created.value_or(std::unexpected(acl::Denial{acl::Reason::kDeniedNoRecording, ""}));
  }

  std::string_view decide(acl::PersonId who, acl::Action action, const std::optional<Id>& recording,
                          acl::Date on = kToday) {
    auto decision = authorize(*vault_, who, action, recording, on, 60);
    EXPECT_TRUE(decision) << decision.error().toString();
    return decision ? acl::reasonName(decision->reason) : "error";
  }
};

TEST_F(RecordingRepoTest, AValidRecordingIsCreatedWithItsRowsInOneGo) {
  auto id = create(1, teacherTraining());
  ASSERT_TRUE(id) << id.error().toString();
  std::optional<acl::RecordingFacts> facts;
  ASSERT_TRUE(vault_->read([&](Database& db) -> Status {
    auto loaded = loadRecordingFacts(db, *id, kToday);
    if (!loaded) return std::unexpected(loaded.error());
    facts = *loaded;
    return {};
  }));
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->owner, 1);
  EXPECT_EQ(facts->created_on, kToday);
  ASSERT_EQ(facts->participants.size(), 1u);
  EXPECT_EQ(facts->participants[0].relation, acl::Relation::kSupervisor);
  EXPECT_EQ(lastAudit(), "1 create_recording " + id->hex() + " done ");
}

TEST_F(RecordingRepoTest, EachBrokenRuleRefusesCreationAndIsAudited) {
  struct Case {
    const char* what;
    acl::PersonId owner;
    std::function<void(RecordingRequest&)> change;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"a pupil records (R8)", 3, [](RecordingRequest&) {}, "denied_not_staff"},
      {"a pupil's full name in the title (R6)", 1,
       [](RecordingRequest& r) { r.title = "Les met Sem de Jong"; }, "denied_pupil_name"},
      {"a surname in the description (R6)", 1,
       [](RecordingRequest& r) { r.description = "de Jong werkt mee"; }, "denied_pupil_name"},
      {"a first name alone, unconfirmed (R6)", 1,
       [](RecordingRequest& r) { r.title = "Les met Sem"; }, "denied_name_needs_confirmation"},
      {"an end date past the cap (R5)", 1,
       [](RecordingRequest& r) { r.purpose_end = date("2027-12-31"); },
       "denied_purpose_end_beyond_cap"},
      {"a guardian on teacher training", 1,
       [](RecordingRequest& r) {
         r.participants.push_back(
             {4, acl::Relation::kGuardian, {true, false, false}, std::nullopt});
       },
       "denied_wrong_purpose_for_relation"},
      {"nobody consulted (R2)", 1, [](RecordingRequest& r) { r.consultation.consulted.clear(); },
       "denied_consultation_missing"},
      {"the trainee not consulted (R2)", 1,
       [](RecordingRequest& r) { r.consultation.consulted = {2}; },
       "denied_consultation_without_trainee"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    RecordingRequest request = teacherTraining();
    c.change(request);
    auto refused = create(c.owner, request);
    ASSERT_FALSE(refused);
    EXPECT_EQ(acl::reasonName(refused.error().reason), c.reason) << refused.error().toString();
    EXPECT_EQ(lastAudit(), std::to_string(c.owner) + " create_recording  denied " + c.reason);
  }
  RecordingRequest confirmed = teacherTraining();
  confirmed.title = "Les met Sem";
  confirmed.names_confirmed = true;
  EXPECT_TRUE(create(1, confirmed)) << "a confirmed first name is accepted";
}

TEST_F(RecordingRepoTest, StudentSupportUnder16NeedsAGuardianConsulted) {
  RecordingRequest request = studentSupport();
  request.consultation.consulted = {3};
  auto refused = create(1, request);
  ASSERT_FALSE(refused);
  EXPECT_EQ(acl::reasonName(refused.error().reason), "denied_consultation_without_guardian");
  EXPECT_TRUE(create(1, studentSupport()));
}

TEST_F(RecordingRepoTest, AccessIsDecidedOnRealRowsAndEveryAnswerAudited) {
  auto id = *create(1, teacherTraining());
  EXPECT_EQ(decide(2, acl::Action::kViewMedia, id), "denied_not_ready");
  ASSERT_TRUE(vault_->setStatus(id, RecordingStatus::kReady));
  EXPECT_EQ(decide(2, acl::Action::kViewMedia, id), "allowed_participant");
  EXPECT_EQ(lastAudit(), "2 view_media " + id.hex() + " allowed allowed_participant");
  EXPECT_EQ(decide(1, acl::Action::kViewMedia, id), "allowed_owner");
  EXPECT_EQ(decide(5, acl::Action::kViewMedia, id), "denied_role_sees_no_content");
  EXPECT_EQ(decide(2, acl::Action::kViewMedia, id, date("2027-03-02")), "denied_purpose_ended");
  // An id that does not exist is answered and audited like a forbidden one.
  const Id unknown = *Id::random();
  EXPECT_EQ(decide(2, acl::Action::kViewMedia, unknown), "denied_no_recording");
  EXPECT_EQ(lastAudit(), "2 view_media " + unknown.hex() + " denied denied_no_recording");
  ASSERT_TRUE(vault_->verifyAudit(std::nullopt)->ok());
}

TEST_F(RecordingRepoTest, AGuardianLosesAccessAt16UnlessThePupilConsents) {
  auto id = *create(1, studentSupport());
  ASSERT_TRUE(vault_->setStatus(id, RecordingStatus::kReady));
  const acl::Date birthday = date("2026-11-23");
  EXPECT_TRUE(decide(4, acl::Action::kViewMedia, id).starts_with("allowed_")) << "the child is 15";
  EXPECT_EQ(decide(4, acl::Action::kViewMedia, id, birthday),
            "denied_guardian_child_16_without_consent");
  ASSERT_TRUE(recordConsentForm(*vault_, {3, "guardian_access_recordings", birthday, true, 3, 0},
                                acl::ConsentConfig{}, birthday, 70, "3"));
  EXPECT_EQ(decide(4, acl::Action::kViewMedia, id, birthday), "allowed_guardian_with_consent");
}

TEST_F(RecordingRepoTest, SomeoneNoLongerOnTheRosterIsDeniedAndAudited) {
  auto id = *create(1, teacherTraining());
  EXPECT_EQ(decide(99, acl::Action::kViewMedia, id), "denied_not_named");
  EXPECT_EQ(lastAudit(), "99 view_media " + id.hex() + " denied denied_not_named");
}

TEST_F(RecordingRepoTest, OversizedInputIsRefusedBeforeAnyCheck) {
  RecordingRequest request = teacherTraining();
  request.description = std::string(kMaxDescriptionBytes + 1, 'a');
  auto refused = createCheckedRecording(*vault_, 1, request, acl::PurposeCaps{}, kToday, 50);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
}

TEST(DisplayNames, SplitIntoFirstNameAndSurnameTheWaySchoolsWriteThem) {
  struct Case {
    const char* display;
    const char* first;
    const char* surname;
  };
  for (const Case& c :
       {Case{"Sem de Jong", "Sem", "de Jong"},
        Case{"Anne Sophie de Vries", "Anne Sophie", "de Vries"},
        Case{"Anne Sophie Vries", "Anne Sophie", "Vries"}, Case{"Jansen, Sem", "Sem", "Jansen"},
        Case{"van den Berg, Daan", "Daan", "van den Berg"}, Case{"Noor", "Noor", ""},
        Case{"Émile van 't Hof", "Émile", "van 't Hof"}}) {
    SCOPED_TRACE(c.display);
    const acl::RosterPupil pupil = splitDisplayName(c.display);
    EXPECT_EQ(pupil.first_name, c.first);
    EXPECT_EQ(pupil.surname, c.surname);
  }
}

TEST_F(RecordingRepoTest, AMiddleNamedPupilsSurnameIsRefused) {
  importPeople(
      "external_id,display_name,role,birth_date,guardian_of,left_on\n"
      "L-9,Anne Sophie de Vries,pupil,2014-01-01,,\n",
      date("2026-01-01"));
  RecordingRequest request = teacherTraining();
  request.title = "Observatie De Vries";
  auto refused = create(1, request);
  ASSERT_FALSE(refused);
  EXPECT_EQ(acl::reasonName(refused.error().reason), "denied_pupil_name");
}

}  // namespace
}  // namespace storage
