// Importing a parsed roster (roster.h) in one transaction.
#include <algorithm>
#include <map>

#include "acl/age.h"
#include "storage/roster.h"

namespace storage {
namespace {

struct Stored {
  acl::PersonId id;
  std::string display_name;
  std::string birth_date;
  std::string left_on;
  std::string roles;        // sorted names joined by '|'
  std::string guardian_of;  // sorted pupil ids joined by '|'
};

std::string joinSorted(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : "|") + item;
  return out;
}

std::string dateText(const std::optional<acl::Date>& date) {
  return date ? acl::formatDate(*date) : std::string();
}

// The first column of every row of `sql`, with `id` bound to ?1.
Result<std::vector<std::string>> columnTexts(Database& db, std::string_view sql, std::int64_t id) {
  auto select = db.prepare(sql);
  if (!select) return std::unexpected(select.error());
  select->bind(1, id);
  std::vector<std::string> out;
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    out.push_back(s.columnText(0));
    return {};
  }));
  return out;
}

Result<std::optional<Stored>> findStored(Database& db, const std::string& external_id) {
  auto person = db.prepare(
      "SELECT id, display_name, coalesce(birth_date, ''), coalesce(left_on, '') FROM people "
      "WHERE external_id = ?1");
  if (!person) return std::unexpected(person.error());
  auto row = person->bind(1, external_id).step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::nullopt;
  Stored stored{person->columnInt(0),
                person->columnText(1),
                person->columnText(2),
                person->columnText(3),
                "",
                ""};
  auto roles = columnTexts(db, "SELECT role FROM person_roles WHERE person_id = ?1", stored.id);
  if (!roles) return std::unexpected(roles.error());
  auto pupils = columnTexts(
      db, "SELECT CAST(pupil_id AS TEXT) FROM guardianships WHERE guardian_id = ?1", stored.id);
  if (!pupils) return std::unexpected(pupils.error());
  stored.roles = joinSorted(std::move(*roles));
  stored.guardian_of = joinSorted(std::move(*pupils));
  return stored;
}

// The person id of a pupil named by external id, or a problem.
Result<std::optional<acl::PersonId>> pupilId(Database& db, const std::string& external_id) {
  auto select = db.prepare(
      "SELECT p.id FROM people p JOIN person_roles r ON r.person_id = p.id "
      "WHERE p.external_id = ?1 AND r.role = 'pupil'");
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, external_id).step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::nullopt;
  return select->columnInt(0);
}

Status writePerson(Database& db, const RosterEntry& entry, std::optional<acl::PersonId> existing,
                   acl::PersonId& id) {
  auto upsert =
      db.prepare(existing ? "UPDATE people SET display_name = ?2, birth_date = nullif(?3, ''), "
                            "left_on = nullif(?4, '') WHERE id = ?1"
                          : "INSERT INTO people (external_id, display_name, birth_date, left_on) "
                            "VALUES (?1, ?2, nullif(?3, ''), nullif(?4, ''))");
  if (!upsert) return std::unexpected(upsert.error());
  if (existing) {
    upsert->bind(1, *existing);
  } else {
    upsert->bind(1, entry.external_id);
  }
  LV_TRY(upsert->bind(2, entry.display_name)
             .bind(3, dateText(entry.birth_date))
             .bind(4, dateText(entry.left_on))
             .run());
  id = existing ? *existing : static_cast<acl::PersonId>(db.lastInsertId());
  auto clear = db.prepare("DELETE FROM person_roles WHERE person_id = ?1");
  if (!clear) return std::unexpected(clear.error());
  LV_TRY(clear->bind(1, id).run());
  auto role = db.prepare("INSERT INTO person_roles (person_id, role) VALUES (?1, ?2)");
  if (!role) return std::unexpected(role.error());
  for (acl::Role r : entry.roles) LV_TRY(role->bind(1, id).bind(2, acl::roleName(r)).run());
  return {};
}

}  // namespace

Result<RosterImport> importRoster(Vault& vault, const std::vector<RosterEntry>& all_entries,
                                  acl::Date today, std::int64_t now, const std::string& actor) {
  RosterImport result;
  std::vector<RosterEntry> entries;
  auto done = vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    for (const RosterEntry& entry : all_entries) {
      if (entry.left_on && acl::dateOfAge(*entry.left_on, 2) < today) {
        auto known = findStored(db, entry.external_id);
        if (!known) return std::unexpected(known.error());
        if (!*known) {
          ++result.skipped;
          continue;
        }
      }
      entries.push_back(entry);
    }
    // People first, so that guardians may name pupils from the same file.
    std::vector<std::optional<Stored>> before;
    std::vector<acl::PersonId> ids(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      auto stored = findStored(db, entries[i].external_id);
      if (!stored) return std::unexpected(stored.error());
      before.push_back(*stored);
      LV_TRY(writePerson(db, entries[i], *stored ? std::optional((*stored)->id) : std::nullopt,
                         ids[i]));
    }
    auto link = db.prepare("INSERT INTO guardianships (guardian_id, pupil_id) VALUES (?1, ?2)");
    auto unlink = db.prepare("DELETE FROM guardianships WHERE guardian_id = ?1");
    if (!link || !unlink) return fail(ErrorCode::kDatabase, "cannot prepare guardianships");
    for (std::size_t i = 0; i < entries.size(); ++i) {
      LV_TRY(unlink->bind(1, ids[i]).run());
      for (const std::string& child : entries[i].guardian_of) {
        auto pupil = pupilId(db, child);
        if (!pupil) return std::unexpected(pupil.error());
        if (!*pupil) {
          result.problems.push_back(
              {entries[i].line, "guardian_of", "no pupil with external id \"" + child + "\""});
          continue;
        }
        LV_TRY(link->bind(1, ids[i]).bind(2, **pupil).run());
      }
    }
    if (!result.problems.empty()) {
      return fail(ErrorCode::kInvalidArgument, "the roster has problems; nothing was imported");
    }
    // Now compare with what was there, to count and audit real changes only.
    for (std::size_t i = 0; i < entries.size(); ++i) {
      auto after = findStored(db, entries[i].external_id);
      if (!after || !*after) return fail(ErrorCode::kDatabase, "imported person vanished");
      const Stored& a = **after;
      const auto& b = before[i];
      const bool same = b && b->display_name == a.display_name && b->birth_date == a.birth_date &&
                        b->left_on == a.left_on && b->roles == a.roles &&
                        b->guardian_of == a.guardian_of;
      if (same) {
        ++result.unchanged;
        continue;
      }
      ++(b ? result.updated : result.added);
      LV_TRY(audit(
          {now, actor, b ? "roster_update" : "roster_add", std::to_string(a.id), "done", ""}));
    }
    return {};
  });
  if (!done && result.problems.empty()) return std::unexpected(done.error());
  if (!done) result.skipped = result.added = result.updated = result.unchanged = 0;
  return result;
}

}  // namespace storage
