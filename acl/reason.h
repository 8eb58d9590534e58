// acl::Reason — why the policy allowed or denied something — and the two ways
// acl returns it: a Decision (from decide()) and a Denial (from the checks).
//
// Reason names are stable snake_case text: storage writes them into audit
// entries and server maps them to HTTP in one place, so never rename one; add
// new ones at the end of their group. Every name starts with "allowed_" or
// "denied_", and Decision::allowed() is derived from that, so a decision can
// never say "allowed" with a denial's reason.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace acl {

// clang-format off
// X(enumerator, name). Grouped by the function that returns them.
#define LV_ACL_REASONS(X)                                                      \
  /* decide(): allowed */                                                      \
  X(kAllowedOwner, "allowed_owner")                                            \
  X(kAllowedParticipant, "allowed_participant")                                \
  X(kAllowedGuardianWithConsent, "allowed_guardian_with_consent")              \
  X(kAllowedStaff, "allowed_staff")                                            \
  X(kAllowedAdmin, "allowed_admin")                                            \
  X(kAllowedPrivacyOfficer, "allowed_privacy_officer")                         \
  /* decide(): denied */                                                       \
  X(kDeniedByDefault, "denied_by_default")                                     \
  X(kDeniedPersonLeft, "denied_person_left")                                   \
  X(kDeniedNoRecording, "denied_no_recording")                                 \
  X(kDeniedNotStaff, "denied_not_staff")                                       \
  X(kDeniedNotOwner, "denied_not_owner")                                       \
  X(kDeniedNotNamed, "denied_not_named")                                       \
  X(kDeniedNoViewRight, "denied_no_view_right")                                \
  X(kDeniedNoCommentRight, "denied_no_comment_right")                          \
  X(kDeniedNoManageRight, "denied_no_manage_right")                            \
  X(kDeniedGrantExpired, "denied_grant_expired")                               \
  X(kDeniedNotReady, "denied_not_ready")                                       \
  X(kDeniedNotUploading, "denied_not_uploading")                               \
  X(kDeniedBeingDeleted, "denied_being_deleted")                               \
  X(kDeniedPurposeEnded, "denied_purpose_ended")                               \
  X(kDeniedRoleSeesNoContent, "denied_role_sees_no_content")                   \
  X(kDeniedWrongPurposeForRelation, "denied_wrong_purpose_for_relation")       \
  X(kDeniedNotOwnChild, "denied_not_own_child")                                \
  X(kDeniedNotSubjectPupil, "denied_not_subject_pupil")                        \
  X(kDeniedGuardianChild16WithoutConsent, "denied_guardian_child_16_without_consent") \
  X(kDeniedNotAdmin, "denied_not_admin")                                       \
  X(kDeniedNotPrivacyOfficer, "denied_not_privacy_officer")                    \
  X(kDeniedNotAdminOrPrivacyOfficer, "denied_not_admin_or_privacy_officer")    \
  /* validateParticipant(), checkRemoveParticipant(), checkNewOwner() */       \
  X(kDeniedParticipantMismatch, "denied_participant_mismatch")                 \
  X(kDeniedNoRights, "denied_no_rights")                                       \
  X(kDeniedCommentWithoutView, "denied_comment_without_view")                  \
  X(kDeniedManageOnlyForStaff, "denied_manage_only_for_staff")                 \
  X(kDeniedUntilInPast, "denied_until_in_past")                                \
  X(kDeniedNotPupil, "denied_not_pupil")                                       \
  X(kDeniedNotGuardian, "denied_not_guardian")                                 \
  X(kDeniedNoSubjectPupil, "denied_no_subject_pupil")                          \
  X(kDeniedSecondSubjectPupil, "denied_second_subject_pupil")                  \
  X(kDeniedAlreadyOwner, "denied_already_owner")                               \
  X(kDeniedAlreadyParticipant, "denied_already_participant")                   \
  X(kDeniedCannotRemoveOwner, "denied_cannot_remove_owner")                    \
  /* checkWrittenPurpose(), checkPurposeEnd(), checkPurposeEndChange() */      \
  X(kDeniedWrittenPurposeMissing, "denied_written_purpose_missing")            \
  X(kDeniedPurposeEndMissing, "denied_purpose_end_missing")                    \
  X(kDeniedPurposeEndInPast, "denied_purpose_end_in_past")                     \
  X(kDeniedPurposeEndBeyondCap, "denied_purpose_end_beyond_cap")               \
  X(kDeniedReasonRequired, "denied_reason_required")                           \
  /* checkConsultation() */                                                    \
  X(kDeniedConsultationMissing, "denied_consultation_missing")                 \
  X(kDeniedConsultationInFuture, "denied_consultation_in_future")              \
  X(kDeniedConsultationWithoutTrainee, "denied_consultation_without_trainee")  \
  X(kDeniedConsultationWithoutPupil, "denied_consultation_without_pupil")      \
  X(kDeniedConsultationWithoutGuardian, "denied_consultation_without_guardian") \
  /* acceptNameCheck() */                                                      \
  X(kDeniedPupilName, "denied_pupil_name")                                     \
  X(kDeniedNameNeedsConfirmation, "denied_name_needs_confirmation")            \
  /* checkConsentForm(), checkConsentConfig() */                               \
  X(kDeniedUnknownConsentCategory, "denied_unknown_consent_category")          \
  X(kDeniedConsentFormInFuture, "denied_consent_form_in_future")               \
  X(kDeniedBadConsentConfig, "denied_bad_consent_config")
// clang-format on

enum class Reason {
#define LV_ACL_ENUMERATOR(enumerator, name) enumerator,
  LV_ACL_REASONS(LV_ACL_ENUMERATOR)
#undef LV_ACL_ENUMERATOR
};

std::string_view reasonName(Reason reason);
std::optional<Reason> parseReason(std::string_view name);
// True for the allowed_* reasons.
bool isAllowedReason(Reason reason);

// The answer of decide(). Which of allowed/denied follows from the reason.
struct Decision {
  Reason reason;

  bool allowed() const { return isAllowedReason(reason); }
  friend bool operator==(const Decision&, const Decision&) = default;
};

// The error of every acl check. The message is for the person who made the
// request (English; server may translate by reason) and never names anyone
// the requester did not name themselves.
struct Denial {
  Reason reason;
  std::string message;

  // "denied_pupil_name: ..."
  std::string toString() const;
};

// What the acl checks return: nothing on success, a Denial otherwise.
using Check = std::expected<void, Denial>;

inline std::unexpected<Denial> deny(Reason reason, std::string message) {
  return std::unexpected(Denial{reason, std::move(message)});
}

}  // namespace acl
