// The two purposes a recording may serve (school rule R1) and the calendar
// date type used for purpose ends. Pure values: no I/O, no clock.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace acl {

enum class Purpose { kTeacherTraining, kStudentSupport };

std::string_view purposeName(Purpose purpose);  // "teacher_training", "student_support"
std::optional<Purpose> parsePurpose(std::string_view name);

// A calendar date in the school's time zone, with no time of day.
using Date = std::chrono::year_month_day;

// Parses exactly "YYYY-MM-DD" naming a real date (no 2026-02-30).
std::optional<Date> parseDate(std::string_view text);
std::string formatDate(Date date);

}  // namespace acl
