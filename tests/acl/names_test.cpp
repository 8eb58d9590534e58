// The snake_case names storage keeps as text: exact spellings, round trips,
// and no unknown name accepted.
#include <set>

#include <gtest/gtest.h>

#include "acl/comments.h"
#include "acl/policy.h"

namespace acl {
namespace {

// Checks that `names` is exactly what `name(value)` gives for `values`, that
// each parses back, and that near misses do not parse.
template <typename E, typename NameFn, typename ParseFn>
void expectNames(std::initializer_list<std::pair<E, const char*>> values, NameFn name,
                 ParseFn parse) {
  for (const auto& [value, text] : values) {
    SCOPED_TRACE(text);
    EXPECT_EQ(name(value), text);
    auto parsed = parse(text);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, value);
    EXPECT_FALSE(parse(std::string(text) + " ").has_value());
  }
  EXPECT_FALSE(parse("").has_value());
  EXPECT_FALSE(parse("Staff").has_value());
}

TEST(Names, Roles) {
  expectNames<Role>({{Role::kAdmin, "admin"},
                     {Role::kPrivacyOfficer, "privacy_officer"},
                     {Role::kStaff, "staff"},
                     {Role::kGuardian, "guardian"},
                     {Role::kPupil, "pupil"}},
                    roleName, parseRole);
}

TEST(Names, Relations) {
  expectNames<Relation>({{Relation::kTrainee, "trainee"},
                         {Relation::kSupervisor, "supervisor"},
                         {Relation::kTeacherEducator, "teacher_educator"},
                         {Relation::kSupportCoordinator, "support_coordinator"},
                         {Relation::kTeacher, "teacher"},
                         {Relation::kSubjectPupil, "subject_pupil"},
                         {Relation::kGuardian, "guardian"}},
                        relationName, parseRelation);
}

TEST(Names, RightsStatusesPurposesVisibility) {
  expectNames<Right>(
      {{Right::kView, "view"}, {Right::kComment, "comment"}, {Right::kManage, "manage"}}, rightName,
      parseRight);
  expectNames<RecordingStatus>({{RecordingStatus::kUploading, "uploading"},
                                {RecordingStatus::kProcessing, "processing"},
                                {RecordingStatus::kReady, "ready"},
                                {RecordingStatus::kFailed, "failed"},
                                {RecordingStatus::kDeleting, "deleting"}},
                               recordingStatusName, parseRecordingStatus);
  expectNames<Purpose>({{Purpose::kTeacherTraining, "teacher_training"},
                        {Purpose::kStudentSupport, "student_support"}},
                       purposeName, parsePurpose);
  expectNames<CommentVisibility>(
      {{CommentVisibility::kShared, "shared"}, {CommentVisibility::kPersonal, "personal"}},
      commentVisibilityName, parseCommentVisibility);
}

TEST(Names, Actions) {
  expectNames<Action>({{Action::kCreateRecording, "create_recording"},
                       {Action::kUpload, "upload"},
                       {Action::kViewMetadata, "view_metadata"},
                       {Action::kViewMedia, "view_media"},
                       {Action::kComment, "comment"},
                       {Action::kManageParticipants, "manage_participants"},
                       {Action::kChangePurposeEnd, "change_purpose_end"},
                       {Action::kEndPurpose, "end_purpose"},
                       {Action::kReadRecordingAudit, "read_recording_audit"},
                       {Action::kReadRecordingFacts, "read_recording_facts"},
                       {Action::kTransferOwnership, "transfer_ownership"},
                       {Action::kManageAccounts, "manage_accounts"},
                       {Action::kImportRoster, "import_roster"},
                       {Action::kManageConsent, "manage_consent"},
                       {Action::kReadAudit, "read_audit"},
                       {Action::kVerifyAudit, "verify_audit"},
                       {Action::kExportPerson, "export_person"},
                       {Action::kReadRegister, "read_register"},
                       {Action::kErase, "erase"}},
                      actionName, parseAction);
  EXPECT_FALSE(isRecordingAction(Action::kCreateRecording));
  EXPECT_TRUE(isRecordingAction(Action::kErase));
}

// Every reason has a unique snake_case name with an allowed_/denied_ prefix
// that round-trips, and allowed() follows the prefix.
TEST(Names, Reasons) {
  std::set<std::string_view> seen;
  std::size_t allowed = 0;
#define LV_ACL_CHECK(enumerator, text)                                                \
  {                                                                                   \
    std::string_view name = reasonName(Reason::enumerator);                           \
    EXPECT_EQ(name, text);                                                            \
    EXPECT_TRUE(seen.insert(name).second) << "duplicate " << name;                    \
    EXPECT_TRUE(name.starts_with("allowed_") || name.starts_with("denied_")) << name; \
    EXPECT_EQ(parseReason(name), Reason::enumerator);                                 \
    EXPECT_EQ(Decision{Reason::enumerator}.allowed(), name.starts_with("allowed_"));  \
    if (name.starts_with("allowed_")) ++allowed;                                      \
  }
  LV_ACL_REASONS(LV_ACL_CHECK)
#undef LV_ACL_CHECK
  EXPECT_EQ(allowed, 6u);
  EXPECT_EQ(reasonName(Reason::kDeniedGuardianChild16WithoutConsent),
            "denied_guardian_child_16_without_consent");
  EXPECT_FALSE(parseReason("denied").has_value());
}

TEST(Names, RightsText) {
  EXPECT_EQ(formatRights(Rights{.view = true, .comment = true, .manage = true}),
            "view,comment,manage");
  EXPECT_EQ(formatRights(Rights{.manage = true}), "manage");
  EXPECT_EQ(formatRights(Rights{}), "");
  EXPECT_EQ(parseRights("manage,view"), (Rights{.view = true, .manage = true}));
  EXPECT_EQ(parseRights(""), Rights{});
  for (const char* bad : {"view,view", "view,", ",view", "view, comment", "read", "View"}) {
    EXPECT_FALSE(parseRights(bad).has_value()) << bad;
  }
}

TEST(Names, DenialToString) {
  Denial denial{Reason::kDeniedPupilName, "remove pupils' names from the text: Berg"};
  EXPECT_EQ(denial.toString(), "denied_pupil_name: remove pupils' names from the text: Berg");
}

}  // namespace
}  // namespace acl
