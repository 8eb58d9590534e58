#include "storage/uploads_repo.h"

namespace storage {

Result<std::optional<UploadRow>> findUpload(Database& db, const Id& upload) {
  auto select = db.prepare(
      "SELECT recording_id, length, expires_at, completed, 0 FROM uploads WHERE id = ?1");
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, upload.hex()).step();
  if (!row) return std::unexpected(row.error());
  if (!*row) {
    select->reset();
    select = db.prepare(
        "SELECT recording_id, length, answer_until, 1, 1 FROM finished_uploads WHERE id = ?1");
    if (!select) return std::unexpected(select.error());
    row = select->bind(1, upload.hex()).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::nullopt;
  }
  auto recording = Id::parse(select->columnText(0));
  if (!recording) return fail(ErrorCode::kDatabase, "malformed upload row");
  UploadRow out{upload, *recording, static_cast<std::uint64_t>(select->columnInt(1)),
                select->columnInt(2), select->columnInt(3) != 0, select->columnInt(4) != 0};
  select->reset();
  return out;
}

Result<int> forgetFinishedUploads(Vault& vault, std::int64_t now) {
  int forgotten = 0;
  auto done = vault.transact([&](Database& db, const Vault::Auditor&) -> Status {
    auto remove = db.prepare("DELETE FROM finished_uploads WHERE answer_until < ?1");
    if (!remove) return std::unexpected(remove.error());
    LV_TRY(remove->bind(1, now).run());
    forgotten = static_cast<int>(db.changes());
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return forgotten;
}

Result<std::vector<Id>> openUploadsOf(Database& db, const Id& recording) {
  auto select =
      db.prepare("SELECT id FROM uploads WHERE recording_id = ?1 AND completed = 0 ORDER BY id");
  if (!select) return std::unexpected(select.error());
  select->bind(1, recording.hex());
  std::vector<Id> out;
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    auto id = Id::parse(s.columnText(0));
    if (!id) return fail(ErrorCode::kDatabase, "malformed upload id");
    out.push_back(*id);
    return {};
  }));
  return out;
}

Status setUploadExpiry(Vault& vault, const Id& upload, std::int64_t expires_at) {
  return vault.transact([&](Database& db, const Vault::Auditor&) -> Status {
    auto update = db.prepare("UPDATE uploads SET expires_at = ?2 WHERE id = ?1");
    if (!update) return std::unexpected(update.error());
    return update->bind(1, upload.hex()).bind(2, expires_at).run();
  });
}

Result<bool> completeUpload(Vault& vault, const Id& upload, const Id& recording, std::int64_t now,
                            const std::string& actor) {
  bool completed = false;
  auto done = vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    auto mark = db.prepare("UPDATE uploads SET completed = 1 WHERE id = ?1 AND completed = 0");
    if (!mark) return std::unexpected(mark.error());
    LV_TRY(mark->bind(1, upload.hex()).run());
    if (db.changes() != 1) return {};
    completed = true;
    auto status = db.prepare(
        "UPDATE recordings SET status = 'processing' WHERE id = ?1 AND status = 'uploading'");
    if (!status) return std::unexpected(status.error());
    LV_TRY(status->bind(1, recording.hex()).run());
    return audit({now, actor, "upload_complete", recording.hex(), "done", ""});
  });
  if (!done) return std::unexpected(done.error());
  return completed;
}

Result<std::uint64_t> storedBytesOf(Database& db, acl::PersonId owner) {
  auto select = db.prepare(
      "SELECT (SELECT coalesce(sum(o.size), 0) FROM objects o "
      "        JOIN recording_details d ON d.recording_id = o.recording_id WHERE d.owner_id = ?1)"
      " + (SELECT coalesce(sum(u.length), 0) FROM uploads u "
      "    JOIN recording_details d ON d.recording_id = u.recording_id "
      "    WHERE d.owner_id = ?1)");
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, owner).step();
  if (!row) return std::unexpected(row.error());
  const auto bytes = static_cast<std::uint64_t>(select->columnInt(0));
  select->reset();
  return bytes;
}

Status reopenFailedRecording(Vault& vault, const Id& recording, acl::PersonId owner,
                             std::int64_t now) {
  return vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    auto update = db.prepare(
        "UPDATE recordings SET status = 'uploading' WHERE id = ?1 AND status = 'failed' "
        "AND EXISTS (SELECT 1 FROM recording_details d WHERE d.recording_id = ?1 "
        "            AND d.owner_id = ?2)");
    if (!update) return std::unexpected(update.error());
    LV_TRY(update->bind(1, recording.hex()).bind(2, owner).run());
    if (db.changes() != 1) {
      return fail(ErrorCode::kInvalidArgument, "recording is not a failed one of this owner");
    }
    auto clear = db.prepare("DELETE FROM ingest_failures WHERE recording_id = ?1");
    if (!clear) return std::unexpected(clear.error());
    LV_TRY(clear->bind(1, recording.hex()).run());
    return audit({now, std::to_string(owner), "reopen_upload", recording.hex(), "done", ""});
  });
}

}  // namespace storage
