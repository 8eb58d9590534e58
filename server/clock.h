// The server's clock: unix seconds for timestamps and the school's calendar
// date for every rule (acl takes the date as an argument). There is no
// override: tests that move time run `lessonvault-admin sweep --now`.
#pragma once

#include <cstdint>
#include <string>

#include "acl/clock.h"

namespace server {

// Unix seconds now.
std::int64_t unixNow();

// The calendar date of `unix_seconds` in the time zone set by useTimeZone().
acl::Date localDate(std::int64_t unix_seconds);

// Makes `zone` (a name under /usr/share/zoneinfo, validated by the config) the
// process's local time zone. Call once at start-up, before threads start:
// localtime_r reads TZ, and setenv is not thread-safe.
void useTimeZone(const std::string& zone);

// today() is localDate(unixNow()).
class SchoolClock final : public acl::Clock {
 public:
  acl::Date today() const override { return localDate(unixNow()); }
};

}  // namespace server
