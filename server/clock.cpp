#include "server/clock.h"

#include <chrono>
#include <cstdlib>
#include <ctime>

namespace server {

std::int64_t unixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

acl::Date localDate(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm local{};
  ::localtime_r(&t, &local);
  return acl::Date{std::chrono::year(local.tm_year + 1900),
                   std::chrono::month(static_cast<unsigned>(local.tm_mon + 1)),
                   std::chrono::day(static_cast<unsigned>(local.tm_mday))};
}

void useTimeZone(const std::string& zone) {
  ::setenv("TZ", zone.c_str(), 1);
  ::tzset();
}

}  // namespace server
