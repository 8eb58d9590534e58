// Where acl gets "today" from. acl never reads a clock itself: every rule takes
// the date as an argument, and whoever calls it asks a Clock once per request,
// so one request sees one date. The real clock (the school's time zone) lives in
// server/; FixedClock is for tests and for tools that replay a given day.
#pragma once

#include "acl/purpose.h"

namespace acl {

// Thread safety: implementations must allow today() from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  // The calendar date in the school's time zone.
  virtual Date today() const = 0;
};

// Always answers the date it was given. set() is not synchronised with today():
// change the date only while no other thread uses the clock.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(Date today) : today_(today) {}
  Date today() const override { return today_; }
  void set(Date today) { today_ = today; }

 private:
  Date today_;
};

}  // namespace acl
