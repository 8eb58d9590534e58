// R10 on its own: a guardian of the subject pupil sees a student_support
// recording until the child's 16th birthday; from that day on only with the
// pupil's recorded consent, and at 18 nothing changes.
#include <gtest/gtest.h>

#include "acl/relation_rule.h"
#include "tests/acl/world.h"

namespace acl::testing {
namespace {

struct GuardianCase {
  const char* birth;
  const char* today;
  bool consent;
  Reason expected;
};

TEST(GuardianRule, AgeAndConsentGrid) {
  constexpr Reason kUnder16 = Reason::kAllowedParticipant;
  constexpr Reason kWithConsent = Reason::kAllowedGuardianWithConsent;
  constexpr Reason kRefused = Reason::kDeniedGuardianChild16WithoutConsent;
  const GuardianCase cases[] = {
      {"2011-05-20", "2027-05-19", false, kUnder16},
      {"2011-05-20", "2027-05-19", true, kUnder16},
      {"2011-05-20", "2027-05-20", false, kRefused},
      {"2011-05-20", "2027-05-20", true, kWithConsent},
      {"2011-05-20", "2027-05-21", false, kRefused},
      {"2011-05-20", "2027-05-21", true, kWithConsent},
      {"2011-05-20", "2029-05-19", false, kRefused},
      {"2011-05-20", "2029-05-20", false, kRefused},
      {"2011-05-20", "2029-05-21", false, kRefused},
      {"2011-05-20", "2029-05-19", true, kWithConsent},
      {"2011-05-20", "2029-05-20", true, kWithConsent},
      {"2011-05-20", "2029-05-21", true, kWithConsent},
      {"2012-02-29", "2028-02-28", false, kUnder16},
      {"2012-02-29", "2028-02-29", false, kRefused},
      {"2012-02-29", "2028-03-01", false, kRefused},
      {"2012-02-29", "2030-02-28", true, kWithConsent},
      {"2012-02-29", "2030-03-01", true, kWithConsent},
      {"2084-02-29", "2100-02-28", false, kUnder16},
      {"2084-02-29", "2100-03-01", false, kRefused},
      {"2084-02-29", "2100-03-02", false, kRefused},
  };
  for (const GuardianCase& c : cases) {
    SCOPED_TRACE(::testing::Message()
                 << "born " << c.birth << " on " << c.today << " consent " << c.consent);
    SubjectPupil pupil{8, day(c.birth), c.consent};
    EXPECT_EQ(reasonName(guardianAccess(pupil, day(c.today))), reasonName(c.expected));
  }
}

// Guardianship is read from the actor on the day of the request: a guardian
// named earlier whose guardianship has since ended is refused.
TEST(GuardianRule, GuardianshipIsCheckedOnTheDay) {
  Actor guardian = makeActor(Who::kGuardian);
  RecordingFacts facts = makeRecording({.tie = Tie::kGuardian}, guardian.person.id);
  const Participant* self = findParticipant(facts, guardian.person.id);
  ASSERT_NE(self, nullptr);
  EXPECT_EQ(relationAccess(guardian, *self, facts, day("2027-03-01")), Reason::kAllowedParticipant);
  guardian.guardian_of.clear();
  EXPECT_EQ(relationAccess(guardian, *self, facts, day("2027-03-01")), Reason::kDeniedNotOwnChild);
}

// A student_support recording without a subject pupil gives a guardian nothing.
TEST(GuardianRule, NoSubjectPupilMeansNoGuardianAccess) {
  Actor guardian = makeActor(Who::kGuardian);
  RecordingFacts facts = makeRecording({.tie = Tie::kGuardian}, guardian.person.id);
  facts.subject.reset();
  EXPECT_EQ(decide(guardian, Action::kViewMedia, &facts, day("2027-03-01")).reason,
            Reason::kDeniedNotOwnChild);
}

}  // namespace
}  // namespace acl::testing
