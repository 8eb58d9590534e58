// Vault: the deletion journal, reconciled with the database at every open.
#include "storage/vault.h"

namespace storage {

Status Vault::reconcileDeletionJournal() {
  std::lock_guard lock(mutex_);
  auto key = DeletionJournal::deriveKey(*audit_key_);
  if (!key) return std::unexpected(key.error());
  auto journal = DeletionJournal::open(
      fs_, joinPath(paths_.keys_dir, std::string(kDeletionJournalName)), std::move(*key));
  if (!journal) return std::unexpected(journal.error());
  journal_ = std::move(*journal);

  // Journal → database: whatever was deleted stays deleted, even in a
  // database older than the deletion. Replayed under the original reason and
  // time; a recording this database never knew is nothing to do.
  for (const JournalEntry& entry : journal_->entries()) {
    auto done = deleteLocked(entry.recording, entry.reason, entry.at, "system", false);
    if (done) continue;
    if (done.error().code == ErrorCode::kNotFound) continue;
    // A reader (a backup) holding the WAL stops only the cleanup after the key
    // is gone: the recording is unreadable, and the next sweep finishes it.
    if (done.error().code == ErrorCode::kBusy) continue;
    return done;
  }

  // Database → journal: tombstones from before the journal existed (an
  // upgrade), or a journal restored from an older copy, are written back.
  std::vector<JournalEntry> missing;
  auto select = db_->prepare(
      "SELECT recording_id, deleted_at, reason FROM tombstones ORDER BY deleted_at, recording_id");
  if (!select) return std::unexpected(select.error());
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    auto id = Id::parse(s.columnText(0));
    if (!id) return fail(ErrorCode::kDatabase, "malformed recording id in tombstones");
    if (!journal_->contains(*id)) missing.push_back({*id, s.columnInt(1), s.columnText(2)});
    return {};
  }));
  return journal_->append(missing);
}

}  // namespace storage
