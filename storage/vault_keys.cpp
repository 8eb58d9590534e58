// Vault: master key rotation and retirement.
#include "storage/vault.h"

namespace storage {

Result<Id> Vault::activeMasterKeyLocked() {
  auto select = db_->prepare("SELECT value FROM settings WHERE name = 'active_master_key'");
  if (!select) return std::unexpected(select.error());
  auto row = select->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(ErrorCode::kKeyFile, "no active master key; run lessonvault-admin init");
  auto id = Id::parse(select->columnText(0));
  if (!id) return fail(ErrorCode::kDatabase, "malformed active master key id in database");
  return *id;
}

Result<Id> Vault::activeMasterKey() {
  std::lock_guard lock(mutex_);
  return activeMasterKeyLocked();
}

std::vector<Id> Vault::masterKeys() {
  std::lock_guard lock(mutex_);
  return ring_.ids();
}

Result<SecretKey> Vault::serviceKey(std::string_view name) {
  if (name.empty() || name == "audit_key") {
    return fail(ErrorCode::kInvalidArgument, "not a service key name");
  }
  std::lock_guard lock(mutex_);
  auto select = db_->prepare("SELECT master_key_id, wrapped FROM secrets WHERE name = ?1");
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, name).step();
  if (!row) return std::unexpected(row.error());
  if (*row) {
    auto master = Id::parse(select->columnText(0));
    if (!master) return fail(ErrorCode::kDatabase, "malformed master key id for a service key");
    return unwrapNamedKey(WrappedKey{*master, select->columnBlob(1)}, name, ring_);
  }
  select->reset();
  auto master_id = activeMasterKeyLocked();
  if (!master_id) return std::unexpected(master_id.error());
  auto key = SecretKey::random();
  if (!key) return std::unexpected(key.error());
  auto wrapped = wrapNamedKey(*key, name, *master_id, *ring_.find(*master_id));
  if (!wrapped) return std::unexpected(wrapped.error());
  auto insert =
      db_->prepare("INSERT INTO secrets (name, master_key_id, wrapped) VALUES (?1, ?2, ?3)");
  if (!insert) return std::unexpected(insert.error());
  LV_TRY(insert->bind(1, name).bind(2, master_id->hex()).bindBlob(3, wrapped->blob).run());
  return key;
}

Status Vault::rewrapServiceKeysLocked(const KeyRing& ring, const Id& new_id,
                                      const SecretKey& new_key) {
  std::vector<std::pair<std::string, WrappedKey>> keys;
  auto select =
      db_->prepare("SELECT name, master_key_id, wrapped FROM secrets WHERE name <> 'audit_key'");
  if (!select) return std::unexpected(select.error());
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    auto master = Id::parse(s.columnText(1));
    if (!master) return fail(ErrorCode::kDatabase, "malformed master key id in secrets");
    keys.emplace_back(s.columnText(0), WrappedKey{*master, s.columnBlob(2)});
    return {};
  }));
  auto update =
      db_->prepare("UPDATE secrets SET master_key_id = ?2, wrapped = ?3 WHERE name = ?1");
  if (!update) return std::unexpected(update.error());
  for (const auto& [name, wrapped] : keys) {
    auto key = unwrapNamedKey(wrapped, name, ring);
    if (!key) return std::unexpected(key.error());
    auto rewrapped = wrapNamedKey(*key, name, new_id, new_key);
    if (!rewrapped) return std::unexpected(rewrapped.error());
    LV_TRY(update->bind(1, name).bind(2, new_id.hex()).bindBlob(3, rewrapped->blob).run());
  }
  return {};
}

