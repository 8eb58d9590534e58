// Vault: deleting recordings for good, and cleaning up after crashes.
#include <optional>

#include "storage/vault.h"

namespace storage {
namespace {

bool isReasonCode(std::string_view reason) {
  if (reason.empty() || reason.size() > 64) return false;
  for (char c : reason) {
    if (!(c == '_' || (c >= 'a' && c <= 'z'))) return false;
  }
  return true;
}

// The first column of every row; `recording`, if given, is bound to ?1.
Result<std::vector<std::string>> selectIds(Database& db, std::string_view sql,
                                           std::optional<Id> recording = std::nullopt) {
  auto select = db.prepare(sql);
  if (!select) return std::unexpected(select.error());
  if (recording) select->bind(1, recording->hex());
  std::vector<std::string> ids;
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    ids.push_back(s.columnText(0));
    return {};
  }));
  return ids;
}

struct RecordingRow {
  std::string purpose;
  std::int64_t created_at;
  std::string status;
};

// The row to delete; nullopt when only its tombstone is left; kNotFound when
// there never was one. Statements are finished before returning: an open read
// would stop the WAL checkpoint that deletion depends on.
Result<std::optional<RecordingRow>> recordingForDeletion(Database& db, const Id& recording) {
  auto select = db.prepare("SELECT purpose, created_at, status FROM recordings WHERE id = ?1");
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, recording.hex()).step();
  if (!row) return std::unexpected(row.error());
  if (*row) {
    return RecordingRow{select->columnText(0), select->columnInt(1), select->columnText(2)};
  }
  auto tomb = db.prepare("SELECT 1 FROM tombstones WHERE recording_id = ?1");
  if (!tomb) return std::unexpected(tomb.error());
  auto found = tomb->bind(1, recording.hex()).step();
  if (!found) return std::unexpected(found.error());
  if (*found) return std::nullopt;
  return fail(ErrorCode::kNotFound, "no such recording");
}

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const std::string& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

// The deletion receipt: which key and which files this deletion destroys,
// written in the transaction that destroys the key, so it exists exactly
// when the deletion has begun. Ids and codes only, like the tombstone.
Status writeReceipt(Database& db, const Id& recording, std::string_view reason,
                    std::int64_t now) {
  auto key = selectIds(db, "SELECT master_key_id FROM data_keys WHERE recording_id = ?1",
                       recording);
  if (!key) return std::unexpected(key.error());
  auto objects = selectIds(db, "SELECT id FROM objects WHERE recording_id = ?1 ORDER BY id",
                           recording);
  if (!objects) return std::unexpected(objects.error());
  auto uploads = selectIds(db, "SELECT id FROM uploads WHERE recording_id = ?1 ORDER BY id",
                           recording);
  if (!uploads) return std::unexpected(uploads.error());
  auto insert = db.prepare(
      "INSERT OR IGNORE INTO deletion_receipts "
      "(recording_id, deleted_at, reason, master_key_id, objects, uploads) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  if (!insert) return std::unexpected(insert.error());
  return insert->bind(1, recording.hex())
      .bind(2, now)
      .bind(3, reason)
      .bind(4, key->empty() ? std::string() : key->front())
      .bind(5, joined(*objects))
      .bind(6, joined(*uploads))
      .run();
}

}  // namespace

Status Vault::deleteRecording(const Id& recording, std::string_view reason, std::int64_t now,
                              const std::string& actor) {
  if (!isReasonCode(reason)) {
    return fail(ErrorCode::kInvalidArgument, "deletion reason must be a code of a-z and _");
  }
  std::lock_guard lock(mutex_);
  return deleteLocked(recording, reason, now, actor, true);
}

