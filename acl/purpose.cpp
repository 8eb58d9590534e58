#include "acl/purpose.h"

#include <charconv>
#include <cstdio>

namespace acl {

std::string_view purposeName(Purpose purpose) {
  switch (purpose) {
    case Purpose::kTeacherTraining:
      return "teacher_training";
    case Purpose::kStudentSupport:
      return "student_support";
  }
  return "";
}

std::optional<Purpose> parsePurpose(std::string_view name) {
  if (name == "teacher_training") return Purpose::kTeacherTraining;
  if (name == "student_support") return Purpose::kStudentSupport;
  return std::nullopt;
}

std::optional<Date> parseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t at, std::size_t len) -> std::optional<unsigned> {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + len, value);
    if (ec != std::errc() || end != text.data() + at + len) return std::nullopt;
    return value;
  };
  auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d) return std::nullopt;
  Date date{std::chrono::year(static_cast<int>(*y)), std::chrono::month(*m), std::chrono::day(*d)};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string formatDate(Date date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

}  // namespace acl
