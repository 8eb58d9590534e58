#include "storage/statistics.h"

namespace storage {
namespace {

Result<std::int64_t> scalar(Database& db, std::string_view sql) {
  auto select = db.prepare(sql);
  if (!select) return std::unexpected(select.error());
  auto row = select->step();
  if (!row) return std::unexpected(row.error());
  return *row ? select->columnInt(0) : 0;
}

Status grouped(Database& db, std::string_view sql, std::map<std::string, std::int64_t>& out) {
  auto select = db.prepare(sql);
  if (!select) return std::unexpected(select.error());
  return select->forEachRow([&](const Statement& s) -> Status {
    out[s.columnText(0)] = s.columnInt(1);
    return {};
  });
}

}  // namespace

Result<Statistics> collectStatistics(Vault& vault) {
  Statistics stats;
  auto done = vault.read([&](Database& db) -> Status {
    LV_TRY(grouped(db,
                   "SELECT purpose, count(*) FROM recordings WHERE status <> 'deleting' "
                   "GROUP BY purpose",
                   stats.recordings_by_purpose));
    LV_TRY(
        grouped(db, "SELECT role, count(*) FROM person_roles GROUP BY role", stats.people_by_role));
    const std::pair<std::string_view, std::int64_t*> counts[] = {
        {"SELECT count(*) FROM tombstones", &stats.recordings_deleted},
        {"SELECT count(*) FROM people WHERE left_on IS NOT NULL", &stats.people_left},
        {"SELECT count(*) FROM guardianships", &stats.guardianships},
        {"SELECT count(*) FROM consent_forms", &stats.consent_forms},
        {"SELECT count(*) FROM comments WHERE personal = 0", &stats.shared_comments},
        {"SELECT count(*) FROM comments WHERE personal = 1", &stats.personal_comments},
        {"SELECT count(*) FROM audit", &stats.audit_entries},
    };
    for (const auto& [sql, target] : counts) {
      auto value = scalar(db, sql);
      if (!value) return std::unexpected(value.error());
      *target = *value;
    }
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return stats;
}

}  // namespace storage
