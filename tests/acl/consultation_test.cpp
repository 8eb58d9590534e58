// R2: a consultation record at creation — the trainee for teacher training;
// the pupil and, while the pupil is under 16 on the creation date, at least
// one of the pupil's guardians for student support.
#include "acl/consultation.h"

#include <gtest/gtest.h>

#include "tests/acl/world.h"

namespace acl::testing {
namespace {

constexpr PersonId kTrainee = 1;
constexpr PersonId kPupil = 8;
constexpr PersonId kGuardianA = 6;
constexpr PersonId kGuardianB = 16;
constexpr PersonId kStranger = 7;  // a guardian, but of another pupil

ConsultationParties training() { return {.purpose = kTeacherTraining, .trainee = kTrainee}; }

// The pupil turns 16 on 2027-05-20.
ConsultationParties support() {
  return {.purpose = kStudentSupport,
          .pupil = kPupil,
          .pupil_birth_date = day("2011-05-20"),
          .pupil_guardians = {kGuardianA, kGuardianB}};
}

void expectDenied(const Check& check, Reason reason, std::string_view fragment) {
  ASSERT_FALSE(check.has_value()) << "expected " << reasonName(reason);
  EXPECT_EQ(reasonName(check.error().reason), reasonName(reason));
  EXPECT_NE(check.error().message.find(fragment), std::string::npos) << check.error().message;
}

TEST(Consultation, TeacherTrainingNeedsTheTrainee) {
  EXPECT_TRUE(checkConsultation({{kTrainee}, day("2027-01-03")}, training(), day("2027-01-04")));
  expectDenied(checkConsultation({{kGuardianA}, day("2027-01-03")}, training(), day("2027-01-04")),
               Reason::kDeniedConsultationWithoutTrainee, "trainee");
  ConsultationParties no_trainee = training();
  no_trainee.trainee.reset();
  expectDenied(checkConsultation({{kTrainee}, day("2027-01-03")}, no_trainee, day("2027-01-04")),
               Reason::kDeniedConsultationWithoutTrainee, "trainee");
}

TEST(Consultation, SomeoneMustBeConsulted) {
  expectDenied(checkConsultation({{}, day("2027-01-03")}, training(), day("2027-01-04")),
               Reason::kDeniedConsultationMissing, "who was consulted");
}

TEST(Consultation, MayNotBeDatedInTheFuture) {
  expectDenied(checkConsultation({{kTrainee}, day("2027-01-05")}, training(), day("2027-01-04")),
               Reason::kDeniedConsultationInFuture, "future");
  EXPECT_TRUE(checkConsultation({{kTrainee}, day("2027-01-04")}, training(), day("2027-01-04")))
      << "consulting on the creation day itself is fine";
}

TEST(Consultation, StudentSupportUnder16NeedsPupilAndAGuardian) {
  EXPECT_TRUE(
      checkConsultation({{kPupil, kGuardianB}, day("2027-01-03")}, support(), day("2027-01-04")));
  expectDenied(checkConsultation({{kPupil}, day("2027-01-03")}, support(), day("2027-01-04")),
               Reason::kDeniedConsultationWithoutGuardian, "under 16");
  expectDenied(
      checkConsultation({{kPupil, kStranger}, day("2027-01-03")}, support(), day("2027-01-04")),
      Reason::kDeniedConsultationWithoutGuardian, "guardians");
  expectDenied(checkConsultation({{kGuardianA}, day("2027-01-03")}, support(), day("2027-01-04")),
               Reason::kDeniedConsultationWithoutPupil, "pupil");
}

// The creation date decides: the day before the 16th birthday a guardian is
// needed, from the birthday on the pupil alone suffices — even when the
// consultation itself happened before the birthday.
TEST(Consultation, AgeIsJudgedOnTheCreationDate) {
  Consultation pupil_only{{kPupil}, day("2027-05-10")};
  expectDenied(checkConsultation(pupil_only, support(), day("2027-05-19")),
               Reason::kDeniedConsultationWithoutGuardian, "under 16");
  EXPECT_TRUE(checkConsultation(pupil_only, support(), day("2027-05-20")));
  EXPECT_TRUE(checkConsultation(pupil_only, support(), day("2029-05-21")));
}

TEST(Consultation, StudentSupportNeedsAPupilToConsult) {
  ConsultationParties no_pupil = support();
  no_pupil.pupil.reset();
  expectDenied(
      checkConsultation({{kPupil, kGuardianA}, day("2027-01-03")}, no_pupil, day("2027-01-04")),
      Reason::kDeniedConsultationWithoutPupil, "pupil");
  ConsultationParties no_birth = support();
  no_birth.pupil_birth_date.reset();
  expectDenied(
      checkConsultation({{kPupil, kGuardianA}, day("2027-01-03")}, no_birth, day("2027-01-04")),
      Reason::kDeniedConsultationWithoutPupil, "pupil");
}

}  // namespace
}  // namespace acl::testing
