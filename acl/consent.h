// The consent register (R7): per pupil and category, consent forms over time.
// Nothing is ever overwritten; a newer form (given or withdrawn) supersedes
// the older ones and the history stays.
//
// The form in force is the latest by form date, and on the same date the one
// recorded last (the higher sequence). Forms dated after `today` are not in
// force yet (checkConsentForm() refuses them, but storage may hold old data).
// No form in force means no consent.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "acl/people.h"
#include "acl/reason.h"

namespace acl {

// The category the guardian rule (R10) reads: the pupil's consent for their
// guardians to view student_support recordings about them from age 16.
inline constexpr std::string_view kGuardianAccessCategory = "guardian_access_recordings";

// Configuration: the categories forms may be recorded for (snake_case names).
struct ConsentConfig {
  std::vector<std::string> categories = {"school_guide", "website", "social_media", "newsletter",
                                         std::string(kGuardianAccessCategory)};
};

struct ConsentForm {
  PersonId pupil = 0;
  std::string category;
  Date form_date;             // the date on the form
  bool given = false;         // false: consent refused or withdrawn
  PersonId recorded_by = 0;   // who entered the form
  std::int64_t sequence = 0;  // recording order (storage's row id): later is higher
};

// denied_bad_consent_config: no categories, a duplicate, a name that is not
// [a-z0-9_]+, or kGuardianAccessCategory missing.
Check checkConsentConfig(const ConsentConfig& config);

// Whether a new form may be recorded on `today`: denied_unknown_consent_category,
// denied_consent_form_in_future.
Check checkConsentForm(const ConsentForm& form, const ConsentConfig& config, Date today);

// The forms for (pupil, category) in the order they took effect: by form date,
// then sequence. Includes forms dated after `today`; callers show those as pending.
std::vector<ConsentForm> consentHistory(std::span<const ConsentForm> forms, PersonId pupil,
                                        std::string_view category);

// The form in force on `today` for (pupil, category), if any.
std::optional<ConsentForm> consentInForce(std::span<const ConsentForm> forms, PersonId pupil,
                                          std::string_view category, Date today);

// Whether consent is given on `today`: the form in force says so.
bool consentGiven(std::span<const ConsentForm> forms, PersonId pupil, std::string_view category,
                  Date today);

}  // namespace acl
