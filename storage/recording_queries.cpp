#include "storage/recording_queries.h"

#include <algorithm>

namespace storage {
namespace {

std::vector<std::string> splitIds(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Result<std::vector<Id>> recordingIds(Statement& select) {
  std::vector<Id> ids;
  LV_TRY(select.forEachRow([&](const Statement& s) -> Status {
    auto id = Id::parse(s.columnText(0));
    if (!id) return fail(ErrorCode::kDatabase, "malformed recording id in database");
    ids.push_back(*id);
    return {};
  }));
  return ids;
}

}  // namespace

Result<std::vector<Id>> candidateRecordings(Database& db, const acl::Actor& actor) {
  // A guardian sees recordings about their pupils through the subject pupil's
  // participant row, so the pupils' ids are part of the query.
  std::string pupils;
  for (acl::PersonId pupil : actor.guardian_of) {
    pupils += (pupils.empty() ? "" : ",") + std::to_string(pupil);
  }
  auto select = db.prepare(
      "SELECT r.id FROM recordings r JOIN recording_details d ON d.recording_id = r.id "
      "WHERE r.status <> 'deleting' AND (d.owner_id = ?1 "
      "  OR EXISTS (SELECT 1 FROM participants p WHERE p.recording_id = r.id "
      "             AND (p.person_id = ?1 OR (p.relation = 'subject_pupil' AND "
      "                  p.person_id IN (SELECT value FROM json_each(?2)))))) "
      "ORDER BY r.created_at DESC, r.id");
  if (!select) return std::unexpected(select.error());
  select->bind(1, actor.person.id).bind(2, "[" + pupils + "]");
  return recordingIds(*select);
}

Result<std::optional<RecordingDetails>> loadRecordingDetails(Database& db, const Id& recording) {
  auto select = db.prepare(
      "SELECT d.title, d.description, d.written_purpose, r.purpose, r.purpose_end, d.created_on, "
      "r.status, d.owner_id, o.display_name "
      "FROM recordings r JOIN recording_details d ON d.recording_id = r.id "
      "JOIN people o ON o.id = d.owner_id WHERE r.id = ?1 AND r.status <> 'deleting'");
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, recording.hex()).step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::nullopt;
  RecordingDetails details;
  details.id = recording;
  details.title = select->columnText(0);
  details.description = select->columnText(1);
  details.written_purpose = select->columnText(2);
  auto purpose = acl::parsePurpose(select->columnText(3));
  auto end = acl::parseDate(select->columnText(4));
  auto created = acl::parseDate(select->columnText(5));
  auto status = acl::parseRecordingStatus(select->columnText(6));
  if (!purpose || !end || !created || !status) {
    return fail(ErrorCode::kDatabase, "malformed recording " + recording.hex());
  }
  details.purpose = *purpose;
  details.purpose_end = *end;
  details.created_on = *created;
  details.status = *status;
  details.owner = select->columnInt(7);
  details.owner_name = select->columnText(8);
  select->reset();
  auto people = db.prepare(
      "SELECT p.person_id, p.relation, p.rights, p.until, n.display_name FROM participants p "
      "JOIN people n ON n.id = p.person_id WHERE p.recording_id = ?1 ORDER BY n.display_name");
  if (!people) return std::unexpected(people.error());
  people->bind(1, recording.hex());
  LV_TRY(people->forEachRow([&](const Statement& s) -> Status {
    auto relation = acl::parseRelation(s.columnText(1));
    auto rights = acl::parseRights(s.columnText(2));
    if (!relation || !rights) return fail(ErrorCode::kDatabase, "malformed participant");
    acl::Participant p{s.columnInt(0), *relation, *rights, std::nullopt};
    if (!s.columnIsNull(3)) p.until = acl::parseDate(s.columnText(3));
    details.participants.push_back({p, s.columnText(4)});
    return {};
  }));
  return details;
}

Result<acl::Decision> checkAccess(Vault& vault, acl::PersonId actor, acl::Action action,
                                  const Id& recording, acl::Date today, std::int64_t now) {
  // Decided on a read (no write transaction: these requests come many times a
  // second per viewer); a denial, the only thing to record, is audited after.
  acl::Decision decision{acl::Reason::kDeniedNoRecording};
  std::optional<AuditRecord> denial;
  const Vault::Auditor keep = [&](const AuditRecord& record) -> Status {
    denial = record;
    return {};
  };
  LV_TRY(vault.read([&](Database& db) -> Status {
    auto decided = decideInTransaction(db, keep, actor, action, recording, today, now);
    if (!decided) return std::unexpected(decided.error());
    decision = decided->decision;
    return {};
  }));
  if (denial) LV_TRY(vault.audit(*denial));
  return decision;
}

Result<std::vector<Id>> recordingsPastEnd(Database& db, acl::Date today) {
  // ISO dates compare as text.
  auto select = db.prepare(
      "SELECT id FROM recordings WHERE status <> 'deleting' AND purpose_end < ?1 ORDER BY id");
  if (!select) return std::unexpected(select.error());
  select->bind(1, acl::formatDate(today));
  return recordingIds(*select);
}

Result<std::vector<ExpiredUpload>> uploadsExpiredBy(Database& db, std::int64_t now) {
  auto select = db.prepare(
      "SELECT id, recording_id FROM uploads WHERE completed = 0 AND expires_at > 0 "
      "AND expires_at < ?1 ORDER BY id");
  if (!select) return std::unexpected(select.error());
  select->bind(1, now);
  std::vector<ExpiredUpload> out;
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    auto upload = Id::parse(s.columnText(0));
    auto recording = Id::parse(s.columnText(1));
    if (!upload || !recording) return fail(ErrorCode::kDatabase, "malformed upload row");
    out.push_back({*upload, *recording});
    return {};
  }));
  return out;
}

