// What a named participant's relation adds to the policy once their right and
// grant are in order: staff relations need the staff role, subject_pupil and
// guardian only exist on student_support recordings, and the guardian rule
// (R10): a guardian views only their own child's recording, and from the
// child's 16th birthday on only with the pupil's recorded consent.
#pragma once

#include "acl/people.h"
#include "acl/reason.h"
#include "acl/recording.h"

namespace acl {

// The age from which a guardian needs the pupil's consent (R10). At 18
// nothing changes: the consent rule simply continues.
inline constexpr int kGuardianConsentAge = 16;

// allowed_participant, allowed_guardian_with_consent, or the denial for
// `participant` (the actor's own entry in `recording`) on `today`.
Reason relationAccess(const Actor& actor, const Participant& participant,
                      const RecordingFacts& recording, Date today);

// The guardian rule alone: may a guardian of the subject pupil see it today?
// allowed_participant under 16, allowed_guardian_with_consent from 16 with
// consent, denied_guardian_child_16_without_consent otherwise.
Reason guardianAccess(const SubjectPupil& pupil, Date today);

}  // namespace acl
