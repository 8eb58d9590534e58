// Vault: the audit key and the audit chain (audit.h).
#include "storage/vault.h"

namespace storage {

Status Vault::loadAuditKey() {
  std::lock_guard lock(mutex_);
  auto select = db_->prepare("SELECT master_key_id, wrapped FROM secrets WHERE name = 'audit_key'");
  if (!select) return std::unexpected(select.error());
  auto row = select->step();
  if (!row) return std::unexpected(row.error());
  if (*row) {
    auto master = Id::parse(select->columnText(0));
    if (!master) return fail(ErrorCode::kDatabase, "malformed master key id for the audit key");
    auto key = unwrapAuditKey(WrappedKey{*master, select->columnBlob(1)}, ring_);
    if (!key) return std::unexpected(key.error());
    audit_key_ = std::move(*key);
    return {};
  }
  select->reset();
  auto master_id = activeMasterKeyLocked();
  if (!master_id) return std::unexpected(master_id.error());
  auto key = SecretKey::random();
  if (!key) return std::unexpected(key.error());
  auto wrapped = wrapAuditKey(*key, *master_id, *ring_.find(*master_id));
  if (!wrapped) return std::unexpected(wrapped.error());
  auto insert = db_->prepare(
      "INSERT INTO secrets (name, master_key_id, wrapped) VALUES ('audit_key', ?1, ?2)");
  if (!insert) return std::unexpected(insert.error());
  LV_TRY(insert->bind(1, master_id->hex()).bindBlob(2, wrapped->blob).run());
  audit_key_ = std::move(*key);
  return {};
}

Status Vault::auditInTransactionLocked(const AuditRecord& record) {
  auto txn = Transaction::begin(*db_);
  if (!txn) return std::unexpected(txn.error());
  LV_TRY(auditLocked(record));
  return txn->commit();
}

Status Vault::audit(const AuditRecord& record) {
  std::lock_guard lock(mutex_);
  return auditInTransactionLocked(record);
}

Result<AuditVerification> Vault::verifyAudit(const std::optional<AuditHead>& expected) {
  // On a connection of its own, outside the vault's mutex: walking the whole chain takes
  // time that streaming and uploads must not wait for. WAL gives it a consistent snapshot
  // while writers go on; the key is immutable after open.
  auto own = Database::openReader(paths_.database);
  if (!own) return std::unexpected(own.error());
  return storage::verifyAudit(**own, *audit_key_, expected);
}

Result<AuditHead> Vault::auditHead() {
  std::lock_guard lock(mutex_);
  return storage::auditHead(*db_);
}

Status Vault::transact(const std::function<Status(Database&, const Auditor&)>& work) {
  std::lock_guard lock(mutex_);
  auto txn = Transaction::begin(*db_);
  if (!txn) return std::unexpected(txn.error());
  const Auditor auditor = [this](const AuditRecord& record) { return auditLocked(record); };
  LV_TRY(work(*db_, auditor));
  return txn->commit();
}

Status Vault::read(const std::function<Status(Database&)>& work) { return readers_.run(work); }

}  // namespace storage
