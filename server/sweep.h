// The expiry sweep: what makes recordings disappear when their purpose ends
// (R5, invariant 3). One run
//   1. finishes deletions a crash interrupted,
//   2. deletes every recording whose purpose end lies before today (key first,
//      then files, then rows; a tombstone, a receipt and an audit entry stay),
//   3. purges tus uploads past their expiry,
//   4. deletes recordings whose ingest failed and that nobody re-uploaded
//      within the upload expiry,
//   5. purges roster people due under R19,
// and reports the audit head, which the caller logs outside the database.
// Idempotent and crash-safe: every step is Vault's own crash-safe deletion or
// a single transaction, so killing it anywhere leaves work the next run does.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "acl/purpose.h"
#include "storage/audit.h"
#include "storage/retention.h"
#include "storage/vault.h"

namespace server {

class UploadRegistry;

struct SweepReport {
  int recordings_deleted = 0;
  int uploads_purged = 0;
  int failed_deleted = 0;
  // Items that could not be removed this time (a file the OS refused, a busy
  // checkpoint): the sweep goes on with the others, and the next run retries.
  std::vector<std::string> problems;
  storage::RetentionResult people;
  storage::AuditHead audit_head;
};

// One sweep as of `now` (unix seconds) and `today` (the school's date).
// `registry` (may be null: the CLI) forgets the uploads it purges. One item
// that fails does not stop the others (see SweepReport::problems); an error
// is returned only when the database cannot even be read.
storage::Result<SweepReport> sweepOnce(storage::Vault& vault, std::int64_t now, acl::Date today,
                                       std::int64_t failed_grace_s, UploadRegistry* registry);

// "deleted 2 recordings, purged 1 upload, ..." for logs and the CLI.
std::string describe(const SweepReport& report);

// Runs sweepOnce every `interval_s` on its own thread, first right at start.
class SweepScheduler {
 public:
  using Run = std::function<void()>;
  SweepScheduler(int interval_s, Run run);
  ~SweepScheduler();  // stops and joins
  SweepScheduler(const SweepScheduler&) = delete;
  SweepScheduler& operator=(const SweepScheduler&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace server