Result<std::vector<DeletionReceipt>> deletionReceipts(Database& db, int limit) {
  auto select = db.prepare(
      "SELECT recording_id, deleted_at, reason, master_key_id, objects, uploads "
      "FROM deletion_receipts ORDER BY deleted_at DESC, recording_id LIMIT ?1");
  if (!select) return std::unexpected(select.error());
  select->bind(1, limit);
  std::vector<DeletionReceipt> out;
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    out.push_back({s.columnText(0), s.columnInt(1), s.columnText(2), s.columnText(3),
                   splitIds(s.columnText(4)), splitIds(s.columnText(5))});
    return {};
  }));
  return out;
}

Result<std::vector<PersonMatch>> searchPeople(Database& db, std::string_view query, int limit) {
  // instr() on lower() instead of LIKE: the query is data, never a pattern.
  auto select = db.prepare(
      "SELECT p.id, p.display_name, group_concat(r.role) FROM people p "
      "JOIN person_roles r ON r.person_id = p.id "
      "WHERE instr(lower(p.display_name), lower(?1)) > 0 GROUP BY p.id "
      "ORDER BY max(r.role = 'staff') DESC, p.display_name LIMIT ?2");
  if (!select) return std::unexpected(select.error());
  select->bind(1, query).bind(2, limit);
  std::vector<PersonMatch> out;
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    PersonMatch match{s.columnInt(0), s.columnText(1), {}};
    for (const std::string& name : splitIds(s.columnText(2))) {
      if (auto role = acl::parseRole(name)) match.roles.push_back(*role);
    }
    out.push_back(std::move(match));
    return {};
  }));
  return out;
}

}  // namespace storage

namespace storage {

Result<std::map<acl::PersonId, std::string>> displayNames(Database& db,
                                                          const std::vector<acl::PersonId>& ids) {
  auto select = db.prepare("SELECT display_name FROM people WHERE id = ?1");
  if (!select) return std::unexpected(select.error());
  std::map<acl::PersonId, std::string> names;
  for (acl::PersonId id : ids) {
    if (names.contains(id)) continue;
    auto row = select->bind(1, id).step();
    if (!row) return std::unexpected(row.error());
    if (*row) names[id] = select->columnText(0);
    select->reset();
  }
  return names;
}

}  // namespace storage
