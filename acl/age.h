// Calendar arithmetic on acl::Date: adding days, birthdays and ages. All on
// local calendar dates (the school's time zone); there is no time of day, so a
// pupil turns 16 at the start of the local birthday, wherever the server runs.
//
// Birthdays on 29 February: in a year without 29 February the birthday is
// 1 March. Age is the number of completed years, and someone born on the last
// day of February in a leap year has not completed a year until 28 February is
// over. 1 March is also what std::chrono gives when "birth + N years" lands on a
// non-existent 29 February and is normalised through sys_days, so any code that
// adds years the plain way agrees with this rule. docs/acl-leap-day-birthdays.md.
#pragma once

#include <chrono>

#include "acl/purpose.h"

namespace acl {

// date + days (days may be negative). `date` must be ok().
Date addDays(Date date, int days);

// Whole days from `from` to `to` (negative when `to` is earlier).
int daysBetween(Date from, Date to);

// The birthday of someone born on `birth` in `year`: the same month and day,
// except 29 February in a non-leap year, which becomes 1 March.
Date birthdayIn(Date birth, std::chrono::year year);

// The date on which someone born on `birth` turns `years` old (years >= 0).
Date dateOfAge(Date birth, int years);

// Completed years on `on`; negative ages are clamped to 0 (on before birth).
int ageOn(Date birth, Date on);

}  // namespace acl
