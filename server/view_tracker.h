// One "view started" audit entry per viewing session, not one per fragment: a
// viewing session is one person on one recording with no request for
// `idle` (default 30 minutes) in between. Kept in memory: after a restart the
// next request starts a new session, which errs on the side of auditing.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace server {

class ViewTracker {
 public:
  explicit ViewTracker(std::int64_t idle_s = 30 * 60) : idle_s_(idle_s) {}

  // Notes a media request at `now`; true when it starts a new viewing session.
  bool startsSession(std::int64_t person, const std::string& recording, std::int64_t now);

  // Forgets the session (its start could not be audited; the next request retries).
  void forget(std::int64_t person, const std::string& recording);

 private:
  static constexpr std::size_t kMaxTracked = 100000;
  const std::int64_t idle_s_;
  std::mutex mutex_;
  std::map<std::pair<std::int64_t, std::string>, std::int64_t> last_seen_;
};

}  // namespace server
