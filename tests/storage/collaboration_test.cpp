// Participants and comments after creation, on real rows: each change is
// decided, checked, written and audited in one transaction.
#include "storage/collaboration.h"

#include <gtest/gtest.h>

#include "storage/roster.h"
#include "tests/storage/vault_fixture.h"

namespace storage {
namespace {

acl::Date date(const char* text) { return *acl::parseDate(text); }
const acl::Date kToday = date("2026-11-22");

class CollaborationTest : public testing::VaultFixture {
 protected:
  CollaborationTest() {
    importPeople(
        "external_id,display_name,role,birth_date,guardian_of,left_on\n"
        "T-1,Anna Smit,staff,,,\nT-2,Bert Kok,staff,,,\nT-3,Carla Bos,staff,,,\n"
        "L-1,Sem de Jong,pupil,2014-01-01,,\n",
        date("2026-01-01"));
    RecordingRequest request;
    request.title = "Rekenles";
    request.written_purpose = "Feedback voor de opleiding";
    request.purpose_end = date("2027-03-01");
    request.participants = {{2, acl::Relation::kSupervisor, {true, true, false}, std::nullopt}};
    request.consultation = {{1}, kToday};
    recording_ = **createCheckedRecording(*vault_, 1, request, acl::PurposeCaps{}, kToday, 5);
    EXPECT_TRUE(vault_->setStatus(recording_, RecordingStatus::kReady));
  }

  Id recording_ = Id::fromBytes({});
};

TEST_F(CollaborationTest, TheOwnerNamesChangesAndRemovesParticipants) {
  const acl::Participant carla{
      3, acl::Relation::kTeacherEducator, {true, false, false}, date("2026-12-31")};
  auto added = setParticipant(*vault_, 1, recording_, carla, kToday, 10);
  ASSERT_TRUE(added && *added) << (added ? added->error().toString() : added.error().toString());
  EXPECT_EQ(lastAudit(), "1 manage_participants " + recording_.hex() + ":3 done ");
  EXPECT_EQ(acl::reasonName(
                authorize(*vault_, 3, acl::Action::kViewMedia, recording_, kToday, 11)->reason),
            "allowed_participant");
  EXPECT_EQ(acl::reasonName(
                authorize(*vault_, 3, acl::Action::kViewMedia, recording_, date("2027-01-01"), 12)
                    ->reason),
            "denied_grant_expired");

  auto longer = carla;
  longer.until.reset();
  ASSERT_TRUE(*setParticipant(*vault_, 1, recording_, longer, kToday, 13));
  EXPECT_TRUE(authorize(*vault_, 3, acl::Action::kViewMedia, recording_, date("2027-01-01"), 14)
                  ->allowed());

  ASSERT_TRUE(*removeParticipant(*vault_, 1, recording_, 3, kToday, 15));
  EXPECT_EQ(acl::reasonName(
                authorize(*vault_, 3, acl::Action::kViewMedia, recording_, kToday, 16)->reason),
            "denied_not_named");
}

TEST_F(CollaborationTest, ChangesThatBreakARuleAreRefusedAndAudited) {
  // A supervisor without manage may not name people.
  auto by_supervisor =
      setParticipant(*vault_, 2, recording_,
                     {3, acl::Relation::kTeacher, {true, false, false}, std::nullopt}, kToday, 20);
  ASSERT_TRUE(by_supervisor);
  ASSERT_FALSE(*by_supervisor);
  EXPECT_EQ(lastAudit(), "2 manage_participants " + recording_.hex() + " denied " +
                             std::string(acl::reasonName(by_supervisor->error().reason)));
  // A pupil on a teacher-training recording.
  auto pupil = setParticipant(*vault_, 1, recording_,
                              {4, acl::Relation::kSubjectPupil, {true, false, false}, std::nullopt},
                              kToday, 21);
  ASSERT_FALSE(*pupil);
  EXPECT_EQ(lastAudit(), "1 manage_participants " + recording_.hex() + ":4 denied " +
                             std::string(acl::reasonName(pupil->error().reason)));
  // The owner cannot be removed.
  auto owner = removeParticipant(*vault_, 1, recording_, 1, kToday, 22);
  ASSERT_FALSE(*owner);
  EXPECT_EQ(acl::reasonName(owner->error().reason), "denied_cannot_remove_owner");
  ASSERT_TRUE(vault_->verifyAudit(std::nullopt)->ok());
}

TEST_F(CollaborationTest, OneAuthorWritesABoundedNumberOfCommentsOthersStillCan) {
  // Filled to the bound directly (one transaction), then one more through the real path.
  ASSERT_TRUE(vault_->database().exec(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
      std::to_string(kMaxCommentsPerAuthor) +
      ") INSERT INTO comments (recording_id, author_id, position_ms, body, personal, created_at) "
      "SELECT '" + recording_.hex() + "', 2, i, 'x', 0, 1 FROM n"));
  auto refused = addComment(*vault_, 2, recording_, 1, "Nog een", acl::CommentVisibility::kShared,
                            kToday, 30);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kLimit);
  auto by_owner = addComment(*vault_, 1, recording_, 1, "Van de eigenaar",
                             acl::CommentVisibility::kShared, kToday, 31);
  ASSERT_TRUE(by_owner && *by_owner) << "another author is blocked";
}

TEST_F(CollaborationTest, PersonalCommentsAreSeenByTheirAuthorOnly) {
  ASSERT_TRUE(*addComment(*vault_, 2, recording_, 65000, "Mooie opening",
                          acl::CommentVisibility::kShared, kToday, 30));
  ASSERT_TRUE(*addComment(*vault_, 2, recording_, 5000, "Zelf nog navragen",
                          acl::CommentVisibility::kPersonal, kToday, 31));
  ASSERT_TRUE(*addComment(*vault_, 1, recording_, 1000, "Begin van de les",
                          acl::CommentVisibility::kShared, kToday, 32));
  auto by_bert = listComments(*vault_, 2, recording_, kToday, 33);
  ASSERT_TRUE(by_bert && *by_bert);
  ASSERT_EQ((*by_bert)->size(), 3u);
  EXPECT_EQ((**by_bert)[0].text, "Begin van de les");  // by position
  auto by_owner = listComments(*vault_, 1, recording_, kToday, 34);
  ASSERT_EQ((*by_owner)->size(), 2u) << "not even the owner sees a personal comment (R11)";
  auto by_stranger = listComments(*vault_, 3, recording_, kToday, 35);
  ASSERT_FALSE(*by_stranger);
  auto no_right =
      addComment(*vault_, 3, recording_, 0, "Hallo", acl::CommentVisibility::kShared, kToday, 36);
  ASSERT_FALSE(*no_right);
  auto empty =
      addComment(*vault_, 2, recording_, 0, "", acl::CommentVisibility::kShared, kToday, 37);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace storage
