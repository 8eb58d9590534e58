// Creating a recording only when every rule for its creation holds.
#include <algorithm>

#include "acl/name_check.h"
#include "acl/participants.h"
#include "storage/recording_repo.h"

namespace storage {
namespace {

// Returns a failed acl::Check from the enclosing function.
#define LV_CHECK(expr)                                         \
  do {                                                         \
    if (auto lv_check_ = (expr); !lv_check_) return lv_check_; \
  } while (0)

std::optional<acl::Date> birthDateOf(const std::vector<acl::Actor>& people, acl::PersonId id) {
  for (const auto& actor : people) {
    if (actor.person.id == id) return actor.person.birth_date;
  }
  return std::nullopt;
}

// Every acl check of a new recording, in the order a user would fix them.
acl::Check checkRequest(const acl::Actor& owner, const RecordingRequest& request,
                        const std::vector<acl::Actor>& participants,
                        const std::vector<acl::RosterPupil>& roster,
                        const std::vector<acl::Guardianship>& guardianships,
                        const acl::PurposeCaps& caps, acl::Date today) {
  const acl::Decision may = acl::decide(owner, acl::Action::kCreateRecording, nullptr, today);
  if (!may.allowed()) return acl::deny(may.reason, "you may not make recordings");
  LV_CHECK(acl::checkWrittenPurpose(request.written_purpose));
  LV_CHECK(acl::checkPurposeEnd(request.purpose, request.purpose_end, today, caps));
  LV_CHECK(
      acl::acceptNameCheck(acl::checkPupilNames(request.title + "\n" + request.description, roster),
                           request.names_confirmed));

  acl::RecordingFacts facts;
  facts.purpose = request.purpose;
  facts.written_purpose = request.written_purpose;
  facts.purpose_end = *request.purpose_end;
  facts.created_on = today;
  facts.owner = owner.person.id;
  // The subject pupil first: a guardian is checked against the pupil.
  std::vector<acl::Participant> ordered = request.participants;
  std::stable_partition(ordered.begin(), ordered.end(), [](const acl::Participant& p) {
    return p.relation == acl::Relation::kSubjectPupil;
  });
  acl::ConsultationParties parties{request.purpose, std::nullopt, std::nullopt, std::nullopt, {}};
  for (const acl::Participant& p : ordered) {
    auto person = std::find_if(participants.begin(), participants.end(),
                               [&](const acl::Actor& a) { return a.person.id == p.person; });
    // The recording is about its subject pupil before the pupil is named on it.
    if (p.relation == acl::Relation::kSubjectPupil && !facts.subject) {
      if (auto birth = birthDateOf(participants, p.person)) {
        facts.subject = acl::SubjectPupil{p.person, *birth, false};
      }
    }
    LV_CHECK(acl::validateParticipant(facts, p, *person, today));
    facts.participants.push_back(p);
    if (p.relation == acl::Relation::kSubjectPupil) {
      parties.pupil = p.person;
      parties.pupil_birth_date = facts.subject->birth_date;
      parties.pupil_guardians = acl::guardiansOf(p.person, guardianships);
    }
    if (p.relation == acl::Relation::kTrainee) parties.trainee = p.person;
  }
  // The owner may be the trainee recording their own lesson.
  if (request.purpose == acl::Purpose::kTeacherTraining && !parties.trainee) {
    parties.trainee = owner.person.id;
  }
  return acl::checkConsultation(request.consultation, parties, today);
}

}  // namespace

// Reads what the rules need and applies them, on the connection of the
// transaction that will write the recording, so the rows cannot change in
// between. The verdict goes to `verdict`; errors are storage failures.
Status gatherAndCheck(Database& db, acl::PersonId owner, const RecordingRequest& request,
                      const acl::PurposeCaps& caps, acl::Date today, acl::Check& verdict) {
  auto owner_actor = loadActor(db, owner);
  if (!owner_actor) return std::unexpected(owner_actor.error());
  std::vector<acl::Actor> people;
  std::vector<acl::Guardianship> guardianships;
  for (const acl::Participant& p : request.participants) {
    auto actor = loadActor(db, p.person);
    if (!actor) {
      if (actor.error().code != ErrorCode::kNotFound) return std::unexpected(actor.error());
      verdict =
          acl::deny(acl::Reason::kDeniedParticipantMismatch, "a participant is not on the roster");
      return {};
    }
    people.push_back(std::move(*actor));
  }
  auto guardians = db.prepare("SELECT guardian_id, pupil_id FROM guardianships");
  if (!guardians) return std::unexpected(guardians.error());
  for (;;) {
    auto row = guardians->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    guardianships.push_back({guardians->columnInt(0), guardians->columnInt(1)});
  }
  auto roster = rosterPupils(db);
  if (!roster) return std::unexpected(roster.error());
  verdict = checkRequest(*owner_actor, request, people, *roster, guardianships, caps, today);
  return {};
}

Result<std::expected<Id, acl::Denial>> createCheckedRecording(Vault& vault, acl::PersonId owner,
                                                              const RecordingRequest& request,
                                                              const acl::PurposeCaps& caps,
                                                              acl::Date today, std::int64_t now) {
  if (request.title.size() > kMaxTitleBytes || request.description.size() > kMaxDescriptionBytes ||
      request.written_purpose.size() > kMaxWrittenPurposeBytes ||
      request.participants.size() > kMaxParticipants ||
      request.consultation.consulted.size() > kMaxConsulted) {
    return fail(ErrorCode::kInvalidArgument,
                "title, description, written purpose or the number of people is over its limit");
  }
  acl::Check verdict;
  const std::string actor = std::to_string(owner);
  auto id = vault.createRecording(
      {request.purpose, request.purpose_end.value_or(today)}, now, actor,
      [&](Database& db, const Id& recording) -> Status {
        LV_TRY(gatherAndCheck(db, owner, request, caps, today, verdict));
        // A refusal rolls the whole creation back, data key included.
        if (!verdict) return fail(ErrorCode::kInvalidArgument, "refused by the policy");
        auto details = db.prepare("INSERT INTO recording_details VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        if (!details) return std::unexpected(details.error());
        LV_TRY(details->bind(1, recording.hex())
                   .bind(2, request.title)
                   .bind(3, request.description)
                   .bind(4, request.written_purpose)
                   .bind(5, owner)
                   .bind(6, acl::formatDate(today))
                   .run());
        auto participant = db.prepare("INSERT INTO participants VALUES (?1, ?2, ?3, ?4, ?5)");
        if (!participant) return std::unexpected(participant.error());
        for (const acl::Participant& p : request.participants) {
          participant->bind(1, recording.hex())
              .bind(2, p.person)
              .bind(3, acl::relationName(p.relation))
              .bind(4, acl::formatRights(p.rights));
          if (p.until) {
            participant->bind(5, acl::formatDate(*p.until));
          } else {
            participant->bindNull(5);
          }
          LV_TRY(participant->run());
        }
        auto consulted = db.prepare("INSERT INTO consultations VALUES (?1, ?2, ?3)");
        if (!consulted) return std::unexpected(consulted.error());
        for (acl::PersonId person : request.consultation.consulted) {
          LV_TRY(consulted->bind(1, recording.hex())
                     .bind(2, person)
                     .bind(3, acl::formatDate(request.consultation.consulted_on))
                     .run());
        }
        return {};
      });
  if (!id && !verdict) {
    LV_TRY(vault.audit({now, actor, "create_recording", "", "denied",
                        std::string(acl::reasonName(verdict.error().reason))}));
    return std::expected<Id, acl::Denial>(std::unexpected(verdict.error()));
  }
  if (!id) return std::unexpected(id.error());
  return std::expected<Id, acl::Denial>(*id);
}

}  // namespace storage
