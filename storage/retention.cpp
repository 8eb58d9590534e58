#include "storage/retention.h"

#include "acl/age.h"
#include "acl/people.h"

namespace storage {

Result<RetentionResult> purgeDepartedPeople(Vault& vault, acl::Date today, std::int64_t now) {
  RetentionResult result;
  auto done = vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    auto select = db.prepare(
        "SELECT id, left_on, EXISTS ("
        "  SELECT 1 FROM recording_details WHERE owner_id = people.id"
        "  UNION ALL SELECT 1 FROM participants WHERE person_id = people.id"
        "  UNION ALL SELECT 1 FROM consultations WHERE person_id = people.id"
        "  UNION ALL SELECT 1 FROM comments WHERE author_id = people.id) "
        "FROM people WHERE left_on IS NOT NULL");
    if (!select) return std::unexpected(select.error());
    std::vector<acl::PersonId> doomed;
    for (;;) {
      auto row = select->step();
      if (!row) return std::unexpected(row.error());
      if (!*row) break;
      auto left_on = acl::parseDate(select->columnText(1));
      if (!left_on) return fail(ErrorCode::kDatabase, "malformed left_on in people");
      if (!(acl::dateOfAge(*left_on, 2) < today)) continue;
      if (select->columnInt(2) != 0) {
        ++result.kept;
      } else {
        doomed.push_back(select->columnInt(0));
      }
    }
    select->reset();
    auto remove = db.prepare("DELETE FROM people WHERE id = ?1");
    if (!remove) return std::unexpected(remove.error());
    for (acl::PersonId id : doomed) {
      LV_TRY(remove->bind(1, id).run());
      LV_TRY(audit({now, "system", "roster_purge", std::to_string(id), "done",
                    "left_more_than_2_years_ago"}));
      ++result.purged;
    }
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return result;
}

}  // namespace storage
