#include "acl/age.h"

namespace acl {

Date addDays(Date date, int days) {
  return Date{std::chrono::sys_days(date) + std::chrono::days(days)};
}

int daysBetween(Date from, Date to) {
  return static_cast<int>((std::chrono::sys_days(to) - std::chrono::sys_days(from)).count());
}

Date birthdayIn(Date birth, std::chrono::year year) {
  Date birthday{year, birth.month(), birth.day()};
  if (birthday.ok()) return birthday;
  // Only 29 February can be missing from a year: see the header for why 1 March.
  return Date{year, std::chrono::March, std::chrono::day(1)};
}

Date dateOfAge(Date birth, int years) {
  return birthdayIn(birth, birth.year() + std::chrono::years(years));
}

int ageOn(Date birth, Date on) {
  int age = static_cast<int>(on.year()) - static_cast<int>(birth.year());
  if (on < birthdayIn(birth, on.year())) --age;
  return age < 0 ? 0 : age;
}

}  // namespace acl
