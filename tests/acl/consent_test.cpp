// R7: the consent register. Forms over time; the latest by form date wins,
// ties by recording order; a newer form revokes; the history is kept.
#include "acl/consent.h"

#include <gtest/gtest.h>

#include "tests/acl/world.h"

namespace acl::testing {
namespace {

constexpr PersonId kPupil = 8;
constexpr PersonId kOffice = 2;
constexpr std::string_view kWebsite = "website";

ConsentForm form(const char* date, bool given, std::int64_t sequence,
                 std::string_view category = kWebsite, PersonId pupil = kPupil) {
  return ConsentForm{pupil, std::string(category), day(date), given, kOffice, sequence};
}

TEST(Consent, NoFormMeansNoConsent) {
  std::vector<ConsentForm> forms;
  EXPECT_FALSE(consentGiven(forms, kPupil, kWebsite, day("2027-03-01")));
  EXPECT_FALSE(consentInForce(forms, kPupil, kWebsite, day("2027-03-01")).has_value());
}

TEST(Consent, AGivenFormGivesConsent) {
  std::vector<ConsentForm> forms = {form("2026-09-01", true, 1)};
  EXPECT_TRUE(consentGiven(forms, kPupil, kWebsite, day("2027-03-01")));
  EXPECT_FALSE(consentGiven(forms, kPupil, kWebsite, day("2026-08-31")))
      << "not before the form's date";
}

TEST(Consent, ANewerFormRevokes) {
  std::vector<ConsentForm> forms = {form("2026-09-01", true, 1), form("2027-02-01", false, 2)};
  EXPECT_TRUE(consentGiven(forms, kPupil, kWebsite, day("2027-01-31")));
  EXPECT_FALSE(consentGiven(forms, kPupil, kWebsite, day("2027-02-01")));
  forms.push_back(form("2027-02-10", true, 3));
  EXPECT_TRUE(consentGiven(forms, kPupil, kWebsite, day("2027-02-10")));
}

TEST(Consent, LatestByFormDateNotByRecordingOrder) {
  // The withdrawal dated later was entered first; the older form entered
  // afterwards does not override it.
  std::vector<ConsentForm> forms = {form("2027-02-01", false, 1), form("2026-09-01", true, 2)};
  EXPECT_FALSE(consentGiven(forms, kPupil, kWebsite, day("2027-03-01")));
  auto in_force = consentInForce(forms, kPupil, kWebsite, day("2027-03-01"));
  ASSERT_TRUE(in_force.has_value());
  EXPECT_EQ(in_force->sequence, 1);
}

TEST(Consent, SameDateTieGoesToTheFormRecordedLast) {
  std::vector<ConsentForm> forms = {form("2027-02-01", false, 7), form("2027-02-01", true, 3)};
  EXPECT_FALSE(consentGiven(forms, kPupil, kWebsite, day("2027-03-01")))
      << "sequence 7 was recorded after sequence 3, whatever the list order";
  forms[0].sequence = 2;
  EXPECT_TRUE(consentGiven(forms, kPupil, kWebsite, day("2027-03-01")));
}

TEST(Consent, FormsDatedInTheFutureAreNotInForceYet) {
  std::vector<ConsentForm> forms = {form("2026-09-01", true, 1), form("2027-04-01", false, 2)};
  EXPECT_TRUE(consentGiven(forms, kPupil, kWebsite, day("2027-03-01")));
  EXPECT_FALSE(consentGiven(forms, kPupil, kWebsite, day("2027-04-01")));
}

TEST(Consent, PupilsAndCategoriesAreSeparate) {
  std::vector<ConsentForm> forms = {form("2026-09-01", true, 1, "newsletter"),
                                    form("2026-09-01", true, 2, kWebsite, 9)};
  EXPECT_FALSE(consentGiven(forms, kPupil, kWebsite, day("2027-03-01")));
  EXPECT_TRUE(consentGiven(forms, kPupil, "newsletter", day("2027-03-01")));
  EXPECT_TRUE(consentGiven(forms, 9, kWebsite, day("2027-03-01")));
}

TEST(Consent, HistoryIsKeptInTheOrderFormsTookEffect) {
  std::vector<ConsentForm> forms = {
      form("2027-02-01", false, 4), form("2026-09-01", true, 1), form("2027-02-01", true, 2),
      form("2026-09-01", true, 3, "newsletter"), form("2027-05-01", true, 5)};
  auto history = consentHistory(forms, kPupil, kWebsite);
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].sequence, 1);
  EXPECT_EQ(history[1].sequence, 2);
  EXPECT_EQ(history[2].sequence, 4);
  EXPECT_EQ(history[3].sequence, 5) << "a form dated later is listed, as pending";
  EXPECT_EQ(history[2].recorded_by, kOffice);
}

TEST(ConsentForm, CategoryMustBeConfiguredAndDateNotInFuture) {
  ConsentConfig config;
  EXPECT_TRUE(checkConsentForm(form("2027-03-01", true, 1), config, day("2027-03-01")));
  Check unknown = checkConsentForm(form("2027-03-01", true, 1, "tv"), config, day("2027-03-01"));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().reason, Reason::kDeniedUnknownConsentCategory);
  EXPECT_NE(unknown.error().message.find("tv"), std::string::npos);
  Check future = checkConsentForm(form("2027-03-02", true, 1), config, day("2027-03-01"));
  ASSERT_FALSE(future.has_value());
  EXPECT_EQ(future.error().reason, Reason::kDeniedConsentFormInFuture);
}

TEST(ConsentConfig, DefaultIsValidAndBadOnesAreRefused) {
  ConsentConfig config;
  EXPECT_TRUE(checkConsentConfig(config));
  EXPECT_EQ(config.categories.size(), 5u);
  struct Case {
    std::vector<std::string> categories;
    const char* fragment;
  };
  const Case cases[] = {
      {{}, "no consent categories"},
      {{"website", "website", "guardian_access_recordings"}, "duplicate"},
      {{"Web Site", "guardian_access_recordings"}, "bad consent category name"},
      {{"website"}, "guardian_access_recordings"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.fragment);
    Check check = checkConsentConfig(ConsentConfig{c.categories});
    ASSERT_FALSE(check.has_value());
    EXPECT_EQ(check.error().reason, Reason::kDeniedBadConsentConfig);
    EXPECT_NE(check.error().message.find(c.fragment), std::string::npos);
  }
}

// The register feeds the guardian rule: storage computes the subject pupil's
// consent with consentGiven(kGuardianAccessCategory) and decide() uses it.
TEST(Consent, GuardianAccessConsentOpensTheRecordingFrom16) {
  std::vector<ConsentForm> forms = {form("2027-05-01", true, 1, kGuardianAccessCategory)};
  Actor guardian = makeActor(Who::kGuardian);
  RecordingFacts facts = makeRecording({.tie = Tie::kGuardian}, guardian.person.id);
  Date birthday = day("2027-05-20");
  facts.subject->consents_to_guardian_access =
      consentGiven(forms, facts.subject->id, kGuardianAccessCategory, birthday);
  EXPECT_EQ(decide(guardian, Action::kViewMedia, &facts, birthday).reason,
            Reason::kAllowedGuardianWithConsent);
  forms.push_back(form("2027-05-20", false, 2, kGuardianAccessCategory));
  facts.subject->consents_to_guardian_access =
      consentGiven(forms, facts.subject->id, kGuardianAccessCategory, birthday);
  EXPECT_EQ(decide(guardian, Action::kViewMedia, &facts, birthday).reason,
            Reason::kDeniedGuardianChild16WithoutConsent);
}

}  // namespace
}  // namespace acl::testing
