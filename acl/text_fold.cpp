#include "acl/text_fold.h"

#include <array>
#include <cstdint>

namespace acl {
namespace {

// Base letters for U+00C0..U+017F (Latin-1 Supplement letters and Latin
// Extended-A), generated from Unicode decompositions; null: not a letter.
// clang-format off
constexpr std::array<const char*, 0x180 - 0xC0> kLatinFold = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  // U+00C0
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "ss",  // U+00D0
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  // U+00E0
    "d", "n", "o", "o", "o", "o", "o", nullptr, "o", "u", "u", "u", "u", "y", "th", "y",  // U+00F0
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",  // U+0100
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",  // U+0110
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",  // U+0120
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",  // U+0130
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",  // U+0140
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",  // U+0150
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",  // U+0160
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",  // U+0170
};
// clang-format on

constexpr char32_t kInvalid = 0xFFFFFFFF;

// Decodes one code point at `at`, advancing it; kInvalid for a malformed
// sequence (one byte is skipped).
char32_t decode(std::string_view text, std::size_t& at) {
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  std::uint8_t lead = byte(at);
  std::size_t length = lead < 0x80           ? 1
                       : (lead >> 5) == 0x6  ? 2
                       : (lead >> 4) == 0xE  ? 3
                       : (lead >> 3) == 0x1E ? 4
                                             : 0;
  if (length == 0 || at + length > text.size()) {
    ++at;
    return kInvalid;
  }
  char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) {
      ++at;
      return kInvalid;
    }
    cp = (cp << 6) | (byte(at + i) & 0x3F);
  }
  at += length;
  return cp;
}

enum class Kind { kSeparator, kMark, kLetter };

// What `cp` is to a word, and the folded text it contributes.
Kind classify(char32_t cp, std::string_view original, std::string& folded) {
  if (cp < 0x80) {
    char c = static_cast<char>(cp);
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      folded = std::string(1, c);
      return Kind::kLetter;
    }
    return Kind::kSeparator;
  }
  if (cp == kInvalid || cp < 0xC0 || (cp >= 0x2000 && cp <= 0x206F)) return Kind::kSeparator;
  if (cp >= 0x300 && cp <= 0x36F) return Kind::kMark;
  if (cp < 0x180) {
    const char* base = kLatinFold[cp - 0xC0];
    if (base == nullptr) return Kind::kSeparator;
    folded = base;
    return Kind::kLetter;
  }
  folded = std::string(original);
  return Kind::kLetter;
}

}  // namespace

std::vector<Word> splitWords(std::string_view utf8) {
  std::vector<Word> words;
  bool in_word = false;
  std::size_t at = 0;
  while (at < utf8.size()) {
    std::size_t start = at;
    char32_t cp = decode(utf8, at);
    std::string folded;
    Kind kind = classify(cp, utf8.substr(start, at - start), folded);
    if (kind == Kind::kMark) {
      if (in_word) words.back().end = at;
      continue;
    }
    if (kind == Kind::kSeparator) {
      in_word = false;
      continue;
    }
    if (!in_word) words.push_back(Word{"", start, at});
    in_word = true;
    words.back().folded += folded;
    words.back().end = at;
  }
  return words;
}

std::string foldText(std::string_view utf8) {
  std::string text;
  for (const Word& word : splitWords(utf8)) {
    if (!text.empty()) text += ' ';
    text += word.folded;
  }
  return text;
}

}  // namespace acl
