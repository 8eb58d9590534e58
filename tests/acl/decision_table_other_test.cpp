// Decision table, part 2: creating and uploading (R8), managing a recording
// (R4, R5, R14), the privacy officer's oversight (R9, R14, R15) and the
// actions without a recording. Columns and defaults as in part 1 (world.h).
#include <set>

#include <gtest/gtest.h>

#include "tests/acl/world.h"

namespace acl::testing {
namespace {

using A = Action;
using R = Reason;
constexpr bool kAllow = true;
constexpr bool kDeny = false;
constexpr const char* kMid = "2027-03-01";
constexpr Rec kNone{.exists = false};

// clang-format off
const Row kOtherRows[] = {
    // --- create_recording (R8, R3: never waits for consent) ---
    {"staff creates", Who::kStaff, A::kCreateRecording, kNone, kMid, kAllow, R::kAllowedStaff,
     "R8 R3"},
    {"admin cannot create", Who::kAdmin, A::kCreateRecording, kNone, kMid, kDeny,
     R::kDeniedNotStaff, "R8"},
    {"privacy officer cannot create", Who::kPrivacyOfficer, A::kCreateRecording, kNone, kMid,
     kDeny, R::kDeniedNotStaff, "R8"},
    {"guardian cannot create", Who::kGuardian, A::kCreateRecording, kNone, kMid, kDeny,
     R::kDeniedNotStaff, "R8"},
    {"pupil cannot create", Who::kSubjectPupil, A::kCreateRecording, kNone, kMid, kDeny,
     R::kDeniedNotStaff, "R8"},
    {"admin who is also staff creates", Who::kAdminStaff, A::kCreateRecording, kNone, kMid,
     kAllow, R::kAllowedStaff, "R8"},
    {"account without roles cannot create", Who::kNoRoles, A::kCreateRecording, kNone, kMid,
     kDeny, R::kDeniedNotStaff, "R8"},
    {"staff who left cannot create", Who::kLeftStaff, A::kCreateRecording, kNone, "2027-02-01",
     kDeny, R::kDeniedPersonLeft, "R8 R19"},
    {"staff on their last day creates", Who::kLeftStaff, A::kCreateRecording, kNone,
     "2027-01-31", kAllow, R::kAllowedStaff, "R8"},

    // --- upload (R8) ---
    {"owner uploads", Who::kStaff, A::kUpload, {.tie = Tie::kOwner, .status = kUploading},
     kMid, kAllow, R::kAllowedOwner, "R8"},
    {"owner uploads into a ready recording", Who::kStaff, A::kUpload, {.tie = Tie::kOwner},
     kMid, kDeny, R::kDeniedNotUploading, "R8"},
    {"named staff with manage uploads into someone else's recording", Who::kStaff, A::kUpload,
     {.tie = Tie::kSupervisor, .rights = "view,manage", .status = kUploading}, kMid, kDeny,
     R::kDeniedNotOwner, "R8"},
    {"pupil uploads", Who::kSubjectPupil, A::kUpload,
     {.tie = Tie::kSubjectPupil, .status = kUploading}, kMid, kDeny, R::kDeniedNotStaff, "R8"},
    {"guardian uploads", Who::kGuardian, A::kUpload,
     {.tie = Tie::kGuardian, .status = kUploading}, kMid, kDeny, R::kDeniedNotStaff, "R8"},
    {"admin uploads", Who::kAdmin, A::kUpload, {.status = kUploading}, kMid, kDeny,
     R::kDeniedNotStaff, "R8"},
    {"owner uploads after the purpose end", Who::kStaff, A::kUpload,
     {.tie = Tie::kOwner, .status = kUploading}, "2027-07-01", kDeny, R::kDeniedPurposeEnded,
     "R5"},
    {"owner uploads into a recording being deleted", Who::kStaff, A::kUpload,
     {.tie = Tie::kOwner, .status = kDeleting}, kMid, kDeny, R::kDeniedBeingDeleted, "R5"},
    {"upload without a recording", Who::kStaff, A::kUpload, kNone, kMid, kDeny,
     R::kDeniedNoRecording, "invariant 2"},

    // --- manage_participants, change_purpose_end, end_purpose (R4, R5, R14) ---
    {"owner manages participants", Who::kStaff, A::kManageParticipants, {.tie = Tie::kOwner},
     kMid, kAllow, R::kAllowedOwner, "R4"},
    {"owner manages participants while processing", Who::kStaff, A::kManageParticipants,
     {.tie = Tie::kOwner, .status = kProcessing}, kMid, kAllow, R::kAllowedOwner, "R4"},
    {"named staff with manage", Who::kStaff, A::kManageParticipants,
     {.tie = Tie::kSupportCoordinator, .rights = "view,manage"}, kMid, kAllow,
     R::kAllowedParticipant, "R4"},
    {"named staff with view only", Who::kStaff, A::kManageParticipants,
     {.tie = Tie::kSupervisor}, kMid, kDeny, R::kDeniedNoManageRight, "R4"},
    {"named staff with manage, grant expired", Who::kStaff, A::kManageParticipants,
     {.tie = Tie::kSupervisor, .rights = "view,manage", .until = "2027-02-28"}, kMid, kDeny,
     R::kDeniedGrantExpired, "R4"},
    {"admin manages participants", Who::kAdmin, A::kManageParticipants, {}, kMid, kDeny,
     R::kDeniedRoleSeesNoContent, "R4"},
    {"unnamed staff manages participants", Who::kStaff, A::kManageParticipants, {}, kMid, kDeny,
     R::kDeniedNotNamed, "R4"},
    {"owner manages participants after the purpose end", Who::kStaff, A::kManageParticipants,
     {.tie = Tie::kOwner}, "2027-07-01", kDeny, R::kDeniedPurposeEnded, "R5"},
    {"owner manages participants while deleting", Who::kStaff, A::kManageParticipants,
     {.tie = Tie::kOwner, .status = kDeleting}, kMid, kDeny, R::kDeniedBeingDeleted, "R5"},
    {"guardian holding manage (bad data) is not staff", Who::kGuardian, A::kManageParticipants,
     {.tie = Tie::kGuardian, .rights = "view,manage"}, kMid, kDeny, R::kDeniedNotStaff, "R4"},
    {"owner changes the purpose end", Who::kStaff, A::kChangePurposeEnd, {.tie = Tie::kOwner},
     kMid, kAllow, R::kAllowedOwner, "R5"},
    {"owner changes the purpose end on the end date", Who::kStaff, A::kChangePurposeEnd,
     {.tie = Tie::kOwner}, "2027-06-30", kAllow, R::kAllowedOwner, "R5"},
    {"owner changes the purpose end after it passed", Who::kStaff, A::kChangePurposeEnd,
     {.tie = Tie::kOwner}, "2027-07-01", kDeny, R::kDeniedPurposeEnded, "R5"},
    {"named staff with manage changes the purpose end", Who::kStaff, A::kChangePurposeEnd,
     {.tie = Tie::kSupervisor, .rights = "manage"}, kMid, kAllow, R::kAllowedParticipant, "R5"},
    {"named staff without manage changes the purpose end", Who::kStaff, A::kChangePurposeEnd,
     {.tie = Tie::kSupervisor, .rights = "view,comment"}, kMid, kDeny, R::kDeniedNoManageRight,
     "R5"},
    {"owner ends the purpose", Who::kStaff, A::kEndPurpose, {.tie = Tie::kOwner}, kMid, kAllow,
     R::kAllowedOwner, "R5 R14"},
    {"owner ends the purpose again after it ended (idempotent)", Who::kStaff, A::kEndPurpose,
     {.tie = Tie::kOwner}, "2027-07-01", kAllow, R::kAllowedOwner, "R5"},
    {"owner ends the purpose while it is being deleted", Who::kStaff, A::kEndPurpose,
     {.tie = Tie::kOwner, .status = kDeleting}, kMid, kAllow, R::kAllowedOwner, "R5"},
    {"owner ends the purpose of a failed upload", Who::kStaff, A::kEndPurpose,
     {.tie = Tie::kOwner, .status = kFailed}, kMid, kAllow, R::kAllowedOwner, "R5"},
    {"named with manage ends the purpose", Who::kStaff, A::kEndPurpose,
     {.tie = Tie::kTeacher, .rights = "view,manage"}, kMid, kAllow, R::kAllowedParticipant,
     "R5 R14"},
    {"named with view only ends the purpose", Who::kStaff, A::kEndPurpose,
     {.tie = Tie::kTeacher}, kMid, kDeny, R::kDeniedNoManageRight, "R14"},
    {"privacy officer uses end_purpose instead of erase", Who::kPrivacyOfficer, A::kEndPurpose,
     {}, kMid, kDeny, R::kDeniedRoleSeesNoContent, "R14"},
    {"guardian ends the purpose", Who::kGuardian, A::kEndPurpose, {.tie = Tie::kGuardian},
     kMid, kDeny, R::kDeniedNoManageRight, "R14"},

    // --- The privacy officer's oversight of recordings (R9, R14) ---
    {"privacy officer reads a recording's audit", Who::kPrivacyOfficer, A::kReadRecordingAudit,
     {}, kMid, kAllow, R::kAllowedPrivacyOfficer, "R9"},
    {"owner reads the recording's audit", Who::kStaff, A::kReadRecordingAudit,
     {.tie = Tie::kOwner}, kMid, kAllow, R::kAllowedOwner, "R9"},
    {"named participant reads the recording's audit", Who::kStaff, A::kReadRecordingAudit,
     {.tie = Tie::kSupervisor, .rights = "view,manage"}, kMid, kDeny, R::kDeniedNotOwner,
     "R9 R12"},
    {"admin reads a recording's audit", Who::kAdmin, A::kReadRecordingAudit, {}, kMid, kDeny,
     R::kDeniedNotOwner, "R9"},
    {"privacy officer reads a recording's facts", Who::kPrivacyOfficer, A::kReadRecordingFacts,
     {}, kMid, kAllow, R::kAllowedPrivacyOfficer, "R15"},
    {"privacy officer reads facts of a recording being deleted", Who::kPrivacyOfficer,
     A::kReadRecordingFacts, {.status = kDeleting}, "2027-07-01", kAllow,
     R::kAllowedPrivacyOfficer, "R15"},
    {"admin reads a recording's facts", Who::kAdmin, A::kReadRecordingFacts, {}, kMid, kDeny,
     R::kDeniedNotPrivacyOfficer, "R4"},
    {"named staff reads a recording's facts", Who::kStaff, A::kReadRecordingFacts,
     {.tie = Tie::kTeacher}, kMid, kDeny, R::kDeniedNotPrivacyOfficer, "R4"},
    {"privacy officer transfers ownership", Who::kPrivacyOfficer, A::kTransferOwnership, {},
     kMid, kAllow, R::kAllowedPrivacyOfficer, "R13"},
    {"owner transfers ownership", Who::kStaff, A::kTransferOwnership, {.tie = Tie::kOwner},
     kMid, kDeny, R::kDeniedNotPrivacyOfficer, "R13"},
    {"admin transfers ownership", Who::kAdmin, A::kTransferOwnership, {}, kMid, kDeny,
     R::kDeniedNotPrivacyOfficer, "R13"},
    {"privacy officer transfers a recording being deleted", Who::kPrivacyOfficer,
     A::kTransferOwnership, {.status = kDeleting}, kMid, kDeny, R::kDeniedBeingDeleted, "R5"},
    {"privacy officer erases", Who::kPrivacyOfficer, A::kErase, {}, kMid, kAllow,
     R::kAllowedPrivacyOfficer, "R14"},
    {"privacy officer erases while processing", Who::kPrivacyOfficer, A::kErase,
     {.status = kProcessing}, kMid, kAllow, R::kAllowedPrivacyOfficer, "R14"},
    {"privacy officer erases after the purpose end", Who::kPrivacyOfficer, A::kErase, {},
     "2027-07-01", kAllow, R::kAllowedPrivacyOfficer, "R14"},
    {"privacy officer erases again while deleting", Who::kPrivacyOfficer, A::kErase,
     {.status = kDeleting}, kMid, kAllow, R::kAllowedPrivacyOfficer, "R14"},
    {"owner uses erase", Who::kStaff, A::kErase, {.tie = Tie::kOwner}, kMid, kDeny,
     R::kDeniedNotPrivacyOfficer, "R14"},
    {"admin erases", Who::kAdmin, A::kErase, {}, kMid, kDeny, R::kDeniedNotPrivacyOfficer,
     "R14"},
    {"erase without a recording", Who::kPrivacyOfficer, A::kErase, kNone, kMid, kDeny,
     R::kDeniedNoRecording, "invariant 2"},

    // --- Actions without a recording (DESIGN.md roles; R9, R15, R17) ---
    {"admin manages accounts", Who::kAdmin, A::kManageAccounts, kNone, kMid, kAllow,
     R::kAllowedAdmin, "R17"},
    {"admin manages accounts; a recording passed is ignored", Who::kAdmin, A::kManageAccounts,
     {}, kMid, kAllow, R::kAllowedAdmin, "R17"},
    {"privacy officer manages accounts", Who::kPrivacyOfficer, A::kManageAccounts, kNone, kMid,
     kDeny, R::kDeniedNotAdmin, "R17"},
    {"staff manages accounts", Who::kStaff, A::kManageAccounts, kNone, kMid, kDeny,
     R::kDeniedNotAdmin, "R17"},
    {"admin imports the roster", Who::kAdmin, A::kImportRoster, kNone, kMid, kAllow,
     R::kAllowedAdmin, "R19"},
    {"staff imports the roster", Who::kStaff, A::kImportRoster, kNone, kMid, kDeny,
     R::kDeniedNotAdmin, "R19"},
    {"privacy officer imports the roster", Who::kPrivacyOfficer, A::kImportRoster, kNone, kMid,
     kDeny, R::kDeniedNotAdmin, "R19"},
    {"admin records a consent form", Who::kAdmin, A::kManageConsent, kNone, kMid, kAllow,
     R::kAllowedAdmin, "R7"},
    {"privacy officer records a consent form", Who::kPrivacyOfficer, A::kManageConsent, kNone,
     kMid, kAllow, R::kAllowedPrivacyOfficer, "R7"},
    {"staff records a consent form", Who::kStaff, A::kManageConsent, kNone, kMid, kDeny,
     R::kDeniedNotAdminOrPrivacyOfficer, "R7"},
    {"guardian records a consent form", Who::kGuardian, A::kManageConsent, kNone, kMid, kDeny,
     R::kDeniedNotAdminOrPrivacyOfficer, "R7"},
    {"admin verifies the audit chain", Who::kAdmin, A::kVerifyAudit, kNone, kMid, kAllow,
     R::kAllowedAdmin, "R9"},
    {"privacy officer verifies the audit chain", Who::kPrivacyOfficer, A::kVerifyAudit, kNone,
     kMid, kAllow, R::kAllowedPrivacyOfficer, "R9"},
    {"staff verifies the audit chain", Who::kStaff, A::kVerifyAudit, kNone, kMid, kDeny,
     R::kDeniedNotAdminOrPrivacyOfficer, "R9"},
    {"privacy officer reads the audit", Who::kPrivacyOfficer, A::kReadAudit, kNone, kMid,
     kAllow, R::kAllowedPrivacyOfficer, "R9"},
    {"admin reads the audit", Who::kAdmin, A::kReadAudit, kNone, kMid, kDeny,
     R::kDeniedNotPrivacyOfficer, "R9"},
    {"teacher who is privacy officer reads the audit", Who::kStaffPrivacyOfficer, A::kReadAudit,
     kNone, kMid, kAllow, R::kAllowedPrivacyOfficer, "R9"},
    {"privacy officer exports a person's data", Who::kPrivacyOfficer, A::kExportPerson, kNone,
     kMid, kAllow, R::kAllowedPrivacyOfficer, "R12"},
    {"admin exports a person's data", Who::kAdmin, A::kExportPerson, kNone, kMid, kDeny,
     R::kDeniedNotPrivacyOfficer, "R12"},
    {"guardian exports a person's data", Who::kGuardian, A::kExportPerson, kNone, kMid, kDeny,
     R::kDeniedNotPrivacyOfficer, "R12"},
    {"privacy officer reads the register", Who::kPrivacyOfficer, A::kReadRegister, kNone, kMid,
     kAllow, R::kAllowedPrivacyOfficer, "R15"},
    {"admin reads the register", Who::kAdmin, A::kReadRegister, kNone, kMid, kDeny,
     R::kDeniedNotPrivacyOfficer, "R15"},
    {"account without roles reads the register", Who::kNoRoles, A::kReadRegister, kNone, kMid,
     kDeny, R::kDeniedNotPrivacyOfficer, "R15"},
};
// clang-format on

}  // namespace

std::span<const Row> otherRows() { return kOtherRows; }

TEST(DecisionTableOther, EveryRow) { runTable(kOtherRows); }

// The two tables together have at least 100 rows, every action appears in
// both an allowed and a denied row, and the allowed column agrees with the
// reason's prefix (a row author's typo is caught here, not hidden).
TEST(DecisionTable, CoversEveryActionBothWays) {
  std::set<std::pair<std::string_view, bool>> seen;
  std::size_t rows = 0;
  for (auto table : {contentRows(), otherRows()}) {
    for (const Row& row : table) {
      ++rows;
      seen.insert({actionName(row.action), row.allowed});
      EXPECT_EQ(row.allowed, reasonName(row.reason).starts_with("allowed_")) << row.description;
    }
  }
  EXPECT_GE(rows, 100u);
#define LV_ACL_CHECK(enumerator, name)                                       \
  EXPECT_TRUE(seen.contains({name, true})) << "no allowed row for " << name; \
  EXPECT_TRUE(seen.contains({name, false})) << "no denied row for " << name;
  LV_ACL_ACTIONS(LV_ACL_CHECK)
#undef LV_ACL_CHECK
}

}  // namespace acl::testing
