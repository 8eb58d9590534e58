// The audit chain (DESIGN.md invariant 5): an append-only table in which each
// entry carries the MAC of the one before it, so that editing, removing,
// inserting or reordering entries is detected, and cutting off the tail is
// detected against a head noted elsewhere (the service's log).
//
//   mac(n) = HMAC-SHA256(audit key, "LVAUDIT1" || n (u64 BE) || at (i64 BE)
//                        || actor || action || object || outcome || reason
//                        || mac(n-1))      each text field as u32 BE length || bytes
//   mac(0) = 32 zero bytes
//
// The audit key is random, stored only wrapped under the active master key
// (keys.h) and re-wrapped at rotation, so the database alone cannot rebuild
// the chain, and retiring an old master key never orphans old entries.
// Entries hold ids and codes only — never names, titles or free text — so
// they can outlive what they describe; append() enforces that.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/crypto.h"
#include "storage/database.h"

namespace storage {

struct AuditRecord {
  std::int64_t at;      // unix seconds
  std::string actor;    // a person id, or "system"
  std::string action;   // e.g. "delete_recording"
  std::string object;   // a recording, upload, person or key id; may be empty
  std::string outcome;  // "done", "allowed", "denied" or "failed"
  std::string reason;   // a reason code; may be empty
};

struct AuditHead {
  std::int64_t seq = 0;  // 0: empty chain
  Mac mac{};
  std::string toString() const;                             // "<seq>:<mac hex>"
  static std::optional<AuditHead> parse(std::string_view);  // the same form
  friend bool operator==(const AuditHead&, const AuditHead&) = default;
};

struct AuditVerification {
  std::int64_t entries = 0;
  AuditHead head;
  // Set at the first broken link: the sequence number where it was found and
  // what is wrong there.
  std::optional<std::int64_t> broken_at;
  std::string problem;
  bool ok() const { return !broken_at.has_value(); }
};

// Appends `record` as the next entry. Must run inside the caller's
// transaction, so the entry commits or rolls back with the change it records.
// kInvalidArgument when a field is not an id or a code.
Status appendAudit(Database& db, const SecretKey& audit_key, const AuditRecord& record);

// Reads the whole chain in order and checks every link. With `expected`, also
// checks that the chain still reaches that head (a cut-off tail otherwise
// verifies cleanly).
// Reads `chunk` entries per read snapshot (see audit.cpp).
Result<AuditVerification> verifyAudit(Database& db, const SecretKey& audit_key,
                                      const std::optional<AuditHead>& expected,
                                      std::int64_t chunk = 2000);

Result<AuditHead> auditHead(Database& db);

}  // namespace storage
