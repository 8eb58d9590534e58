#include "server/sweep.h"

#include "server/tus_uploads.h"
#include "storage/recording_queries.h"

namespace server {
namespace {

template <typename T>
storage::Result<T> readWith(storage::Vault& vault,
                            const std::function<storage::Result<T>(storage::Database&)>& query) {
  std::optional<T> out;
  auto done = vault.read([&](storage::Database& db) -> storage::Status {
    auto result = query(db);
    if (!result) return std::unexpected(result.error());
    out = std::move(*result);
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return std::move(*out);
}

storage::Result<std::vector<storage::Id>> failedPast(storage::Database& db, std::int64_t before) {
  auto select = db.prepare(
      "SELECT r.id FROM recordings r JOIN ingest_failures f ON f.recording_id = r.id "
      "WHERE r.status = 'failed' AND f.at < ?1 ORDER BY r.id");
  if (!select) return std::unexpected(select.error());
  select->bind(1, before);
  std::vector<storage::Id> ids;
  LV_TRY(select->forEachRow([&](const storage::Statement& s) -> storage::Status {
    if (auto id = storage::Id::parse(s.columnText(0))) ids.push_back(*id);
    return {};
  }));
  return ids;
}

}  // namespace

storage::Result<SweepReport> sweepOnce(storage::Vault& vault, std::int64_t now, acl::Date today,
                                       std::int64_t failed_grace_s, UploadRegistry* registry) {
  SweepReport report;
  LV_TRY(vault.finishPendingDeletions());
  auto due = readWith<std::vector<storage::Id>>(
      vault, [&](storage::Database& db) { return storage::recordingsPastEnd(db, today); });
  if (!due) return std::unexpected(due.error());
  for (const storage::Id& id : *due) {
    LV_TRY(vault.deleteRecording(id, "purpose_ended", now, "system"));
    ++report.recordings_deleted;
  }
  auto expired = readWith<std::vector<storage::ExpiredUpload>>(
      vault, [&](storage::Database& db) { return storage::uploadsExpiredBy(db, now); });
  if (!expired) return std::unexpected(expired.error());
  for (const auto& upload : *expired) {
    if (registry) registry->forget(upload.upload);
    LV_TRY(vault.removeUpload(upload.upload));
    LV_TRY(vault.audit({now, "system", "upload_expired", upload.recording.hex(), "done", ""}));
    ++report.uploads_purged;
  }
  auto failed = readWith<std::vector<storage::Id>>(
      vault, [&](storage::Database& db) { return failedPast(db, now - failed_grace_s); });
  if (!failed) return std::unexpected(failed.error());
  for (const storage::Id& id : *failed) {
    LV_TRY(vault.deleteRecording(id, "ingest_failed", now, "system"));
    ++report.failed_deleted;
  }
  auto people = storage::purgeDepartedPeople(vault, today, now);
  if (!people) return std::unexpected(people.error());
  report.people = *people;
  auto head = vault.auditHead();
  if (!head) return std::unexpected(head.error());
  report.audit_head = *head;
  return report;
}

std::string describe(const SweepReport& report) {
  return "deleted " + std::to_string(report.recordings_deleted) +
         " recordings past their purpose end, purged " + std::to_string(report.uploads_purged) +
         " expired uploads, deleted " + std::to_string(report.failed_deleted) +
         " failed recordings, purged " + std::to_string(report.people.purged) +
         " departed people (" + std::to_string(report.people.kept) +
         " kept for live recordings); audit head " + report.audit_head.toString();
}

SweepScheduler::SweepScheduler(int interval_s, Run run) {
  thread_ = std::thread([this, interval_s, run = std::move(run)] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      run();
      lock.lock();
      wake_.wait_for(lock, std::chrono::seconds(interval_s), [&] { return stopping_; });
    }
  });
}

SweepScheduler::~SweepScheduler() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

}  // namespace server
