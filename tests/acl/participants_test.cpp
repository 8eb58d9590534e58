// R4 and R1: who may be named with which relation and rights, removal of
// participants, and ownership transfer.
#include "acl/participants.h"

#include <gtest/gtest.h>

#include "tests/acl/world.h"

namespace acl::testing {
namespace {

const Date kToday = day("2027-03-01");

// A recording owned by id 100 with one other teacher (id 200) named; nobody
// from world.h is on it yet.
RecordingFacts recording(Purpose purpose) { return makeRecording({.purpose = purpose}, 0); }

Participant entry(const Actor& who, Relation relation, const char* rights) {
  return Participant{who.person.id, relation, parseRights(rights).value_or(Rights{}), std::nullopt};
}

struct ParticipantCase {
  const char* description;
  Purpose purpose;
  Who who;
  Relation relation;
  const char* rights;
  std::optional<Reason> denial;  // nullopt: accepted
};

TEST(ValidateParticipant, RelationsRightsAndPurposes) {
  using Rel = Relation;
  const std::optional<Reason> kOk;
  const ParticipantCase cases[] = {
      {"staff as supervisor on teacher_training", kTeacherTraining, Who::kStaff, Rel::kSupervisor,
       "view,comment,manage", kOk},
      {"staff as trainee", kTeacherTraining, Who::kStaff, Rel::kTrainee, "view", kOk},
      {"staff as teacher_educator", kTeacherTraining, Who::kStaff, Rel::kTeacherEducator, "view",
       kOk},
      {"staff as support_coordinator on student_support", kStudentSupport, Who::kStaff,
       Rel::kSupportCoordinator, "view,manage", kOk},
      {"staff as teacher on student_support", kStudentSupport, Who::kStaff, Rel::kTeacher,
       "view,comment", kOk},
      {"guardian as a staff relation", kTeacherTraining, Who::kGuardian, Rel::kTeacher, "view",
       Reason::kDeniedNotStaff},
      {"admin (not staff) as supervisor", kTeacherTraining, Who::kAdmin, Rel::kSupervisor, "view",
       Reason::kDeniedNotStaff},
      {"subject pupil on teacher_training", kTeacherTraining, Who::kSubjectPupil,
       Rel::kSubjectPupil, "view", Reason::kDeniedWrongPurposeForRelation},
      {"guardian on teacher_training", kTeacherTraining, Who::kGuardian, Rel::kGuardian, "view",
       Reason::kDeniedWrongPurposeForRelation},
      {"subject pupil on student_support", kStudentSupport, Who::kSubjectPupil, Rel::kSubjectPupil,
       "view", kOk},
      {"another pupil as subject_pupil", kStudentSupport, Who::kOtherPupil, Rel::kSubjectPupil,
       "view", Reason::kDeniedNotSubjectPupil},
      {"staff as subject_pupil", kStudentSupport, Who::kStaff, Rel::kSubjectPupil, "view",
       Reason::kDeniedNotPupil},
      {"guardian of the subject pupil", kStudentSupport, Who::kGuardian, Rel::kGuardian,
       "view,comment", kOk},
      {"guardian of another pupil", kStudentSupport, Who::kOtherGuardian, Rel::kGuardian, "view",
       Reason::kDeniedNotOwnChild},
      {"pupil as guardian", kStudentSupport, Who::kSubjectPupil, Rel::kGuardian, "view",
       Reason::kDeniedNotGuardian},
      {"manage for a guardian", kStudentSupport, Who::kGuardian, Rel::kGuardian, "view,manage",
       Reason::kDeniedManageOnlyForStaff},
      {"manage for a pupil", kStudentSupport, Who::kSubjectPupil, Rel::kSubjectPupil, "view,manage",
       Reason::kDeniedManageOnlyForStaff},
      {"no rights at all", kTeacherTraining, Who::kStaff, Rel::kSupervisor, "",
       Reason::kDeniedNoRights},
      {"comment without view", kTeacherTraining, Who::kStaff, Rel::kSupervisor, "comment",
       Reason::kDeniedCommentWithoutView},
      {"manage without view (a coordinator who only arranges access)", kStudentSupport, Who::kStaff,
       Rel::kSupportCoordinator, "manage", kOk},
      {"a person who has left", kTeacherTraining, Who::kLeftStaff, Rel::kSupervisor, "view",
       Reason::kDeniedPersonLeft},
  };
  for (const ParticipantCase& c : cases) {
    SCOPED_TRACE(c.description);
    Actor who = makeActor(c.who);
    Check check =
        validateParticipant(recording(c.purpose), entry(who, c.relation, c.rights), who, kToday);
    if (!c.denial) {
      EXPECT_TRUE(check.has_value()) << check.error().toString();
    } else {
      ASSERT_FALSE(check.has_value());
      EXPECT_EQ(reasonName(check.error().reason), reasonName(*c.denial));
      EXPECT_FALSE(check.error().message.empty());
    }
  }
}

TEST(ValidateParticipant, AtMostOneSubjectPupil) {
  RecordingFacts facts = recording(kStudentSupport);
  facts.participants.push_back(Participant{8, Relation::kSubjectPupil, {.view = true}, {}});
  Actor pupil = makeActor(Who::kSubjectPupil);
  pupil.person.id = 8;  // even the same pupil a second time: one entry per person
  Check again =
      validateParticipant(facts, entry(pupil, Relation::kSubjectPupil, "view"), pupil, kToday);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().reason, Reason::kDeniedAlreadyParticipant);

