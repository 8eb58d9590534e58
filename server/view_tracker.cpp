#include "server/view_tracker.h"

#include <iterator>

namespace server {

bool ViewTracker::startsSession(std::int64_t person, const std::string& recording,
                                std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = last_seen_.try_emplace({person, recording}, now);
  const bool starts = inserted || now - it->second > idle_s_;
  it->second = now;
  if (last_seen_.size() > kMaxTracked) {
    // Forget sessions that have ended anyway; the map stays bounded.
    std::erase_if(last_seen_, [&](const auto& entry) { return now - entry.second > idle_s_; });
  }
  return starts;
}

void ViewTracker::forget(std::int64_t person, const std::string& recording) {
  std::lock_guard lock(mutex_);
  last_seen_.erase({person, recording});
}

}  // namespace server
