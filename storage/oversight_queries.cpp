#include "storage/oversight_queries.h"

namespace storage {

Result<std::vector<RosterPerson>> listPeople(Database& db, int limit, int offset) {
  auto select = db.prepare(
      "SELECT p.id, p.external_id, p.display_name, p.birth_date, p.left_on, "
      "(SELECT group_concat(role) FROM person_roles r WHERE r.person_id = p.id), "
      "(SELECT group_concat(pupil_id) FROM guardianships g WHERE g.guardian_id = p.id), "
      "EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = p.id) "
      "FROM people p ORDER BY p.display_name, p.id LIMIT ?1 OFFSET ?2");
  if (!select) return std::unexpected(select.error());
  select->bind(1, limit).bind(2, offset);
  std::vector<RosterPerson> out;
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    RosterPerson person;
    person.id = s.columnInt(0);
    person.external_id = s.columnText(1);
    person.display_name = s.columnText(2);
    if (!s.columnIsNull(3)) person.birth_date = s.columnText(3);
    if (!s.columnIsNull(4)) person.left_on = s.columnText(4);
    const std::string roles = s.columnText(5);
    for (std::size_t start = 0; start < roles.size();) {
      const std::size_t comma = std::min(roles.find(',', start), roles.size());
      if (auto role = acl::parseRole(roles.substr(start, comma - start))) {
        person.roles.push_back(*role);
      }
      start = comma + 1;
    }
    const std::string pupils = s.columnText(6);
    for (std::size_t start = 0; start < pupils.size();) {
      const std::size_t comma = std::min(pupils.find(',', start), pupils.size());
      person.guardian_of.push_back(std::stoll(pupils.substr(start, comma - start)));
      start = comma + 1;
    }
    person.has_account = s.columnInt(7) != 0;
    out.push_back(std::move(person));
    return {};
  }));
  return out;
}

Result<std::vector<AuditEntry>> auditEntries(Database& db, const std::optional<std::string>& object,
                                             std::int64_t before, int limit) {
  // instr() rather than LIKE: the object is data, never a pattern.
  auto select = db.prepare(
      "SELECT seq, at, actor, action, object, outcome, reason FROM audit "
      "WHERE (?1 = 0 OR seq < ?1) AND (?2 IS NULL OR object = ?2 OR instr(object, ?2 || ':') = 1) "
      "ORDER BY seq DESC LIMIT ?3");
  if (!select) return std::unexpected(select.error());
  select->bind(1, before);
  if (object) {
    select->bind(2, *object);
  } else {
    select->bindNull(2);
  }
  select->bind(3, limit);
  std::vector<AuditEntry> out;
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    out.push_back({s.columnInt(0),
                   {s.columnInt(1), s.columnText(2), s.columnText(3), s.columnText(4),
                    s.columnText(5), s.columnText(6)}});
    return {};
  }));
  return out;
}

}  // namespace storage
