#include "storage/person_export.h"

#include <algorithm>
#include <functional>

namespace storage {
namespace {

// Runs `sql` with `bind` applied and calls `row` for each result row.
Status eachRow(Database& db, std::string_view sql, const std::function<void(Statement&)>& bind,
               const std::function<Status(const Statement&)>& row) {
  auto select = db.prepare(sql);
  if (!select) return std::unexpected(select.error());
  bind(*select);
  return select->forEachRow(row);
}

Status texts(Database& db, std::string_view sql, std::int64_t id, std::vector<std::string>& out) {
  return eachRow(
      db, sql, [&](Statement& s) { s.bind(1, id); },
      [&](const Statement& s) -> Status {
        out.push_back(s.columnText(0));
        return {};
      });
}

Status loadRecordings(Database& db, PersonExport& person) {
  const auto id = person.id;
  LV_TRY(eachRow(
      db,
      "SELECT d.recording_id, d.title, r.purpose, d.written_purpose, r.purpose_end, r.status, "
      "       d.created_on, CASE WHEN d.owner_id = ?1 THEN 'owner' ELSE p.relation END, "
      "       coalesce(p.rights, 'view,comment,manage'), coalesce(p.until, '') "
      "FROM recording_details d JOIN recordings r ON r.id = d.recording_id "
      "LEFT JOIN participants p ON p.recording_id = d.recording_id AND p.person_id = ?1 "
      "WHERE d.owner_id = ?1 OR p.person_id = ?1 ORDER BY d.created_on, d.recording_id",
      [&](Statement& s) { s.bind(1, id); },
      [&](const Statement& s) -> Status {
        person.recordings.push_back({s.columnText(0),
                                     s.columnText(1),
                                     s.columnText(2),
                                     s.columnText(3),
                                     s.columnText(4),
                                     s.columnText(5),
                                     s.columnText(6),
                                     s.columnText(7),
                                     s.columnText(8),
                                     s.columnText(9),
                                     {}});
        return {};
      }));
  // Views by role and relation only: the viewer's id never leaves this query.
  for (ExportedRecording& recording : person.recordings) {
    LV_TRY(eachRow(
        db,
        "SELECT a.at, coalesce((SELECT group_concat(role, '|') FROM person_roles "
        "                      WHERE CAST(person_id AS TEXT) = a.actor), 'unknown'), "
        "       CASE WHEN CAST(d.owner_id AS TEXT) = a.actor THEN 'owner' "
        "            ELSE coalesce(p.relation, 'none') END "
        "FROM audit a JOIN recording_details d ON d.recording_id = a.object "
        "LEFT JOIN participants p ON p.recording_id = a.object "
        "                        AND CAST(p.person_id AS TEXT) = a.actor "
        "WHERE a.object = ?1 AND a.action = 'view_media' AND a.outcome = 'allowed' ORDER BY a.seq",
        [&](Statement& s) { s.bind(1, recording.id); },
        [&](const Statement& s) -> Status {
          recording.views.push_back({s.columnInt(0), s.columnText(1), s.columnText(2)});
          return {};
        }));
  }
  return {};
}

// What an action of this person was about, without anyone else's id (R12):
// recording, upload and key ids stay; "<recording>:<person>" keeps the
// recording; a person id stays only when it is their own.
std::string ownObject(const std::string& object, std::int64_t self) {
  if (auto colon = object.find(':'); colon != std::string::npos) return object.substr(0, colon);
  const bool person_id = !object.empty() && std::all_of(object.begin(), object.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  if (person_id && object != std::to_string(self)) return "";
  return object;
}

}  // namespace

Result<PersonExport> exportPerson(Vault& vault, std::string_view external_id, std::int64_t now,
                                  const std::string& actor) {
  PersonExport person;
  auto done = vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    bool found = false;
    LV_TRY(eachRow(
        db,
        "SELECT id, external_id, display_name, coalesce(birth_date, ''), coalesce(left_on, '') "
        "FROM people WHERE external_id = ?1",
        [&](Statement& s) { s.bind(1, external_id); },
        [&](const Statement& s) -> Status {
          found = true;
          person.id = s.columnInt(0);
          person.external_id = s.columnText(1);
          person.display_name = s.columnText(2);
          person.birth_date = s.columnText(3);
          person.left_on = s.columnText(4);
          return {};
        }));
    if (!found)
      return fail(ErrorCode::kNotFound, "nobody has external id " + std::string(external_id));
    const auto id = person.id;
    LV_TRY(texts(db, "SELECT role FROM person_roles WHERE person_id = ?1 ORDER BY role", id,
                 person.roles));
    LV_TRY(texts(db,
                 "SELECT p.external_id FROM guardianships g JOIN people p ON p.id = g.pupil_id "
                 "WHERE g.guardian_id = ?1 ORDER BY 1",
                 id, person.guardian_of));
    LV_TRY(texts(db,
                 "SELECT p.external_id FROM guardianships g JOIN people p ON p.id = g.guardian_id "
                 "WHERE g.pupil_id = ?1 ORDER BY 1",
                 id, person.guardians));
    LV_TRY(eachRow(
        db,
        "SELECT category, form_date, given, recorded_at FROM consent_forms "
        "WHERE pupil_id = ?1 ORDER BY id",
        [&](Statement& s) { s.bind(1, id); },
        [&](const Statement& s) -> Status {
          person.consent.push_back(
              {s.columnText(0), s.columnText(1), s.columnInt(2) != 0, s.columnInt(3)});
          return {};
        }));
    LV_TRY(loadRecordings(db, person));
    LV_TRY(eachRow(
        db,
        "SELECT recording_id, consulted_on FROM consultations WHERE person_id = ?1 "
        "ORDER BY consulted_on, recording_id",
        [&](Statement& s) { s.bind(1, id); },
        [&](const Statement& s) -> Status {
          person.consultations.push_back({s.columnText(0), s.columnText(1)});
          return {};
        }));
    LV_TRY(eachRow(
        db,
        "SELECT recording_id, position_ms, created_at, body FROM comments "
        "WHERE author_id = ?1 AND personal = 0 ORDER BY id",
        [&](Statement& s) { s.bind(1, id); },
        [&](const Statement& s) -> Status {
          person.comments.push_back(
              {s.columnText(0), s.columnInt(1), s.columnInt(2), s.columnText(3)});
          return {};
        }));
    LV_TRY(eachRow(
        db,
        "SELECT at, action, object, outcome, reason FROM audit WHERE actor = ?1 "
        "ORDER BY seq",
        [&](Statement& s) { s.bind(1, std::to_string(id)); },
        [&](const Statement& s) -> Status {
          person.actions.push_back({s.columnInt(0), s.columnText(1), ownObject(s.columnText(2), id),
                                    s.columnText(3), s.columnText(4)});
          return {};
        }));
    return audit({now, actor, "export_person", std::to_string(id), "done", ""});
  });
  if (!done) return std::unexpected(done.error());
  return person;
}

}  // namespace storage
