// What the admin and the privacy officer read: the roster as it stands, and
// the audit log, for one recording or as a whole, newest first. Reads only;
// the routes decide who may ask (acl) and audit that they did.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/audit.h"
#include "storage/vault.h"

namespace storage {

struct RosterPerson {
  acl::PersonId id = 0;
  std::string external_id;
  std::string display_name;
  std::vector<acl::Role> roles;
  std::optional<std::string> birth_date;  // pupils only
  std::optional<std::string> left_on;
  std::vector<acl::PersonId> guardian_of;
  bool has_account = false;
};

// Everyone on the roster, by display name, at most `limit` from `offset`.
Result<std::vector<RosterPerson>> listPeople(Database& db, int limit, int offset);

struct AuditEntry {
  std::int64_t seq = 0;
  AuditRecord record;
};

// Audit entries newest first, with seq < `before` (0: from the newest), at
// most `limit`. With `object`, only entries about it: the recording itself
// and its per-person entries ("<id>:<person>").
Result<std::vector<AuditEntry>> auditEntries(Database& db, const std::optional<std::string>& object,
                                             std::int64_t before, int limit);

}  // namespace storage
