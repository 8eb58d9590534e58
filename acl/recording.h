// What acl knows about a recording: its purpose (R1), purpose end (R5), owner,
// status and named participants with their rights (R4). A snapshot that the
// caller assembles from storage for one request; acl never fetches anything.
//
// Dates are inclusive: a participant whose grant runs "until 2027-01-10" may
// still use it on 2027-01-10, and a recording whose purpose ends on 2027-06-30
// may be viewed on 2027-06-30; the first sweep after that day deletes it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "acl/people.h"
#include "acl/purpose.h"

namespace acl {

enum class Relation {
  kTrainee,
  kSupervisor,
  kTeacherEducator,
  kSupportCoordinator,
  kTeacher,
  kSubjectPupil,  // the pupil a student_support recording is about
  kGuardian,      // a guardian of that pupil
};

// "trainee", "supervisor", "teacher_educator", "support_coordinator",
// "teacher", "subject_pupil", "guardian"
std::string_view relationName(Relation relation);
std::optional<Relation> parseRelation(std::string_view name);
// The five relations only staff can hold (all but subject_pupil and guardian).
bool isStaffRelation(Relation relation);

enum class Right { kView, kComment, kManage };

std::string_view rightName(Right right);  // "view", "comment", "manage"
std::optional<Right> parseRight(std::string_view name);

// A participant's rights. Manage is for staff only (validateParticipant()).
struct Rights {
  bool view = false;
  bool comment = false;
  bool manage = false;

  bool has(Right right) const;
  bool none() const { return !view && !comment && !manage; }
  friend bool operator==(const Rights&, const Rights&) = default;
};

// Comma-separated names in the order view,comment,manage ("" for none), for
// storage's text column. parseRights accepts any order, refuses duplicates,
// unknown names and spaces.
std::string formatRights(const Rights& rights);
std::optional<Rights> parseRights(std::string_view text);

enum class RecordingStatus { kUploading, kProcessing, kReady, kFailed, kDeleting };

// "uploading", "processing", "ready", "failed", "deleting"
std::string_view recordingStatusName(RecordingStatus status);
std::optional<RecordingStatus> parseRecordingStatus(std::string_view name);

struct Participant {
  PersonId person = 0;
  Relation relation = Relation::kTeacher;
  Rights rights;
  std::optional<Date> until;  // last day the grant may be used; none: until the purpose ends
};

// The pupil a student_support recording is about, with what R10 needs on the
// day of the request. consents_to_guardian_access is the pupil's current
// consent in category kGuardianAccessCategory (consent.h), computed by the caller.
struct SubjectPupil {
  PersonId id = 0;
  Date birth_date;
  bool consents_to_guardian_access = false;
};

struct RecordingFacts {
  Purpose purpose = Purpose::kTeacherTraining;
  std::string written_purpose;
  Date purpose_end;  // inclusive
  Date created_on;
  PersonId owner = 0;  // always holds every right; never listed in participants
  RecordingStatus status = RecordingStatus::kUploading;
  std::vector<Participant> participants;  // at most one entry per person
  std::optional<SubjectPupil> subject;    // student_support only
};

// Whether the purpose has ended on `today` (today is after purpose_end).
bool purposeEnded(const RecordingFacts& recording, Date today);

// The participant entry for `person`, or null. The owner has none.
const Participant* findParticipant(const RecordingFacts& recording, PersonId person);

// Whether a grant is usable on `today` (no until, or today <= until).
bool grantValid(const Participant& participant, Date today);

}  // namespace acl