  facts.participants.back().person = 42;  // bad data: someone else holds subject_pupil
  Check second =
      validateParticipant(facts, entry(pupil, Relation::kSubjectPupil, "view"), pupil, kToday);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().reason, Reason::kDeniedSecondSubjectPupil);
  EXPECT_NE(second.error().message.find("one pupil"), std::string::npos);
}

TEST(ValidateParticipant, StudentSupportWithoutSubjectPupil) {
  RecordingFacts facts = recording(kStudentSupport);
  facts.subject.reset();
  Actor guardian = makeActor(Who::kGuardian);
  Check check =
      validateParticipant(facts, entry(guardian, Relation::kGuardian, "view"), guardian, kToday);
  ASSERT_FALSE(check.has_value());
  EXPECT_EQ(check.error().reason, Reason::kDeniedNoSubjectPupil);
}

TEST(ValidateParticipant, UntilDates) {
  Actor staff = makeActor(Who::kStaff);
  Participant p = entry(staff, Relation::kSupervisor, "view");
  p.until = kToday;
  EXPECT_TRUE(validateParticipant(recording(kTeacherTraining), p, staff, kToday))
      << "until today is a grant for today";
  p.until = day("2027-02-28");
  Check past = validateParticipant(recording(kTeacherTraining), p, staff, kToday);
  ASSERT_FALSE(past.has_value());
  EXPECT_EQ(past.error().reason, Reason::kDeniedUntilInPast);
  p.until = day("2031-01-01");
  EXPECT_TRUE(validateParticipant(recording(kTeacherTraining), p, staff, kToday))
      << "an until after the purpose end is harmless";
}

TEST(ValidateParticipant, OwnerDuplicatesAndMismatch) {
  Actor staff = makeActor(Who::kStaff);
  RecordingFacts owned = makeRecording({.tie = Tie::kOwner}, staff.person.id);
  Check owner = validateParticipant(owned, entry(staff, Relation::kTeacher, "view"), staff, kToday);
  ASSERT_FALSE(owner.has_value());
  EXPECT_EQ(owner.error().reason, Reason::kDeniedAlreadyOwner);

  RecordingFacts named = makeRecording({.tie = Tie::kTeacher}, staff.person.id);
  Check dup =
      validateParticipant(named, entry(staff, Relation::kSupervisor, "view"), staff, kToday);
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().reason, Reason::kDeniedAlreadyParticipant);

  Actor other = makeActor(Who::kAdminStaff);
  Check mismatch = validateParticipant(recording(kTeacherTraining),
                                       entry(staff, Relation::kTeacher, "view"), other, kToday);
  ASSERT_FALSE(mismatch.has_value());
  EXPECT_EQ(mismatch.error().reason, Reason::kDeniedParticipantMismatch);
}

TEST(RemoveParticipant, OwnerCannotBeRemoved) {
  RecordingFacts facts = makeRecording({.tie = Tie::kSupervisor}, 1);
  Check owner = checkRemoveParticipant(facts, facts.owner);
  ASSERT_FALSE(owner.has_value());
  EXPECT_EQ(owner.error().reason, Reason::kDeniedCannotRemoveOwner);
  EXPECT_NE(owner.error().message.find("owner"), std::string::npos);
  EXPECT_TRUE(checkRemoveParticipant(facts, 1));
  Check stranger = checkRemoveParticipant(facts, 999);
  ASSERT_FALSE(stranger.has_value());
  EXPECT_EQ(stranger.error().reason, Reason::kDeniedNotNamed);
}

TEST(NewOwner, OnlyStaffWhoHaveNotLeft) {
  RecordingFacts facts = recording(kTeacherTraining);
  EXPECT_TRUE(checkNewOwner(facts, makeActor(Who::kStaff), kToday));
  EXPECT_TRUE(checkNewOwner(facts, makeActor(Who::kAdminStaff), kToday));
  struct Case {
    Who who;
    Reason reason;
  };
  for (Case c : {Case{Who::kGuardian, Reason::kDeniedNotStaff},
                 Case{Who::kPrivacyOfficer, Reason::kDeniedNotStaff},
                 Case{Who::kLeftStaff, Reason::kDeniedPersonLeft}}) {
    Check check = checkNewOwner(facts, makeActor(c.who), kToday);
    ASSERT_FALSE(check.has_value());
    EXPECT_EQ(reasonName(check.error().reason), reasonName(c.reason));
  }
  Actor owner = makeActor(Who::kStaff);
  owner.person.id = facts.owner;
  Check same = checkNewOwner(facts, owner, kToday);
  ASSERT_FALSE(same.has_value());
  EXPECT_EQ(same.error().reason, Reason::kDeniedAlreadyOwner);
}

}  // namespace
}  // namespace acl::testing
