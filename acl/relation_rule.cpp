#include "acl/relation_rule.h"

#include "acl/age.h"

namespace acl {

Reason guardianAccess(const SubjectPupil& pupil, Date today) {
  if (ageOn(pupil.birth_date, today) < kGuardianConsentAge) return Reason::kAllowedParticipant;
  // From the 16th birthday the rights are the pupil's (R10); a recording is not
  // a learning result, so nothing else opens at 16 and nothing changes at 18.
  if (pupil.consents_to_guardian_access) return Reason::kAllowedGuardianWithConsent;
  return Reason::kDeniedGuardianChild16WithoutConsent;
}

Reason relationAccess(const Actor& actor, const Participant& participant,
                      const RecordingFacts& recording, Date today) {
  if (isStaffRelation(participant.relation)) {
    // A named teacher who is no longer staff (their role was taken away) loses access.
    return hasRole(actor.person, Role::kStaff) ? Reason::kAllowedParticipant
                                               : Reason::kDeniedNotStaff;
  }
  // Stored facts should never hold these, but the policy does not trust that.
  if (recording.purpose != Purpose::kStudentSupport) {
    return Reason::kDeniedWrongPurposeForRelation;
  }
  if (participant.relation == Relation::kSubjectPupil) {
    bool is_subject = recording.subject && recording.subject->id == actor.person.id;
    return is_subject ? Reason::kAllowedParticipant : Reason::kDeniedNotSubjectPupil;
  }
  // Relation::kGuardian: only of the pupil the recording is about, checked
  // against today's guardianships, not those at the time of naming.
  if (!recording.subject || !isGuardianOf(actor, recording.subject->id)) {
    return Reason::kDeniedNotOwnChild;
  }
  return guardianAccess(*recording.subject, today);
}

}  // namespace acl
