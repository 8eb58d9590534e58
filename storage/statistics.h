// Live counts for the processing register (R15): how much of each kind of
// personal data the service holds right now. Counts only, never contents.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "storage/vault.h"

namespace storage {

struct Statistics {
  std::map<std::string, std::int64_t> recordings_by_purpose;  // live recordings
  std::int64_t recordings_deleted = 0;                        // tombstones
  std::map<std::string, std::int64_t> people_by_role;
  std::int64_t people_left = 0;  // with a "left on" date
  std::int64_t guardianships = 0;
  std::int64_t consent_forms = 0;
  std::int64_t shared_comments = 0;
  std::int64_t personal_comments = 0;
  std::int64_t audit_entries = 0;
};

Result<Statistics> collectStatistics(Vault& vault);

}  // namespace storage
