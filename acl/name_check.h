// R6: no pupils' names with recordings. Titles and descriptions are checked
// against the roster's pupils before they are stored.
//
// Matching is on whole words, ignoring case and diacritics (text_fold.h: "Zoë"
// matches "zoe", "Ozcan" matches "Özcan"). Dutch name particles (van, de, der,
// den, het, 't, ter, ten, te, in, op, la, le, du, des, da, di, vd, v.d., von,
// zu) never match on their own and are skipped on both sides, so a name
// matches when its other words appear in the text in order, side by side
// (particles in between are skipped): surname "van den Berg" matches "Berg",
// "de Jong-van Dijk" matches "Jong van Dijk" but not "Jong" alone.
//
// - a surname, or a first name next to that pupil's surname ("Roos Visser",
//   "Visser, Roos"): refused;
// - a first name alone: needs the user's explicit confirmation, because many
//   first names are ordinary words ("Roos", "Bram", "Sterre").
//
// The result names only the words of the text that matched, as the user
// wrote them: never which pupil, never a roster name the user did not type.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "acl/reason.h"

namespace acl {

struct RosterPupil {
  std::string first_name;
  std::string surname;  // with particles: "van den Berg"
};

// Words of the checked text, each once (first spelling, text order).
struct NameCheck {
  std::vector<std::string> refused;
  std::vector<std::string> needs_confirmation;  // never also in refused

  bool clean() const { return refused.empty() && needs_confirmation.empty(); }
};

// Whether a folded word (text_fold.h) is a name particle. "'t" and "v.d." fold
// to the words "t", and "v" "d", which are particles too.
bool isNameParticle(std::string_view folded_word);

// Checks `text` (UTF-8) against every pupil of `roster`. Thread-safe; cost is
// proportional to roster size times text length.
NameCheck checkPupilNames(std::string_view text, std::span<const RosterPupil> roster);

// The decision on a check: denied_pupil_name when anything was refused,
// denied_name_needs_confirmation when first names matched and the user has not
// confirmed; the message lists the matched words.
Check acceptNameCheck(const NameCheck& check, bool confirmed);

}  // namespace acl
