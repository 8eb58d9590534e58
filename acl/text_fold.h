// Splitting UTF-8 text into words and folding them for comparison: lower case,
// and Latin letters with diacritics reduced to their base letters (é→e, ë→e,
// ç→c, ñ→n, ø→o, ß→ss, æ→ae, ĳ→ij, ...). Used by the pupil-name check (R6).
//
// A word is a run of letters and digits. Separators: ASCII punctuation and
// spaces, U+0080–U+00BF (no-break space, quotes, ...), × and ÷, General
// Punctuation (U+2000–U+206F: curly quotes, dashes) and invalid UTF-8.
// Combining marks (U+0300–U+036F) are dropped, so decomposed "e" + U+0301
// folds like "é". Letters of other scripts are kept as they are.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace acl {

struct Word {
  std::string folded;  // ASCII for Latin text
  std::size_t begin;   // byte range of the word in the original text
  std::size_t end;
};

std::vector<Word> splitWords(std::string_view utf8);

// The folded words joined by single spaces: "Zoë  van Dijk!" → "zoe van dijk".
std::string foldText(std::string_view utf8);

}  // namespace acl
