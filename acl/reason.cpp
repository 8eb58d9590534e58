#include "acl/reason.h"

#include <array>
#include <utility>

namespace acl {
namespace {

constexpr std::array kReasons = {
#define LV_ACL_ENTRY(enumerator, name) std::pair{Reason::enumerator, std::string_view(name)},
    LV_ACL_REASONS(LV_ACL_ENTRY)
#undef LV_ACL_ENTRY
};

}  // namespace

std::string_view reasonName(Reason reason) {
  for (const auto& [value, name] : kReasons) {
    if (value == reason) return name;
  }
  return "";
}

std::optional<Reason> parseReason(std::string_view name) {
  for (const auto& [value, known] : kReasons) {
    if (known == name) return value;
  }
  return std::nullopt;
}

bool isAllowedReason(Reason reason) { return reasonName(reason).starts_with("allowed_"); }

std::string Denial::toString() const {
  std::string text(reasonName(reason));
  text += ": ";
  text += message;
  return text;
}

}  // namespace acl
