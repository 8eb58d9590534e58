#include "storage/recording_repo.h"

#include <algorithm>

#include "acl/consent.h"
#include "acl/name_check.h"
#include "acl/participants.h"
#include "acl/text_fold.h"

namespace storage {
namespace {

Result<std::vector<acl::ConsentForm>> formsOf(Database& db, acl::PersonId pupil) {
  std::vector<acl::ConsentForm> forms;
  auto select = db.prepare(
      "SELECT id, category, given, form_date FROM consent_forms WHERE pupil_id = ?1 ORDER BY id");
  if (!select) return std::unexpected(select.error());
  select->bind(1, pupil);
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    auto date = acl::parseDate(s.columnText(3));
    if (!date) return fail(ErrorCode::kDatabase, "malformed consent form date");
    forms.push_back({pupil, s.columnText(1), *date, s.columnInt(2) != 0, 0, s.columnInt(0)});
    return {};
  }));
  return forms;
}

// The subject pupil as acl::SubjectPupil, with today's guardian-access consent.
Result<std::optional<acl::SubjectPupil>> subjectOf(Database& db, acl::PersonId pupil,
                                                   acl::Date today) {
  auto actor = loadActor(db, pupil);
  if (!actor) return std::unexpected(actor.error());
  if (!actor->person.birth_date) return std::nullopt;
  auto forms = formsOf(db, pupil);
  if (!forms) return std::unexpected(forms.error());
  return acl::SubjectPupil{pupil, *actor->person.birth_date,
                           acl::consentGiven(*forms, pupil, acl::kGuardianAccessCategory, today)};
}

}  // namespace

acl::RosterPupil splitDisplayName(std::string_view name) {
  // "Jansen, Sem": the surname comes first.
  if (auto comma = name.find(','); comma != std::string_view::npos) {
    std::string_view first = name.substr(comma + 1);
    while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
    return {std::string(first), std::string(name.substr(0, comma))};
  }
  const auto words = acl::splitWords(name);
  if (words.size() < 2) return {std::string(name), ""};
  // The surname starts at its first particle ("Anne Sophie de Vries"), or
  // else is the last word ("Anne Sophie Vries").
  std::size_t surname = words.size() - 1;
  for (std::size_t i = 1; i < words.size(); ++i) {
    if (acl::isNameParticle(words[i].folded)) {
      surname = i;
      break;
    }
  }
  // Slices of the original, so that punctuation inside a name ("van 't Hof") stays.
  const std::string first(name.substr(0, words[surname - 1].end));
  const std::string last(name.substr(words[surname].begin));
  return {first, last};
}

Result<std::vector<acl::RosterPupil>> rosterPupils(Database& db) {
  std::vector<acl::RosterPupil> pupils;
  auto select = db.prepare(
      "SELECT p.display_name FROM people p JOIN person_roles r ON r.person_id = p.id "
      "WHERE r.role = 'pupil'");
  if (!select) return std::unexpected(select.error());
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    pupils.push_back(splitDisplayName(s.columnText(0)));
    return {};
  }));
  return pupils;
}

Result<acl::Actor> loadActor(Database& db, acl::PersonId id) {
  auto select = db.prepare("SELECT display_name, birth_date, left_on FROM people WHERE id = ?1");
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, id).step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(ErrorCode::kNotFound, "no person " + std::to_string(id));
  acl::Actor actor;
  actor.person.id = id;
  actor.person.display_name = select->columnText(0);
  if (!select->columnIsNull(1)) actor.person.birth_date = acl::parseDate(select->columnText(1));
  if (!select->columnIsNull(2)) actor.person.left_on = acl::parseDate(select->columnText(2));
  select->reset();
  auto roles = db.prepare("SELECT role FROM person_roles WHERE person_id = ?1");
  if (!roles) return std::unexpected(roles.error());
  roles->bind(1, id);
  LV_TRY(roles->forEachRow([&](const Statement& s) -> Status {
    if (auto role = acl::parseRole(s.columnText(0))) actor.person.roles.push_back(*role);
    return {};
  }));
  auto pupils = db.prepare("SELECT pupil_id FROM guardianships WHERE guardian_id = ?1");
  if (!pupils) return std::unexpected(pupils.error());
  pupils->bind(1, id);
  LV_TRY(pupils->forEachRow([&](const Statement& s) -> Status {
    actor.guardian_of.push_back(s.columnInt(0));
    return {};
  }));
  return actor;
}