Status Vault::deleteLocked(const Id& recording, std::string_view reason, std::int64_t now,
                           const std::string& actor, bool journal) {
  auto current = recordingForDeletion(*db_, recording);
  if (!current) return std::unexpected(current.error());
  if (!current->has_value()) return {};  // already deleted: deletion is idempotent
  const RecordingRow& row = **current;
  if (row.status != "deleting") {
    // Step 0: the journal outside the database learns of it first, so that
    // neither a crash after the key is gone nor a restored backup can undo it.
    if (journal && journal_ == nullptr) {
      return fail(ErrorCode::kInvalidArgument, "the deletion journal is not open");
    }
    if (journal && !journal_->contains(recording)) {
      LV_TRY(journal_->append({JournalEntry{recording, now, std::string(reason)}}));
    }
    // Step 1, atomically: the key goes and the recording becomes "on its way
    // out". From this commit on, nothing of it can be decrypted again — nor served by
    // a reader kept from before it (storage-open-objects.md).
    const auto no_kept_readers = open_objects_->suspend();
    auto txn = Transaction::begin(*db_);
    if (!txn) return std::unexpected(txn.error());
    LV_TRY(writeReceipt(*db_, recording, reason, now));
    // With the key go the rows that say what it was and who was in it.
    for (std::string_view sql : {"DELETE FROM data_keys WHERE recording_id = ?1",
                                 "DELETE FROM comments WHERE recording_id = ?1",
                                 "DELETE FROM consultations WHERE recording_id = ?1",
                                 "DELETE FROM erasure_requests WHERE recording_id = ?1",
                                 "DELETE FROM finished_uploads WHERE recording_id = ?1",
                                 "DELETE FROM participants WHERE recording_id = ?1",
                                 "DELETE FROM recording_details WHERE recording_id = ?1"}) {
      auto drop = db_->prepare(sql);
      if (!drop) return std::unexpected(drop.error());
      LV_TRY(drop->bind(1, recording.hex()).run());
    }
    auto mark = db_->prepare("UPDATE recordings SET status = 'deleting' WHERE id = ?1");
    if (!mark) return std::unexpected(mark.error());
    LV_TRY(mark->bind(1, recording.hex()).run());
    auto tomb = db_->prepare(
        "INSERT INTO tombstones (recording_id, purpose, created_at, deleted_at, reason) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!tomb) return std::unexpected(tomb.error());
    LV_TRY(tomb->bind(1, recording.hex())
               .bind(2, row.purpose)
               .bind(3, row.created_at)
               .bind(4, now)
               .bind(5, reason)
               .run());
    LV_TRY(auditLocked(
        {now, actor, "delete_recording", recording.hex(), "done", std::string(reason)}));
    LV_TRY(txn->commit());
  }
  return removeFilesAndRowsLocked(recording);
}

Status Vault::removeFilesAndRowsLocked(const Id& recording) {
  // The key is gone (step 1 committed): no reader kept from before may serve again,
  // and none keeps a descriptor of a file about to be removed.
  open_objects_->forget();
  // Step 2: no copy of the wrapped key may survive in the WAL. If a reader
  // blocks this, the recording stays 'deleting' (already unreadable) and the
  // next open or sweep finishes it.
  {
    // No read transaction may hold the WAL while it is truncated; reads wait meanwhile.
    const auto paused = readers_.pause();
    LV_TRY(db_->checkpointTruncate());
  }
  // Step 3: the files. Already-missing files are what a resumed deletion finds.
  auto objects = selectIds(*db_, "SELECT id FROM objects WHERE recording_id = ?1", recording);
  if (!objects) return std::unexpected(objects.error());
  auto uploads = selectIds(*db_, "SELECT id FROM uploads WHERE recording_id = ?1", recording);
  if (!uploads) return std::unexpected(uploads.error());
  auto removeAll = [&](const std::vector<std::string>& ids, bool object) -> Status {
    for (const std::string& hex : ids) {
      auto id = Id::parse(hex);
      if (!id) return fail(ErrorCode::kDatabase, "malformed id in database");
      auto gone = fs_.remove(object ? objectPath(*id) : uploadPath(*id));
      if (!gone && gone.error().code != ErrorCode::kNotFound) return gone;
    }
    return {};
  };
  LV_TRY(removeAll(*objects, true));
  LV_TRY(removeAll(*uploads, false));
  LV_TRY(fs_.syncDir(objectsDir()));
  LV_TRY(fs_.syncDir(uploadsDir()));
  // Step 4: the rows; the tombstone stays.
  auto txn = Transaction::begin(*db_);
  if (!txn) return std::unexpected(txn.error());
  for (std::string_view sql :
       {"DELETE FROM fragments WHERE object_id IN "
        "(SELECT id FROM objects WHERE recording_id = ?1)",
        "DELETE FROM media WHERE recording_id = ?1",
        "DELETE FROM ingest_failures WHERE recording_id = ?1",
        "DELETE FROM objects WHERE recording_id = ?1",
        "DELETE FROM uploads WHERE recording_id = ?1", "DELETE FROM recordings WHERE id = ?1"}) {
    auto remove = db_->prepare(sql);
    if (!remove) return std::unexpected(remove.error());
    LV_TRY(remove->bind(1, recording.hex()).run());
  }
  return txn->commit();
}

Status Vault::finishPendingDeletions() {
  std::lock_guard lock(mutex_);
  auto pending = selectIds(*db_, "SELECT id FROM recordings WHERE status = 'deleting'");
  if (!pending) return std::unexpected(pending.error());
  for (const std::string& hex : *pending) {
    auto id = Id::parse(hex);
    if (!id) return fail(ErrorCode::kDatabase, "malformed recording id in database");
    LV_TRY(removeFilesAndRowsLocked(*id));
  }
  return {};
}

Status Vault::removeOrphanFiles() {
  std::lock_guard lock(mutex_);
  for (bool objects : {true, false}) {
    const std::string dir = objects ? objectsDir() : uploadsDir();
    auto names = fs_.list(dir);
    if (!names) return std::unexpected(names.error());
    auto lookup = db_->prepare(objects ? "SELECT 1 FROM objects WHERE id = ?1"
                                       : "SELECT 1 FROM uploads WHERE id = ?1");
    if (!lookup) return std::unexpected(lookup.error());
    bool removed = false;
    for (const std::string& name : *names) {
      // Leftovers of writers a crash interrupted: nothing else writes at open().
      bool orphan = name.starts_with('.') && name.ends_with(".tmp");
      if (Id::parse(name)) {
        auto row = lookup->bind(1, name).step();
        if (!row) return std::unexpected(row.error());
        orphan = !*row;
        lookup->reset();
      }
      if (orphan) {
        LV_TRY(fs_.remove(joinPath(dir, name)));
        removed = true;
      }
    }
    if (removed) LV_TRY(fs_.syncDir(dir));
  }
  return {};
}

}  // namespace storage
