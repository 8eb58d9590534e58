#include "tests/acl/world.h"

#include <string>

#include <gtest/gtest.h>

namespace acl::testing {
namespace {

constexpr PersonId kSomeoneElse = 100;

Person person(PersonId id, std::string name, std::vector<Role> roles) {
  return Person{id, std::move(name), std::move(roles), std::nullopt, std::nullopt};
}

std::optional<Relation> relationOf(Tie tie) {
  switch (tie) {
    case Tie::kTrainee:
      return Relation::kTrainee;
    case Tie::kSupervisor:
      return Relation::kSupervisor;
    case Tie::kTeacherEducator:
      return Relation::kTeacherEducator;
    case Tie::kSupportCoordinator:
      return Relation::kSupportCoordinator;
    case Tie::kTeacher:
      return Relation::kTeacher;
    case Tie::kSubjectPupil:
      return Relation::kSubjectPupil;
    case Tie::kGuardian:
      return Relation::kGuardian;
    case Tie::kNone:
    case Tie::kOwner:
      break;
  }
  return std::nullopt;
}

}  // namespace

Date day(std::string_view text) {
  auto date = parseDate(text);
  EXPECT_TRUE(date.has_value()) << "bad date in test: " << text;
  return date.value_or(Date{std::chrono::year(1970), std::chrono::January, std::chrono::day(1)});
}

Actor makeActor(Who who) {
  switch (who) {
    case Who::kStaff:
      return {person(1, "Staff", {Role::kStaff}), {}};
    case Who::kAdmin:
      return {person(2, "Admin", {Role::kAdmin}), {}};
    case Who::kPrivacyOfficer:
      return {person(3, "Officer", {Role::kPrivacyOfficer}), {}};
    case Who::kStaffPrivacyOfficer:
      return {person(4, "Teacher-officer", {Role::kStaff, Role::kPrivacyOfficer}), {}};
    case Who::kAdminStaff:
      return {person(5, "Teacher-admin", {Role::kAdmin, Role::kStaff}), {}};
    case Who::kGuardian:
      return {person(6, "Parent", {Role::kGuardian}), {8}};
    case Who::kOtherGuardian:
      return {person(7, "Other parent", {Role::kGuardian}), {9}};
    case Who::kSubjectPupil:
      return {person(8, "Pupil", {Role::kPupil}), {}};
    case Who::kOtherPupil:
      return {person(9, "Other pupil", {Role::kPupil}), {}};
    case Who::kLeftStaff: {
      Actor actor{person(10, "Former teacher", {Role::kStaff}), {}};
      actor.person.left_on = day("2027-01-31");
      return actor;
    }
    case Who::kNoRoles:
      return {person(11, "Nobody", {}), {}};
  }
  return {};
}

RecordingFacts makeRecording(const Rec& rec, PersonId actor) {
  RecordingFacts facts;
  facts.purpose = rec.purpose;
  facts.written_purpose = "feedback on classroom management";
  facts.purpose_end = day(rec.end);
  facts.created_on = day("2027-01-04");
  facts.owner = rec.tie == Tie::kOwner ? actor : kSomeoneElse;
  facts.status = rec.status;
  if (rec.purpose == kStudentSupport) {
    facts.subject = SubjectPupil{8, day(rec.birth), rec.consent};
  }
  // Someone else is always named too, so "not named" never means "empty list".
  facts.participants.push_back(
      Participant{200, Relation::kTeacher, Rights{.view = true}, std::nullopt});
  if (auto relation = relationOf(rec.tie)) {
    auto rights = parseRights(rec.rights);
    EXPECT_TRUE(rights.has_value()) << "bad rights in test: " << rec.rights;
    Participant self{actor, *relation, rights.value_or(Rights{}), std::nullopt};
    if (*rec.until != '\0') self.until = day(rec.until);
    facts.participants.push_back(self);
  }
  return facts;
}

void runTable(std::span<const Row> rows) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    SCOPED_TRACE(::testing::Message()
                 << "row " << i << " [" << row.rule << "] " << row.description);
    Actor actor = makeActor(row.who);
    RecordingFacts facts = makeRecording(row.rec, actor.person.id);
    Decision decision =
        decide(actor, row.action, row.rec.exists ? &facts : nullptr, day(row.today));
    EXPECT_EQ(decision.allowed(), row.allowed);
    EXPECT_EQ(reasonName(decision.reason), reasonName(row.reason));
  }
}

}  // namespace acl::testing
