#include "server/sweep.h"

#include "server/tus_uploads.h"
#include "storage/recording_queries.h"
#include "storage/uploads_repo.h"

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
  auto note = [&](const std::string& what, const storage::Status& done) {
    if (!done) report.problems.push_back(what + ": " + done.error().toString());
    return done.has_value();
  };
  note("finishing interrupted deletions", vault.finishPendingDeletions());
  // Uploads still open for a recording go from the registry with it (their
  // log is deleted with the recording; nothing may append to it after).
  auto forgetUploads = [&](const storage::Id& recording) {
    if (registry == nullptr) return;
    auto open = readWith<std::vector<storage::Id>>(
        vault, [&](storage::Database& db) { return storage::openUploadsOf(db, recording); });
    if (open) {
      for (const auto& upload : *open) registry->forget(upload);
    }
  };
  auto due = readWith<std::vector<storage::Id>>(
      vault, [&](storage::Database& db) { return storage::recordingsPastEnd(db, today); });
  if (!due) return std::unexpected(due.error());
  for (const storage::Id& id : *due) {
    forgetUploads(id);
    if (note("deleting " + id.hex(), vault.deleteRecording(id, "purpose_ended", now, "system"))) {
      ++report.recordings_deleted;
    }
  }
  auto expired = readWith<std::vector<storage::ExpiredUpload>>(
      vault, [&](storage::Database& db) { return storage::uploadsExpiredBy(db, now); });
  if (!expired) return std::unexpected(expired.error());
  for (const auto& upload : *expired) {
    if (registry) registry->forget(upload.upload);
    if (note("purging upload " + upload.upload.hex(), vault.removeUpload(upload.upload)) &&
        note("auditing", vault.audit({now, "system", "upload_expired", upload.recording.hex(),
                                      "done", ""}))) {
      ++report.uploads_purged;
    }
  }
  if (auto forgotten = storage::forgetFinishedUploads(vault, now); !forgotten) {
    report.problems.push_back("forgetting finished uploads: " + forgotten.error().toString());
  }
  auto failed = readWith<std::vector<storage::Id>>(
      vault, [&](storage::Database& db) { return failedPast(db, now - failed_grace_s); });
  if (!failed) return std::unexpected(failed.error());
  for (const storage::Id& id : *failed) {
    forgetUploads(id);
    if (note("deleting " + id.hex(), vault.deleteRecording(id, "ingest_failed", now, "system"))) {
      ++report.failed_deleted;
    }
  }
  auto people = storage::purgeDepartedPeople(vault, today, now);
  if (people) {
    report.people = *people;
  } else {
    report.problems.push_back("purging departed people: " + people.error().toString());
  }
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
         " kept for live recordings); audit head " + report.audit_head.toString() +
         (report.problems.empty() ? ""
                                  : "; " + std::to_string(report.problems.size()) +
                                        " left for the next run (first: " +
                                        report.problems.front() + ")");
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
