#include "acl/name_check.h"

#include <algorithm>
#include <array>

#include "acl/text_fold.h"

namespace acl {
namespace {

constexpr std::array<std::string_view, 22> kParticles = {
    "van", "de", "der", "den", "het", "t",  "ter", "ten", "te", "in",  "op",
    "la",  "le", "du",  "des", "da",  "di", "vd",  "v",   "d",  "von", "zu"};

// The non-particle folded words of a roster name.
std::vector<std::string> nameCore(std::string_view name) {
  std::vector<std::string> core;
  for (Word& word : splitWords(name)) {
    if (!isNameParticle(word.folded)) core.push_back(std::move(word.folded));
  }
  return core;
}

enum Mark : int { kNone = 0, kConfirm = 1, kRefuse = 2 };

// The text's non-particle words, with a mark per word.
struct Text {
  std::vector<Word> words;  // non-particle words only
  std::vector<int> marks;

  // Whether `name` occurs at position `at`.
  bool matchesAt(const std::vector<std::string>& name, std::size_t at) const {
    if (name.empty() || at + name.size() > words.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      if (words[at + i].folded != name[i]) return false;
    }
    return true;
  }
  void mark(std::size_t at, std::size_t count, int value) {
    for (std::size_t i = at; i < at + count; ++i) marks[i] = std::max(marks[i], value);
  }
};

void checkPupil(Text& text, const RosterPupil& pupil) {
  std::vector<std::string> first = nameCore(pupil.first_name);
  std::vector<std::string> surname = nameCore(pupil.surname);
  for (std::size_t at = 0; at < text.words.size(); ++at) {
    if (text.matchesAt(surname, at)) text.mark(at, surname.size(), kRefuse);
    if (!text.matchesAt(first, at)) continue;
    // A first name beside its own surname, either order, is a full name.
    bool full = text.matchesAt(surname, at + first.size()) ||
                (at >= surname.size() && text.matchesAt(surname, at - surname.size()));
    text.mark(at, first.size(), full ? kRefuse : kConfirm);
  }
}

// The original spellings of the words marked `value`, each folded form once.
std::vector<std::string> collect(const Text& text, std::string_view original, int value) {
  std::vector<std::string> seen, words;
  for (std::size_t i = 0; i < text.words.size(); ++i) {
    if (text.marks[i] != value) continue;
    const Word& word = text.words[i];
    if (std::ranges::find(seen, word.folded) != seen.end()) continue;
    seen.push_back(word.folded);
    words.emplace_back(original.substr(word.begin, word.end - word.begin));
  }
  return words;
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) {
    if (!text.empty()) text += ", ";
    text += word;
  }
  return text;
}

}  // namespace

bool isNameParticle(std::string_view folded_word) {
  return std::ranges::find(kParticles, folded_word) != kParticles.end();
}

NameCheck checkPupilNames(std::string_view text, std::span<const RosterPupil> roster) {
  Text words;
  for (Word& word : splitWords(text)) {
    if (!isNameParticle(word.folded)) words.words.push_back(std::move(word));
  }
  words.marks.assign(words.words.size(), kNone);
  for (const RosterPupil& pupil : roster) checkPupil(words, pupil);

  NameCheck check{collect(words, text, kRefuse), collect(words, text, kConfirm)};
  // A word refused in one place and only doubtful in another is refused.
  std::erase_if(check.needs_confirmation, [&](const std::string& word) {
    std::string folded = foldText(word);
    return std::ranges::any_of(check.refused,
                               [&](const std::string& r) { return foldText(r) == folded; });
  });
  return check;
}

Check acceptNameCheck(const NameCheck& check, bool confirmed) {
  if (!check.refused.empty()) {
    return deny(Reason::kDeniedPupilName,
                "remove pupils' names from the text: " + joined(check.refused));
  }
  if (!check.needs_confirmation.empty() && !confirmed) {
    return deny(Reason::kDeniedNameNeedsConfirmation,
                "these words are first names of pupils; confirm they do not name a pupil: " +
                    joined(check.needs_confirmation));
  }
  return {};
}

}  // namespace acl
