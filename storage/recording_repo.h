// Recordings and the people on them, as the acl module sees them: loading an
// actor and a recording's facts from the database, asking acl::decide() and
// auditing every answer (invariant 5), and creating a recording only when
// every rule for its creation holds (R1, R2, R5, R6, R8, participants).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "acl/consultation.h"
#include "acl/name_check.h"
#include "acl/policy.h"
#include "acl/purpose_end.h"
#include "storage/vault.h"

namespace storage {

Result<acl::Actor> loadActor(Database& db, acl::PersonId person);

// A roster display name as first name and surname: "Surname, First" when
// there is a comma; otherwise the surname starts at the first name particle
// after the first word ("Anne Sophie de Vries"), or is the last word.
acl::RosterPupil splitDisplayName(std::string_view name);

// Every roster pupil, split as above, for the name check (R6).
Result<std::vector<acl::RosterPupil>> rosterPupils(Database& db);

// The recording's facts on `today` (the subject pupil's consent is the form in
// force today); nullopt when there is no such recording, or it is on its way out.
Result<std::optional<acl::RecordingFacts>> loadRecordingFacts(Database& db, const Id& recording,
                                                              acl::Date today);

// Decides and audits, in one transaction. A recording id that does not exist
// is denied (denied_no_recording) and audited exactly like a forbidden one:
// same action, same outcome, the id asked for — so the service can answer
// both with the same 404.
Result<acl::Decision> authorize(Vault& vault, acl::PersonId actor, acl::Action action,
                                const std::optional<Id>& recording, acl::Date today,
                                std::int64_t now);

// What decideInTransaction() found, for repositories that go on to change
// the recording in the same transaction.
struct Decided {
  acl::Decision decision;
  acl::Actor actor;
  std::optional<acl::RecordingFacts> facts;  // null: no such recording
};

// The core of authorize() for use inside Vault::transact(): decides, and
// audits only a denial — an allowed action is audited by the caller once it
// knows the outcome of the change, in the same transaction.
Result<Decided> decideInTransaction(Database& db, const Vault::Auditor& audit, acl::PersonId actor,
                                    acl::Action action, const std::optional<Id>& recording,
                                    acl::Date today, std::int64_t now);

// Runs `work` inside one transaction when `actor` may do `action` on the
// recording. Otherwise `work` never runs, the denial is audited (by
// decideInTransaction) and returned through `denied` with `refusal` as its
// message. The pattern of every audited change to a recording.
Status whenAllowed(Vault& vault, acl::PersonId actor, acl::Action action, const Id& recording,
                   acl::Date today, std::int64_t now, std::string_view refusal,
                   std::optional<acl::Denial>& denied,
                   const std::function<Status(Database&, const Vault::Auditor&, Decided&)>& work);

// Limits on what a client sends when creating a recording; beyond them the
// request is kInvalidArgument before any check runs.
inline constexpr std::size_t kMaxTitleBytes = 200;
inline constexpr std::size_t kMaxDescriptionBytes = 4000;
inline constexpr std::size_t kMaxWrittenPurposeBytes = 2000;
inline constexpr std::size_t kMaxParticipants = 100;
inline constexpr std::size_t kMaxConsulted = 20;

struct RecordingRequest {
  acl::Purpose purpose = acl::Purpose::kTeacherTraining;
  std::string title;
  std::string description;
  std::string written_purpose;
  std::optional<acl::Date> purpose_end;
  std::vector<acl::Participant> participants;  // the owner is not listed
  acl::Consultation consultation;
  bool names_confirmed = false;  // the user confirmed first-name matches (R6)
};

// The recording's id, or the first rule it breaks (audited as a denied
// create_recording). Errors are storage failures only.
Result<std::expected<Id, acl::Denial>> createCheckedRecording(Vault& vault, acl::PersonId owner,
                                                              const RecordingRequest& request,
                                                              const acl::PurposeCaps& caps,
                                                              acl::Date today, std::int64_t now);

}  // namespace storage
