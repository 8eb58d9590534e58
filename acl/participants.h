// Who may be named on a recording, with which relation and rights (R4), and
// who may become its owner. decide(manage_participants) says whether the
// requester may change the list; these say whether the change itself is valid.
//
// teacher_training recordings name staff only; student_support recordings may
// also name their subject pupil (at most one) and guardians of that pupil.
// Manage is for staff only. Each person has at most one entry, and the owner
// none (the owner implicitly holds every right and cannot be removed).
#pragma once

#include "acl/people.h"
#include "acl/reason.h"
#include "acl/recording.h"

namespace acl {

// Whether `participant` may be added to `recording` on `today`. `person` is the
// person it names (with their current roles and guardianships). To change an
// entry, pass facts without the old entry. Reasons, in the order tried:
// denied_participant_mismatch (ids differ), denied_person_left,
// denied_already_owner, denied_already_participant, denied_no_rights,
// denied_comment_without_view (comments are made while watching),
// denied_manage_only_for_staff, denied_until_in_past (an until of today is
// fine), then for the relation: denied_not_staff (staff relations),
// denied_wrong_purpose_for_relation (subject_pupil or guardian on
// teacher_training), denied_not_pupil, denied_second_subject_pupil,
// denied_no_subject_pupil, denied_not_subject_pupil, denied_not_guardian,
// denied_not_own_child. An until after the purpose end is accepted: the
// purpose end limits every grant anyway.
Check validateParticipant(const RecordingFacts& recording, const Participant& participant,
                          const Actor& person, Date today);

// Whether `person` may be removed: denied_cannot_remove_owner for the owner,
// denied_not_named when they have no entry.
Check checkRemoveParticipant(const RecordingFacts& recording, PersonId person);

// Whether `new_owner` may take over `recording` (transfer_ownership, by the
// privacy officer): denied_person_left, denied_already_owner, denied_not_staff.
// On success the caller removes the new owner's participant entry, if any,
// and decides whether the old owner stays as a participant; both audited.
Check checkNewOwner(const RecordingFacts& recording, const Actor& new_owner, Date today);

}  // namespace acl
