// R1 and R5: a written purpose, and a purpose end that is required, capped per
// purpose from the creation date, shortened freely and lengthened only within
// the cap with a written reason.
#include "acl/purpose_end.h"

#include <gtest/gtest.h>

#include "tests/acl/world.h"

namespace acl::testing {
namespace {

const PurposeCaps kCaps;  // 180 / 365 days
constexpr const char* kCreated = "2027-01-04";

void expectDenied(const Check& check, Reason reason, std::string_view fragment) {
  ASSERT_FALSE(check.has_value()) << "expected " << reasonName(reason);
  EXPECT_EQ(reasonName(check.error().reason), reasonName(reason));
  EXPECT_NE(check.error().message.find(fragment), std::string::npos) << check.error().message;
}

TEST(PurposeEnd, DefaultCaps) {
  EXPECT_EQ(kCaps.teacher_training_days, 180);
  EXPECT_EQ(kCaps.student_support_days, 365);
  EXPECT_EQ(latestPurposeEnd(kTeacherTraining, day(kCreated), kCaps), day("2027-07-03"));
  EXPECT_EQ(latestPurposeEnd(kStudentSupport, day(kCreated), kCaps), day("2028-01-04"));
}

TEST(PurposeEnd, CreationAcceptsUpToTheCapInclusive) {
  EXPECT_TRUE(checkPurposeEnd(kTeacherTraining, day("2027-07-03"), day(kCreated), kCaps));
  EXPECT_TRUE(checkPurposeEnd(kStudentSupport, day("2028-01-04"), day(kCreated), kCaps));
  EXPECT_TRUE(checkPurposeEnd(kTeacherTraining, day(kCreated), day(kCreated), kCaps))
      << "ending on the creation day itself is allowed";
}

TEST(PurposeEnd, CreationRefusesBeyondTheCap) {
  expectDenied(checkPurposeEnd(kTeacherTraining, day("2027-07-04"), day(kCreated), kCaps),
               Reason::kDeniedPurposeEndBeyondCap, "until 2027-07-03");
  expectDenied(checkPurposeEnd(kStudentSupport, day("2028-01-05"), day(kCreated), kCaps),
               Reason::kDeniedPurposeEndBeyondCap, "until 2028-01-04");
}

TEST(PurposeEnd, CreationRefusesMissingAndPast) {
  expectDenied(checkPurposeEnd(kTeacherTraining, std::nullopt, day(kCreated), kCaps),
               Reason::kDeniedPurposeEndMissing, "required");
  expectDenied(checkPurposeEnd(kTeacherTraining, day("2027-01-03"), day(kCreated), kCaps),
               Reason::kDeniedPurposeEndInPast, "past");
}

TEST(PurposeEnd, CapsComeFromConfiguration) {
  PurposeCaps caps{.teacher_training_days = 30, .student_support_days = 60};
  EXPECT_TRUE(checkPurposeEnd(kTeacherTraining, day("2027-02-03"), day(kCreated), caps));
  EXPECT_FALSE(checkPurposeEnd(kTeacherTraining, day("2027-02-04"), day(kCreated), caps));
  EXPECT_TRUE(checkPurposeEnd(kStudentSupport, day("2027-03-05"), day(kCreated), caps));
  EXPECT_FALSE(checkPurposeEnd(kStudentSupport, day("2027-03-06"), day(kCreated), caps));
}

RecordingFacts recordingEnding(Purpose purpose, const char* end) {
  RecordingFacts facts = makeRecording({.purpose = purpose, .end = end}, 1);
  EXPECT_EQ(facts.created_on, day(kCreated));
  return facts;
}

TEST(PurposeEndChange, ShorteningNeedsNoReason) {
  RecordingFacts facts = recordingEnding(kTeacherTraining, "2027-06-30");
  EXPECT_TRUE(checkPurposeEndChange(facts, day("2027-04-01"), "", day("2027-03-01"), kCaps));
  EXPECT_TRUE(checkPurposeEndChange(facts, day("2027-03-01"), "", day("2027-03-01"), kCaps))
      << "shortening to today";
  EXPECT_TRUE(checkPurposeEndChange(facts, day("2027-06-30"), "", day("2027-03-01"), kCaps))
      << "keeping the same date";
}

TEST(PurposeEndChange, ShorteningIntoThePastIsRefused) {
  RecordingFacts facts = recordingEnding(kTeacherTraining, "2027-06-30");
  expectDenied(checkPurposeEndChange(facts, day("2027-02-28"), "", day("2027-03-01"), kCaps),
               Reason::kDeniedPurposeEndInPast, "end the purpose instead");
}

TEST(PurposeEndChange, LengtheningNeedsAWrittenReason) {
  RecordingFacts facts = recordingEnding(kTeacherTraining, "2027-06-30");
  expectDenied(checkPurposeEndChange(facts, day("2027-07-01"), "", day("2027-03-01"), kCaps),
               Reason::kDeniedReasonRequired, "written reason");
  expectDenied(checkPurposeEndChange(facts, day("2027-07-01"), " \t\n", day("2027-03-01"), kCaps),
               Reason::kDeniedReasonRequired, "written reason");
  EXPECT_TRUE(checkPurposeEndChange(facts, day("2027-07-01"), "second observation planned",
                                    day("2027-03-01"), kCaps));
}

TEST(PurposeEndChange, LengtheningStaysWithinTheCapFromCreation) {
  RecordingFacts facts = recordingEnding(kTeacherTraining, "2027-06-30");
  EXPECT_TRUE(checkPurposeEndChange(facts, day("2027-07-03"), "reason", day("2027-06-30"), kCaps));
  expectDenied(checkPurposeEndChange(facts, day("2027-07-04"), "reason", day("2027-06-30"), kCaps),
               Reason::kDeniedPurposeEndBeyondCap, "created on 2027-01-04");
  RecordingFacts support = recordingEnding(kStudentSupport, "2027-06-30");
  EXPECT_TRUE(
      checkPurposeEndChange(support, day("2028-01-04"), "reason", day("2027-03-01"), kCaps));
  expectDenied(
      checkPurposeEndChange(support, day("2028-01-05"), "reason", day("2027-03-01"), kCaps),
      Reason::kDeniedPurposeEndBeyondCap, "student_support");
}

TEST(PurposeEndChange, AnEndedPurposeCannotBeRevived) {
  RecordingFacts facts = recordingEnding(kTeacherTraining, "2027-02-28");
  expectDenied(checkPurposeEndChange(facts, day("2027-04-01"), "reason", day("2027-03-01"), kCaps),
               Reason::kDeniedPurposeEnded, "ended");
  EXPECT_TRUE(checkPurposeEndChange(facts, day("2027-04-01"), "reason", day("2027-02-28"), kCaps))
      << "on the end date itself the purpose has not ended yet";
}

TEST(WrittenTexts, PurposeAndReasonMayNotBeBlank) {
  EXPECT_TRUE(checkWrittenPurpose("feedback on classroom management"));
  expectDenied(checkWrittenPurpose(""), Reason::kDeniedWrittenPurposeMissing, "purpose");
  expectDenied(checkWrittenPurpose("  \r\n"), Reason::kDeniedWrittenPurposeMissing, "purpose");
  EXPECT_TRUE(checkWrittenReason("pupil's erasure request"));
  expectDenied(checkWrittenReason(" "), Reason::kDeniedReasonRequired, "reason");
}

}  // namespace
}  // namespace acl::testing
