// A small school for the acl tests: who is who, and a recording built from a
// one-line description, so that each decision-table row reads on its own.
#pragma once

#include <span>
#include <string_view>

#include "acl/policy.h"

namespace acl::testing {

// Everyone the tables use. Ids are fixed so failures are easy to read.
enum class Who {
  kStaff,                // id 1: a teacher / trainee
  kAdmin,                // id 2
  kPrivacyOfficer,       // id 3
  kStaffPrivacyOfficer,  // id 4: a teacher who is also the privacy officer
  kAdminStaff,           // id 5: a teacher who also administers accounts
  kGuardian,             // id 6: guardian of the subject pupil (id 8)
  kOtherGuardian,        // id 7: guardian of another pupil (id 9)
  kSubjectPupil,         // id 8: the pupil a student_support recording is about
  kOtherPupil,           // id 9
  kLeftStaff,            // id 10: staff who left on 2027-01-31 (last day)
  kNoRoles,              // id 11: an account whose roles were all taken away
};

Actor makeActor(Who who);

// How the actor is tied to the recording: not at all, as owner, or named
// with a relation.
enum class Tie {
  kNone,
  kOwner,
  kTrainee,
  kSupervisor,
  kTeacherEducator,
  kSupportCoordinator,
  kTeacher,
  kSubjectPupil,
  kGuardian,
};

inline constexpr Purpose kTeacherTraining = Purpose::kTeacherTraining;
inline constexpr Purpose kStudentSupport = Purpose::kStudentSupport;
inline constexpr RecordingStatus kUploading = RecordingStatus::kUploading;
inline constexpr RecordingStatus kProcessing = RecordingStatus::kProcessing;
inline constexpr RecordingStatus kReady = RecordingStatus::kReady;
inline constexpr RecordingStatus kFailed = RecordingStatus::kFailed;
inline constexpr RecordingStatus kDeleting = RecordingStatus::kDeleting;

// A recording as one struct literal. Created 2027-01-04, owned by someone
// else (id 100) unless tie is kOwner. student_support recordings are about
// pupil 8, born `birth`, whose guardian-access consent is `consent`.
struct Rec {
  Purpose purpose = kStudentSupport;
  Tie tie = Tie::kNone;
  const char* rights = "view";  // formatRights() text of the actor's entry
  RecordingStatus status = kReady;
  const char* until = "";          // the actor's grant; "" for none
  const char* end = "2027-06-30";  // purpose end
  const char* birth = "2011-05-20";
  bool consent = false;
  bool exists = true;  // false: decide() gets a null recording
};

RecordingFacts makeRecording(const Rec& rec, PersonId actor);

// One row of a decision table.
struct Row {
  const char* description;
  Who who;
  Action action;
  Rec rec;
  const char* today;
  bool allowed;
  Reason reason;
  const char* rule;  // the school rule(s) the row checks: R4, R8, R10 ...
};

// Runs decide() for every row under SCOPED_TRACE and checks both columns.
void runTable(std::span<const Row> rows);

// Parses "YYYY-MM-DD"; fails the test (and returns 1970-01-01) when malformed.
Date day(std::string_view text);

// The tables of the two decision-table files, for the coverage test.
std::span<const Row> contentRows();
std::span<const Row> otherRows();

}  // namespace acl::testing
