#include "acl/participants.h"

#include <algorithm>

namespace acl {
namespace {

// What every entry must satisfy, whatever its relation.
Check checkEntry(const RecordingFacts& recording, const Participant& participant,
                 const Actor& person, Date today) {
  if (participant.person != person.person.id) {
    return deny(Reason::kDeniedParticipantMismatch, "the entry names a different person");
  }
  if (hasLeft(person.person, today)) {
    return deny(Reason::kDeniedPersonLeft, "this person no longer belongs to the school");
  }
  if (participant.person == recording.owner) {
    return deny(Reason::kDeniedAlreadyOwner, "the owner already holds every right");
  }
  if (findParticipant(recording, participant.person) != nullptr) {
    return deny(Reason::kDeniedAlreadyParticipant, "this person is already named");
  }
  const Rights& rights = participant.rights;
  if (rights.none()) return deny(Reason::kDeniedNoRights, "give at least one right");
  if (rights.comment && !rights.view) {
    return deny(Reason::kDeniedCommentWithoutView, "the comment right needs the view right");
  }
  if (rights.manage && !hasRole(person.person, Role::kStaff)) {
    return deny(Reason::kDeniedManageOnlyForStaff, "only staff can hold the manage right");
  }
  if (participant.until && *participant.until < today) {
    return deny(Reason::kDeniedUntilInPast, "the until date is in the past");
  }
  return {};
}

Check checkSubjectPupil(const RecordingFacts& recording, const Actor& person) {
  if (!hasRole(person.person, Role::kPupil)) {
    return deny(Reason::kDeniedNotPupil, "subject_pupil is for a pupil");
  }
  bool has_one = std::ranges::any_of(recording.participants, [](const Participant& p) {
    return p.relation == Relation::kSubjectPupil;
  });
  if (has_one) {
    return deny(Reason::kDeniedSecondSubjectPupil, "a recording is about one pupil at most");
  }
  if (!recording.subject) {
    return deny(Reason::kDeniedNoSubjectPupil, "the recording has no subject pupil");
  }
  if (recording.subject->id != person.person.id) {
    return deny(Reason::kDeniedNotSubjectPupil, "this pupil is not the recording's subject");
  }
  return {};
}

Check checkGuardian(const RecordingFacts& recording, const Actor& person) {
  if (!hasRole(person.person, Role::kGuardian)) {
    return deny(Reason::kDeniedNotGuardian, "the guardian relation is for a guardian");
  }
  if (!recording.subject) {
    return deny(Reason::kDeniedNoSubjectPupil, "the recording has no subject pupil");
  }
  if (!isGuardianOf(person, recording.subject->id)) {
    return deny(Reason::kDeniedNotOwnChild,
                "this person is not a guardian of the recording's subject pupil");
  }
  return {};
}

}  // namespace

Check validateParticipant(const RecordingFacts& recording, const Participant& participant,
                          const Actor& person, Date today) {
  if (Check entry = checkEntry(recording, participant, person, today); !entry) return entry;
  if (isStaffRelation(participant.relation)) {
    if (hasRole(person.person, Role::kStaff)) return {};
    return deny(Reason::kDeniedNotStaff, "this relation is for staff");
  }
  if (recording.purpose != Purpose::kStudentSupport) {
    return deny(Reason::kDeniedWrongPurposeForRelation,
                "teacher_training recordings name staff only");
  }
  if (participant.relation == Relation::kSubjectPupil) return checkSubjectPupil(recording, person);
  return checkGuardian(recording, person);
}

Check checkRemoveParticipant(const RecordingFacts& recording, PersonId person) {
  if (person == recording.owner) {
    return deny(Reason::kDeniedCannotRemoveOwner, "the owner cannot be removed");
  }
  if (findParticipant(recording, person) == nullptr) {
    return deny(Reason::kDeniedNotNamed, "this person is not named on the recording");
  }
  return {};
}

Check checkNewOwner(const RecordingFacts& recording, const Actor& new_owner, Date today) {
  if (hasLeft(new_owner.person, today)) {
    return deny(Reason::kDeniedPersonLeft, "this person no longer belongs to the school");
  }
  if (new_owner.person.id == recording.owner) {
    return deny(Reason::kDeniedAlreadyOwner, "this person already owns the recording");
  }
  if (!hasRole(new_owner.person, Role::kStaff)) {
    return deny(Reason::kDeniedNotStaff, "only staff can own a recording");
  }
  return {};
}

}  // namespace acl
