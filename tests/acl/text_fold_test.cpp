// Word splitting and folding for the name check: case and diacritics.
#include "acl/text_fold.h"

#include <gtest/gtest.h>

namespace acl {
namespace {

TEST(TextFold, FoldsEveryListedDiacritic) {
  struct Case {
    const char* text;
    const char* folded;
  };
  const Case cases[] = {
      {"é è ê ë É È Ê Ë", "e e e e e e e e"},
      {"ï í ì î Ï Í Ì Î", "i i i i i i i i"},
      {"ö ó ò ô Ö Ó Ò Ô", "o o o o o o o o"},
      {"ü ú ù û Ü Ú Ù Û", "u u u u u u u u"},
      {"à á â ä å À Á Â Ä Å", "a a a a a a a a a a"},
      {"ç Ç ñ Ñ ý Ý ÿ Ÿ", "c c n n y y y y"},
      {"ĳ Ĳ", "ij ij"},
      {"ß Æ ø Ł š Ž ő", "ss ae o l s z o"},
      {"Zoë", "zoe"},
      {"Ömer Özdemir", "omer ozdemir"},
      {"FRANÇOIS", "francois"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(foldText(c.text), c.folded);
  }
}

TEST(TextFold, SeparatorsAndDigits) {
  EXPECT_EQ(foldText("Les 3: 't Hof, v.d. Berg!"), "les 3 t hof v d berg");
  EXPECT_EQ(foldText("Anne-Marie\u00a0de\u2019Wit"), "anne marie de wit");  // NBSP, curly quote
  EXPECT_EQ(foldText("2\u00d73"), "2 3");                                   // × separates
  EXPECT_EQ(foldText("   "), "");
}

TEST(TextFold, DecomposedAccentsFoldLikeComposed) {
  EXPECT_EQ(foldText("Zoe\u0308"), "zoe");    // e + combining diaeresis
  EXPECT_EQ(foldText("Re\u0301my"), "remy");  // inside a word
}

TEST(TextFold, InvalidUtf8SeparatesAndDoesNotCrash) {
  EXPECT_EQ(foldText("ab\xff"
                     "cd"),
            "ab cd");
  EXPECT_EQ(foldText("ab\xc3"), "ab");  // truncated sequence
  EXPECT_EQ(foldText("\xe2\x82"), "");
}

TEST(TextFold, OtherScriptsStayWords) {
  EXPECT_EQ(foldText("Ελένη Παπαδοπούλου"), "Ελένη Παπαδοπούλου");
}

TEST(TextFold, WordsKeepTheirPlaceInTheOriginal) {
  std::string text = "Les met Zoë.";
  auto words = splitWords(text);
  ASSERT_EQ(words.size(), 3u);
  EXPECT_EQ(words[2].folded, "zoe");
  EXPECT_EQ(text.substr(words[2].begin, words[2].end - words[2].begin), "Zoë");
}

}  // namespace
}  // namespace acl
