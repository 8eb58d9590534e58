// The access policy: one function, decide(), answers every "may this person do
// this now?" with allowed or denied and a reason code. Deny by default: an
// action is allowed only by a rule below that names it. The order in which the
// rules are tried, and so which reason a request gets when several apply, is in
// acl/POLICY.md.
//
// decide() checks who may act. What an action's input must satisfy is checked
// separately: participants (participants.h), purpose ends (purpose_end.h),
// consultation (consultation.h), titles (name_check.h), consent forms
// (consent.h); erase and a lengthened purpose end need a written reason
// (checkWrittenReason() in purpose_end.h). The caller audits every decision
// (invariant 5).
//
// Pure and thread-safe: no I/O, no clock; `today` is the school-local date of
// the request, taken once from a Clock by the caller.
#pragma once

#include <optional>
#include <string_view>

#include "acl/people.h"
#include "acl/reason.h"
#include "acl/recording.h"

namespace acl {

// clang-format off
#define LV_ACL_ACTIONS(X)                                                          \
  /* recording actions: decide() needs the recording's facts */                   \
  X(kUpload, "upload")                           /* add bytes to an upload */      \
  X(kViewMetadata, "view_metadata")              /* title, description, names */   \
  X(kViewMedia, "view_media")                    /* stream the video, poster */    \
  X(kComment, "comment")                         /* write a comment */             \
  X(kManageParticipants, "manage_participants")  /* add/remove, set until */       \
  X(kChangePurposeEnd, "change_purpose_end")                                       \
  X(kEndPurpose, "end_purpose")                  /* delete now */                  \
  X(kReadRecordingAudit, "read_recording_audit")                                   \
  X(kReadRecordingFacts, "read_recording_facts") /* ids, dates, purpose, status */ \
  X(kTransferOwnership, "transfer_ownership")                                      \
  X(kErase, "erase")                             /* privacy officer ends purpose */ \
  /* actions without a recording */                                               \
  X(kCreateRecording, "create_recording")                                          \
  X(kManageAccounts, "manage_accounts")                                            \
  X(kImportRoster, "import_roster")                                                \
  X(kManageConsent, "manage_consent")                                              \
  X(kReadAudit, "read_audit")                                                      \
  X(kVerifyAudit, "verify_audit")                                                  \
  X(kExportPerson, "export_person")                                                \
  X(kReadRegister, "read_register")
// clang-format on

enum class Action {
#define LV_ACL_ENUMERATOR(enumerator, name) enumerator,
  LV_ACL_ACTIONS(LV_ACL_ENUMERATOR)
#undef LV_ACL_ENUMERATOR
};

std::string_view actionName(Action action);
std::optional<Action> parseAction(std::string_view name);
// Whether decide() needs the recording's facts for `action`.
bool isRecordingAction(Action action);

// May `actor` do `action` on `today`? `recording` is the recording acted on
// for recording actions (denied_no_recording when null) and ignored for the
// others. Never fails: anything not explicitly allowed is denied.
Decision decide(const Actor& actor, Action action, const RecordingFacts* recording, Date today);

}  // namespace acl