Result<std::optional<acl::RecordingFacts>> loadRecordingFacts(Database& db, const Id& recording,
                                                              acl::Date today) {
  auto select = db.prepare(
      "SELECT r.purpose, r.purpose_end, r.status, d.written_purpose, d.owner_id, d.created_on "
      "FROM recordings r JOIN recording_details d ON d.recording_id = r.id "
      "WHERE r.id = ?1 AND r.status <> 'deleting'");
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, recording.hex()).step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::nullopt;
  acl::RecordingFacts facts;
  auto purpose = acl::parsePurpose(select->columnText(0));
  auto end = acl::parseDate(select->columnText(1));
  auto status = acl::parseRecordingStatus(select->columnText(2));
  auto created = acl::parseDate(select->columnText(5));
  if (!purpose || !end || !status || !created) {
    return fail(ErrorCode::kDatabase, "malformed recording " + recording.hex());
  }
  facts.purpose = *purpose;
  facts.purpose_end = *end;
  facts.status = *status;
  facts.written_purpose = select->columnText(3);
  facts.owner = select->columnInt(4);
  facts.created_on = *created;
  select->reset();
  auto participants = db.prepare(
      "SELECT person_id, relation, rights, until FROM participants WHERE recording_id = ?1");
  if (!participants) return std::unexpected(participants.error());
  participants->bind(1, recording.hex());
  LV_TRY(participants->forEachRow([&](const Statement& s) -> Status {
    auto relation = acl::parseRelation(s.columnText(1));
    auto rights = acl::parseRights(s.columnText(2));
    if (!relation || !rights) return fail(ErrorCode::kDatabase, "malformed participant");
    acl::Participant p{s.columnInt(0), *relation, *rights, std::nullopt};
    if (!s.columnIsNull(3)) p.until = acl::parseDate(s.columnText(3));
    facts.participants.push_back(p);
    return {};
  }));
  for (const acl::Participant& p : facts.participants) {
    if (p.relation != acl::Relation::kSubjectPupil) continue;
    auto subject = subjectOf(db, p.person, today);
    if (!subject) return std::unexpected(subject.error());
    facts.subject = *subject;
  }
  return facts;
}

Result<Decided> decideInTransaction(Database& db, const Vault::Auditor& audit,
                                    acl::PersonId actor_id, acl::Action action,
                                    const std::optional<Id>& recording, acl::Date today,
                                    std::int64_t now) {
  auto actor = loadActor(db, actor_id);
  if (!actor && actor.error().code == ErrorCode::kNotFound) {
    // Someone no longer on the roster (purged, with a session still open) is
    // nobody: no roles, so decide() denies, and the denial is audited.
    actor = acl::Actor{acl::Person{actor_id, "", {}, std::nullopt, std::nullopt}, {}};
  }
  if (!actor) return std::unexpected(actor.error());
  std::optional<acl::RecordingFacts> facts;
  if (recording) {
    auto loaded = loadRecordingFacts(db, *recording, today);
    if (!loaded) return std::unexpected(loaded.error());
    facts = std::move(*loaded);
  }
  const acl::Decision decision = acl::decide(*actor, action, facts ? &*facts : nullptr, today);
  if (!decision.allowed()) {
    LV_TRY(audit({now, std::to_string(actor_id), std::string(acl::actionName(action)),
                  recording ? recording->hex() : "", "denied",
                  std::string(acl::reasonName(decision.reason))}));
  }
  return Decided{decision, std::move(*actor), std::move(facts)};
}

Result<acl::Decision> authorize(Vault& vault, acl::PersonId actor_id, acl::Action action,
                                const std::optional<Id>& recording, acl::Date today,
                                std::int64_t now) {
  acl::Decision decision{acl::Reason::kDeniedNoRecording};
  auto done = vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    auto decided = decideInTransaction(db, audit, actor_id, action, recording, today, now);
    if (!decided) return std::unexpected(decided.error());
    decision = decided->decision;
    if (!decision.allowed()) return {};
    return audit({now, std::to_string(actor_id), std::string(acl::actionName(action)),
                  recording ? recording->hex() : "", "allowed",
                  std::string(acl::reasonName(decision.reason))});
  });
  if (!done) return std::unexpected(done.error());
  return decision;
}

Status whenAllowed(Vault& vault, acl::PersonId actor, acl::Action action, const Id& recording,
                   acl::Date today, std::int64_t now, std::string_view refusal,
                   std::optional<acl::Denial>& denied,
                   const std::function<Status(Database&, const Vault::Auditor&, Decided&)>& work) {
  return vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    auto decided = decideInTransaction(db, audit, actor, action, recording, today, now);
    if (!decided) return std::unexpected(decided.error());
    if (!decided->decision.allowed()) {
      denied = acl::Denial{decided->decision.reason, std::string(refusal)};
      return {};
    }
    return work(db, audit, *decided);
  });
}

}  // namespace storage
