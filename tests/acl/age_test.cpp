// Calendar arithmetic: ages on local dates and the 29 February rule
// (in a year without 29 February, the birthday is 1 March).
#include "acl/age.h"

#include <gtest/gtest.h>

#include "acl/clock.h"
#include "tests/acl/world.h"

namespace acl::testing {
namespace {

struct AgeCase {
  const char* birth;
  const char* on;
  int age;
};

TEST(Age, BoundariesAroundBirthdays) {
  const AgeCase cases[] = {
      // An ordinary birthday: the 16th and 18th, day before / of / after.
      {"2011-05-20", "2027-05-19", 15},
      {"2011-05-20", "2027-05-20", 16},
      {"2011-05-20", "2027-05-21", 16},
      {"2011-05-20", "2029-05-19", 17},
      {"2011-05-20", "2029-05-20", 18},
      {"2011-05-20", "2029-05-21", 18},
      // New Year's Eve and Day do not confuse the year arithmetic.
      {"2010-12-31", "2026-12-30", 15},
      {"2010-12-31", "2026-12-31", 16},
      {"2011-01-01", "2026-12-31", 15},
      {"2011-01-01", "2027-01-01", 16},
      // 29 February, 16th birthday in a leap year (2028).
      {"2012-02-29", "2028-02-28", 15},
      {"2012-02-29", "2028-02-29", 16},
      {"2012-02-29", "2028-03-01", 16},
      // 29 February, 18th birthday in a non-leap year (2030): 1 March.
      {"2012-02-29", "2030-02-28", 17},
      {"2012-02-29", "2030-03-01", 18},
      {"2012-02-29", "2030-03-02", 18},
      // 29 February, 16th birthday in a non-leap century year (2100).
      {"2084-02-29", "2100-02-28", 15},
      {"2084-02-29", "2100-03-01", 16},
      // 29 February, first birthday and a leap birthday in between.
      {"2012-02-29", "2013-02-28", 0},
      {"2012-02-29", "2013-03-01", 1},
      {"2012-02-29", "2016-02-28", 3},
      {"2012-02-29", "2016-02-29", 4},
      // 28 February and 1 March births are not affected by the rule.
      {"2012-02-28", "2013-02-28", 1},
      {"2012-03-01", "2013-02-28", 0},
      {"2012-03-01", "2013-03-01", 1},
      // Before birth: clamped to 0.
      {"2012-03-01", "2011-03-01", 0},
  };
  for (const AgeCase& c : cases) {
    SCOPED_TRACE(::testing::Message() << "born " << c.birth << " on " << c.on);
    EXPECT_EQ(ageOn(day(c.birth), day(c.on)), c.age);
  }
}

TEST(Age, BirthdayInYear) {
  EXPECT_EQ(birthdayIn(day("2012-02-29"), std::chrono::year(2013)), day("2013-03-01"));
  EXPECT_EQ(birthdayIn(day("2012-02-29"), std::chrono::year(2016)), day("2016-02-29"));
  EXPECT_EQ(birthdayIn(day("2012-02-29"), std::chrono::year(2100)), day("2100-03-01"));
  EXPECT_EQ(birthdayIn(day("2011-05-20"), std::chrono::year(2027)), day("2027-05-20"));
}

TEST(Age, DateOfAge) {
  EXPECT_EQ(dateOfAge(day("2011-05-20"), 16), day("2027-05-20"));
  EXPECT_EQ(dateOfAge(day("2012-02-29"), 16), day("2028-02-29"));
  EXPECT_EQ(dateOfAge(day("2012-02-29"), 18), day("2030-03-01"));
  EXPECT_EQ(dateOfAge(day("2012-02-29"), 0), day("2012-02-29"));
}

// The rule agrees with what std::chrono gives when "birth + N years" is
// normalised, so code elsewhere that adds years the plain way agrees too.
TEST(Age, LeapRuleMatchesChronoNormalisation) {
  using namespace std::chrono;
  year_month_day plain = day("2012-02-29") + years(18);
  EXPECT_FALSE(plain.ok());
  EXPECT_EQ(Date{sys_days(plain)}, dateOfAge(day("2012-02-29"), 18));
}

TEST(Age, AddDaysAndDaysBetween) {
  EXPECT_EQ(addDays(day("2027-01-04"), 180), day("2027-07-03"));
  EXPECT_EQ(addDays(day("2027-01-04"), 365), day("2028-01-04"));
  EXPECT_EQ(addDays(day("2028-02-28"), 1), day("2028-02-29"));
  EXPECT_EQ(addDays(day("2027-03-01"), -1), day("2027-02-28"));
  EXPECT_EQ(daysBetween(day("2027-01-04"), day("2027-07-03")), 180);
  EXPECT_EQ(daysBetween(day("2027-07-03"), day("2027-01-04")), -180);
}

TEST(Clock, FixedClockAnswersItsDate) {
  FixedClock clock(day("2027-05-19"));
  const Clock& as_interface = clock;
  EXPECT_EQ(as_interface.today(), day("2027-05-19"));
  clock.set(day("2027-05-20"));
  EXPECT_EQ(as_interface.today(), day("2027-05-20"));
}

}  // namespace
}  // namespace acl::testing