Result<RotationResult> Vault::rotateMasterKey(std::int64_t now, const std::string& actor) {
  std::lock_guard lock(mutex_);
  // The new key file is durable before any data key depends on it. A crash
  // before the commit leaves an unused key file and every row as it was.
  auto new_id = KeyRing::generate(paths_.keys_dir);
  if (!new_id) return std::unexpected(new_id.error());
  auto ring = KeyRing::load(paths_.keys_dir);
  if (!ring) return std::unexpected(ring.error());
  const SecretKey* new_key = ring->find(*new_id);
  if (new_key == nullptr) return fail(ErrorCode::kKeyFile, "new master key did not load");

  struct Row {
    Id recording;
    WrappedKey wrapped;
  };
  std::vector<Row> rows;
  auto txn = Transaction::begin(*db_);
  if (!txn) return std::unexpected(txn.error());
  auto select = db_->prepare("SELECT recording_id, master_key_id, wrapped FROM data_keys");
  if (!select) return std::unexpected(select.error());
  for (;;) {
    auto row = select->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    auto recording = Id::parse(select->columnText(0));
    auto master = Id::parse(select->columnText(1));
    if (!recording || !master) return fail(ErrorCode::kDatabase, "malformed ids in data_keys");
    rows.push_back({*recording, WrappedKey{*master, select->columnBlob(2)}});
  }
  auto update =
      db_->prepare("UPDATE data_keys SET master_key_id = ?2, wrapped = ?3 WHERE recording_id = ?1");
  if (!update) return std::unexpected(update.error());
  for (const Row& row : rows) {
    auto data_key = unwrapDataKey(row.wrapped, row.recording, *ring);
    if (!data_key) return std::unexpected(data_key.error());
    auto rewrapped = wrapDataKey(*data_key, row.recording, *new_id, *new_key);
    if (!rewrapped) return std::unexpected(rewrapped.error());
    LV_TRY(update->bind(1, row.recording.hex())
               .bind(2, new_id->hex())
               .bindBlob(3, rewrapped->blob)
               .run());
  }
  auto audit_wrapped = wrapAuditKey(*audit_key_, *new_id, *new_key);
  if (!audit_wrapped) return std::unexpected(audit_wrapped.error());
  auto secret =
      db_->prepare("UPDATE secrets SET master_key_id = ?1, wrapped = ?2 WHERE name = 'audit_key'");
  if (!secret) return std::unexpected(secret.error());
  LV_TRY(secret->bind(1, new_id->hex()).bindBlob(2, audit_wrapped->blob).run());
  LV_TRY(rewrapServiceKeysLocked(*ring, *new_id, *new_key));
  auto active = db_->prepare("UPDATE settings SET value = ?1 WHERE name = 'active_master_key'");
  if (!active) return std::unexpected(active.error());
  LV_TRY(active->bind(1, new_id->hex()).run());
  LV_TRY(auditLocked({now, actor, "rotate_master_key", new_id->hex(), "done", ""}));
  LV_TRY(txn->commit());
  {
    std::lock_guard ring_lock(ring_mutex_);
    ring_ = std::move(*ring);
  }
  // The old wrapped forms should not linger in the WAL. The rotation itself is
  // committed either way, so a blocked checkpoint is reported, not an error.
  const bool truncated = [&] {
    const auto paused = readers_.pause();  // as in deletion
    return db_->checkpointTruncate().has_value();
  }();
  return RotationResult{*new_id, rows.size(), truncated};
}

Status Vault::retireMasterKey(const Id& key, std::int64_t now, const std::string& actor) {
  std::lock_guard lock(mutex_);
  auto active = activeMasterKeyLocked();
  if (!active) return std::unexpected(active.error());
  if (*active == key) {
    return fail(ErrorCode::kInvalidArgument,
                "master key " + key.hex() + " is the active key; rotate first");
  }
  if (ring_.find(key) == nullptr) {
    return fail(ErrorCode::kNotFound, "no master key " + key.hex() + " in the key directory");
  }
  auto count = db_->prepare(
      "SELECT (SELECT count(*) FROM data_keys WHERE master_key_id = ?1) + "
      "(SELECT count(*) FROM secrets WHERE master_key_id = ?1)");
  if (!count) return std::unexpected(count.error());
  auto row = count->bind(1, key.hex()).step();
  if (!row) return std::unexpected(row.error());
  if (const std::int64_t needed = count->columnInt(0); needed != 0) {
    return fail(
        ErrorCode::kInvalidArgument,
        std::to_string(needed) + " keys are still wrapped under " + key.hex() + "; rotate first");
  }
  count->reset();
  // Audited before the file goes: an entry without the deletion is harmless,
  // a deletion without its entry is not.
  LV_TRY(auditInTransactionLocked({now, actor, "retire_master_key", key.hex(), "done", ""}));
  LV_TRY(KeyRing::removeKeyFile(paths_.keys_dir, key));
  auto ring = KeyRing::load(paths_.keys_dir);
  if (!ring) return std::unexpected(ring.error());
  {
    std::lock_guard ring_lock(ring_mutex_);
    ring_ = std::move(*ring);
  }
  return {};
}

}  // namespace storage
