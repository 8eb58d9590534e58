#include "acl/policy.h"

#include <array>
#include <utility>

#include "acl/relation_rule.h"

namespace acl {
namespace {

constexpr std::array kActions = {
#define LV_ACL_ENTRY(enumerator, name) std::pair{Action::enumerator, std::string_view(name)},
    LV_ACL_ACTIONS(LV_ACL_ENTRY)
#undef LV_ACL_ENTRY
};

Decision allow(Reason reason) { return Decision{reason}; }
Decision refuse(Reason reason) { return Decision{reason}; }

bool isAdmin(const Actor& actor) { return hasRole(actor.person, Role::kAdmin); }
bool isPrivacyOfficer(const Actor& actor) { return hasRole(actor.person, Role::kPrivacyOfficer); }
bool isStaff(const Actor& actor) { return hasRole(actor.person, Role::kStaff); }
bool isOwner(const Actor& actor, const RecordingFacts& recording) {
  return actor.person.id == recording.owner;
}

// The denial for someone with no entry in the recording. Admin and privacy
// officer get their own reason, so the audit shows that the role was tried.
Decision notNamed(const Actor& actor) {
  if (isAdmin(actor) || isPrivacyOfficer(actor)) return refuse(Reason::kDeniedRoleSeesNoContent);
  return refuse(Reason::kDeniedNotNamed);
}

// Actions that touch no recording (R8 for create_recording; admin and
// privacy officer duties from DESIGN.md "People, purposes and access").
Decision decideSchoolAction(const Actor& actor, Action action) {
  switch (action) {
    case Action::kCreateRecording:
      return isStaff(actor) ? allow(Reason::kAllowedStaff) : refuse(Reason::kDeniedNotStaff);
    case Action::kManageAccounts:
    case Action::kImportRoster:
      return isAdmin(actor) ? allow(Reason::kAllowedAdmin) : refuse(Reason::kDeniedNotAdmin);
    case Action::kManageConsent:
    case Action::kVerifyAudit:
      // Verification reveals only intact or broken; consent forms are
      // administration. Both roles do these.
      if (isPrivacyOfficer(actor)) return allow(Reason::kAllowedPrivacyOfficer);
      if (isAdmin(actor)) return allow(Reason::kAllowedAdmin);
      return refuse(Reason::kDeniedNotAdminOrPrivacyOfficer);
    case Action::kReadAudit:
    case Action::kExportPerson:
    case Action::kReadRegister:
      return isPrivacyOfficer(actor) ? allow(Reason::kAllowedPrivacyOfficer)
                                     : refuse(Reason::kDeniedNotPrivacyOfficer);
    default:
      return refuse(Reason::kDeniedByDefault);
  }
}

// R8: only staff upload, and only into their own recording while it is
// still receiving bytes.
Decision decideUpload(const Actor& actor, const RecordingFacts& recording, Date today) {
  if (!isStaff(actor)) return refuse(Reason::kDeniedNotStaff);
  if (!isOwner(actor, recording)) return refuse(Reason::kDeniedNotOwner);
  if (recording.status == RecordingStatus::kDeleting) return refuse(Reason::kDeniedBeingDeleted);
  if (purposeEnded(recording, today)) return refuse(Reason::kDeniedPurposeEnded);
  if (recording.status != RecordingStatus::kUploading) return refuse(Reason::kDeniedNotUploading);
  return allow(Reason::kAllowedOwner);
}

// R4, R5, R10: view_metadata, view_media and comment.
Decision decideContent(const Actor& actor, Action action, const RecordingFacts& recording,
                       Date today) {
  if (recording.status == RecordingStatus::kDeleting) return refuse(Reason::kDeniedBeingDeleted);
  if (purposeEnded(recording, today)) return refuse(Reason::kDeniedPurposeEnded);
  bool ready = recording.status == RecordingStatus::kReady;
  if (isOwner(actor, recording)) {
    // The owner follows an upload through processing and failure in the
    // library, but sees and comments on the media only once it is ready.
    if (action == Action::kViewMetadata || ready) return allow(Reason::kAllowedOwner);
    return refuse(Reason::kDeniedNotReady);
  }
  const Participant* self = findParticipant(recording, actor.person.id);
  if (self == nullptr) return notNamed(actor);
  if (action == Action::kComment ? !self->rights.comment : !self->rights.view) {
    return refuse(action == Action::kComment ? Reason::kDeniedNoCommentRight
                                             : Reason::kDeniedNoViewRight);
  }
  if (!grantValid(*self, today)) return refuse(Reason::kDeniedGrantExpired);
  Reason relation = relationAccess(actor, *self, recording, today);
  if (!isAllowedReason(relation)) return refuse(relation);
  if (!ready) return refuse(Reason::kDeniedNotReady);
  return allow(relation);
}

// manage_participants, change_purpose_end, end_purpose: the owner, and named
// staff holding manage with a valid grant.
Decision decideManagement(const Actor& actor, Action action, const RecordingFacts& recording,
                          Date today) {
  // Ending a purpose stays possible when it is already over or on its way
  // out, so a repeated request succeeds (deletion is idempotent).
  if (action != Action::kEndPurpose) {
    if (recording.status == RecordingStatus::kDeleting) return refuse(Reason::kDeniedBeingDeleted);
    if (purposeEnded(recording, today)) return refuse(Reason::kDeniedPurposeEnded);
  }
  if (isOwner(actor, recording)) return allow(Reason::kAllowedOwner);
  const Participant* self = findParticipant(recording, actor.person.id);
  if (self == nullptr) return notNamed(actor);
  if (!self->rights.manage) return refuse(Reason::kDeniedNoManageRight);
  if (!grantValid(*self, today)) return refuse(Reason::kDeniedGrantExpired);
  if (!isStaff(actor)) return refuse(Reason::kDeniedNotStaff);
  return allow(Reason::kAllowedParticipant);
}

// The privacy officer's recording duties, and what the owner may see of them.
Decision decideOversight(const Actor& actor, Action action, const RecordingFacts& recording) {
  bool officer = isPrivacyOfficer(actor);
  switch (action) {
    case Action::kReadRecordingAudit:
    case Action::kReadRecordingFacts:
      if (officer) return allow(Reason::kAllowedPrivacyOfficer);
      if (isOwner(actor, recording)) return allow(Reason::kAllowedOwner);
      return refuse(action == Action::kReadRecordingAudit ? Reason::kDeniedNotOwner
                                                          : Reason::kDeniedNotPrivacyOfficer);
    case Action::kTransferOwnership:
      if (!officer) return refuse(Reason::kDeniedNotPrivacyOfficer);
      if (recording.status == RecordingStatus::kDeleting) {
        return refuse(Reason::kDeniedBeingDeleted);
      }
      return allow(Reason::kAllowedPrivacyOfficer);
    case Action::kErase:
      // Any recording, in any state, ended or not (R14).
      return officer ? allow(Reason::kAllowedPrivacyOfficer)
                     : refuse(Reason::kDeniedNotPrivacyOfficer);
    default:
      return refuse(Reason::kDeniedByDefault);
  }
}

Decision decideRecordingAction(const Actor& actor, Action action, const RecordingFacts& recording,
                               Date today) {
  switch (action) {
    case Action::kUpload:
      return decideUpload(actor, recording, today);
    case Action::kViewMetadata:
    case Action::kViewMedia:
    case Action::kComment:
      return decideContent(actor, action, recording, today);
    case Action::kManageParticipants:
    case Action::kChangePurposeEnd:
    case Action::kEndPurpose:
      return decideManagement(actor, action, recording, today);
    case Action::kReadRecordingAudit:
    case Action::kReadRecordingFacts:
    case Action::kTransferOwnership:
    case Action::kErase:
      return decideOversight(actor, action, recording);
    default:
      return refuse(Reason::kDeniedByDefault);
  }
}

}  // namespace

std::string_view actionName(Action action) {
  for (const auto& [value, name] : kActions) {
    if (value == action) return name;
  }
  return "";
}

std::optional<Action> parseAction(std::string_view name) {
  for (const auto& [value, known] : kActions) {
    if (known == name) return value;
  }
  return std::nullopt;
}

bool isRecordingAction(Action action) {
  switch (action) {
    case Action::kUpload:
    case Action::kViewMetadata:
    case Action::kViewMedia:
    case Action::kComment:
    case Action::kManageParticipants:
    case Action::kChangePurposeEnd:
    case Action::kEndPurpose:
    case Action::kReadRecordingAudit:
    case Action::kReadRecordingFacts:
    case Action::kTransferOwnership:
    case Action::kErase:
      return true;
    default:
      return false;
  }
}

Decision decide(const Actor& actor, Action action, const RecordingFacts* recording, Date today) {
  // Someone who has left the school may do nothing, whatever their roles say.
  if (hasLeft(actor.person, today)) return refuse(Reason::kDeniedPersonLeft);
  if (!isRecordingAction(action)) return decideSchoolAction(actor, action);
  if (recording == nullptr) return refuse(Reason::kDeniedNoRecording);
  return decideRecordingAction(actor, action, *recording, today);
}

}  // namespace acl
