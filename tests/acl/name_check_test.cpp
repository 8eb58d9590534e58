// R6: titles and descriptions are refused when they hold a roster pupil's
// surname or full name; a first name alone needs explicit confirmation.
#include "acl/name_check.h"

#include <vector>

#include <gtest/gtest.h>

namespace acl {
namespace {

const std::vector<RosterPupil> kRoster = {
    {"Roos", "Visser"},          {"Bram", "van den Berg"},
    {"Zoë", "de Jong-van Dijk"}, {"Anne-Marie", "Özdemir"},
    {"Sterre", "Bĳl"},           {"Daan", "de"},  // a surname that is only a particle never matches
};

using Words = std::vector<std::string>;

NameCheck check(std::string_view text) { return checkPupilNames(text, kRoster); }

TEST(NameCheck, CleanTextPasses) {
  NameCheck result = check("Rekenles groep 7: werken met breuken");
  EXPECT_TRUE(result.clean());
  EXPECT_TRUE(acceptNameCheck(result, false));
}

TEST(NameCheck, SurnameIsRefused) {
  EXPECT_EQ(check("Gesprek met Visser").refused, Words{"Visser"});
  EXPECT_EQ(check("Gesprek met Visser").needs_confirmation, Words{});
}

TEST(NameCheck, CaseAndDiacriticsDoNotMatter) {
  EXPECT_EQ(check("observatie OZDEMIR").refused, Words{"OZDEMIR"});
  EXPECT_EQ(check("observatie özdemir").refused, Words{"özdemir"});
  EXPECT_EQ(check("zoe").needs_confirmation, Words{"zoe"});
  EXPECT_EQ(check("ZOË").needs_confirmation, Words{"ZOË"});
  EXPECT_EQ(check("Bijl").refused, Words{"Bijl"}) << "ĳ on the roster matches ij in the text";
}

TEST(NameCheck, WholeWordsOnly) {
  EXPECT_TRUE(check("Bergen op Zoom, vissers en dijken").clean());
  EXPECT_TRUE(check("Roosevelt en Brammetje").clean());
}

TEST(NameCheck, SurnameWithParticlesMatchesItsCore) {
  EXPECT_EQ(check("Berg").refused, Words{"Berg"});
  EXPECT_EQ(check("les van den Berg").refused, Words{"Berg"});
  EXPECT_EQ(check("les vd Berg").refused, Words{"Berg"});
  EXPECT_EQ(check("les v.d. Berg").refused, Words{"Berg"});
}

TEST(NameCheck, ParticlesNeverMatchOnTheirOwn) {
  EXPECT_TRUE(check("de les van de week, in het lokaal, op 't plein").clean());
  EXPECT_TRUE(check("De Van Den Der").clean());
}

TEST(NameCheck, DoubleSurnameNeedsItsWordsTogether) {
  EXPECT_EQ(check("Jong-van Dijk").refused, (Words{"Jong", "Dijk"}));
  EXPECT_EQ(check("Jong van Dijk").refused, (Words{"Jong", "Dijk"}));
  EXPECT_TRUE(check("een jong kind bij de dijk").clean());
}

TEST(NameCheck, FirstNameAloneNeedsConfirmation) {
  NameCheck result = check("Roos en Bram in de klas");
  EXPECT_EQ(result.needs_confirmation, (Words{"Roos", "Bram"}));
  EXPECT_TRUE(result.refused.empty());
  Check unconfirmed = acceptNameCheck(result, false);
  ASSERT_FALSE(unconfirmed.has_value());
  EXPECT_EQ(unconfirmed.error().reason, Reason::kDeniedNameNeedsConfirmation);
  EXPECT_NE(unconfirmed.error().message.find("Roos, Bram"), std::string::npos);
  EXPECT_TRUE(acceptNameCheck(result, true));
}

TEST(NameCheck, HyphenatedFirstName) {
  EXPECT_EQ(check("Anne-Marie").needs_confirmation, (Words{"Anne", "Marie"}));
  EXPECT_TRUE(check("Anne").clean()) << "half of a hyphenated first name is not the name";
}

TEST(NameCheck, FullNameIsRefusedEitherOrder) {
  EXPECT_EQ(check("Roos Visser presenteert").refused, (Words{"Roos", "Visser"}));
  EXPECT_EQ(check("Visser, Roos").refused, (Words{"Visser", "Roos"}));
  EXPECT_EQ(check("Bram van den Berg").refused, (Words{"Bram", "Berg"}));
  EXPECT_EQ(check("Roos Visser").needs_confirmation, Words{});
}

TEST(NameCheck, RefusedWinsOverConfirmation) {
  // "Roos" is refused beside its surname, and only doubtful elsewhere.
  NameCheck result = check("Roos en de roos van Roos Visser");
  EXPECT_EQ(result.refused, (Words{"Roos", "Visser"}));
  EXPECT_TRUE(result.needs_confirmation.empty());
  Check confirmed = acceptNameCheck(result, true);
  ASSERT_FALSE(confirmed.has_value()) << "confirming does not let a surname through";
  EXPECT_EQ(confirmed.error().reason, Reason::kDeniedPupilName);
}

TEST(NameCheck, EachWordReportedOnceInItsFirstSpelling) {
  EXPECT_EQ(check("Visser, VISSER en visser").refused, Words{"Visser"});
}

// The message repeats only what the user typed: never the pupil's other
// names, never a roster entry.
TEST(NameCheck, MessageNamesOnlyTheMatchedWords) {
  Check refused = acceptNameCheck(check("Observatie Berg"), false);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason, Reason::kDeniedPupilName);
  const std::string& message = refused.error().message;
  EXPECT_NE(message.find("Berg"), std::string::npos);
  EXPECT_EQ(message.find("van den Berg"), std::string::npos);
  EXPECT_EQ(message.find("Bram"), std::string::npos);
  EXPECT_EQ(message.find("Roos"), std::string::npos);
}

TEST(NameCheck, SurnameOfOnlyParticlesNeverMatches) {
  EXPECT_TRUE(check("de").clean());
  EXPECT_EQ(check("Daan de").needs_confirmation, Words{"Daan"});
}

TEST(NameCheck, EmptyRosterOrText) {
  EXPECT_TRUE(checkPupilNames("Visser", {}).clean());
  EXPECT_TRUE(check("").clean());
}

TEST(NameCheck, ParticleList) {
  for (const char* word :
       {"van", "de", "der", "den", "het", "t",  "ter", "ten", "te", "in",  "op",
        "la",  "le", "du",  "des", "da",  "di", "vd",  "v",   "d",  "von", "zu"}) {
    EXPECT_TRUE(isNameParticle(word)) << word;
  }
  EXPECT_FALSE(isNameParticle("berg"));
  EXPECT_FALSE(isNameParticle("vander"));
}

}  // namespace
}  // namespace acl
