#include "acl/consent.h"

#include <algorithm>

namespace acl {
namespace {

bool isSnakeCase(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

bool tookEffectBefore(const ConsentForm& a, const ConsentForm& b) {
  if (a.form_date != b.form_date) return a.form_date < b.form_date;
  return a.sequence < b.sequence;
}

}  // namespace

Check checkConsentConfig(const ConsentConfig& config) {
  const auto& names = config.categories;
  if (names.empty()) return deny(Reason::kDeniedBadConsentConfig, "no consent categories");
  for (auto it = names.begin(); it != names.end(); ++it) {
    if (!isSnakeCase(*it)) {
      return deny(Reason::kDeniedBadConsentConfig, "bad consent category name: " + *it);
    }
    if (std::find(names.begin(), it, *it) != it) {
      return deny(Reason::kDeniedBadConsentConfig, "duplicate consent category: " + *it);
    }
  }
  if (std::ranges::find(names, kGuardianAccessCategory) == names.end()) {
    return deny(Reason::kDeniedBadConsentConfig,
                "missing consent category: " + std::string(kGuardianAccessCategory));
  }
  return {};
}

Check checkConsentForm(const ConsentForm& form, const ConsentConfig& config, Date today) {
  if (std::ranges::find(config.categories, form.category) == config.categories.end()) {
    return deny(Reason::kDeniedUnknownConsentCategory,
                "unknown consent category: " + form.category);
  }
  if (form.form_date > today) {
    return deny(Reason::kDeniedConsentFormInFuture, "the form is dated in the future");
  }
  return {};
}

std::vector<ConsentForm> consentHistory(std::span<const ConsentForm> forms, PersonId pupil,
                                        std::string_view category) {
  std::vector<ConsentForm> history;
  for (const ConsentForm& form : forms) {
    if (form.pupil == pupil && form.category == category) history.push_back(form);
  }
  std::ranges::stable_sort(history, tookEffectBefore);
  return history;
}

std::optional<ConsentForm> consentInForce(std::span<const ConsentForm> forms, PersonId pupil,
                                          std::string_view category, Date today) {
  const ConsentForm* latest = nullptr;
  for (const ConsentForm& form : forms) {
    if (form.pupil != pupil || form.category != category || form.form_date > today) continue;
    if (latest == nullptr || tookEffectBefore(*latest, form)) latest = &form;
  }
  if (latest == nullptr) return std::nullopt;
  return *latest;
}

bool consentGiven(std::span<const ConsentForm> forms, PersonId pupil, std::string_view category,
                  Date today) {
  auto form = consentInForce(forms, pupil, category, today);
  return form.has_value() && form->given;
}

}  // namespace acl
