// What the service reads about recordings to answer its API: which ones a
// person might see, one recording's details, deletion receipts, and what the
// expiry sweep must remove. Reads only; every answer about a recording the
// caller shows to someone is still decided by acl first (recording_repo.h).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/recording_repo.h"

namespace storage {

// Recordings `actor` is connected to: owned, named on, or about a pupil they
// are (a guardian of). A candidate is not yet visible: ask acl for each.
Result<std::vector<Id>> candidateRecordings(Database& db, const acl::Actor& actor);

struct NamedParticipant {
  acl::Participant participant;
  std::string display_name;
};

struct RecordingDetails {
  Id id = Id::fromBytes({});
  std::string title;
  std::string description;
  std::string written_purpose;
  acl::Purpose purpose = acl::Purpose::kTeacherTraining;
  acl::Date purpose_end;
  acl::Date created_on;
  acl::RecordingStatus status = acl::RecordingStatus::kUploading;
  acl::PersonId owner = 0;
  std::string owner_name;
  std::vector<NamedParticipant> participants;
};

// nullopt when there is no such recording or it is being deleted.
Result<std::optional<RecordingDetails>> loadRecordingDetails(Database& db, const Id& recording);

// Decides whether `actor` may do `action` on the recording now, auditing only
// a denial: for requests that repeat many times per viewing (media ranges,
// fragments), whose start is audited once by the caller.
Result<acl::Decision> checkAccess(Vault& vault, acl::PersonId actor, acl::Action action,
                                  const Id& recording, acl::Date today, std::int64_t now);

// Recordings whose purpose end lies before `today` (due for deletion).
Result<std::vector<Id>> recordingsPastEnd(Database& db, acl::Date today);

// Uploads not completed whose expiry time lies before `now`, with their recording.
struct ExpiredUpload {
  Id upload;
  Id recording;
};
Result<std::vector<ExpiredUpload>> uploadsExpiredBy(Database& db, std::int64_t now);

struct DeletionReceipt {
  std::string recording_id;
  std::int64_t deleted_at = 0;
  std::string reason;
  std::string master_key_id;
  std::vector<std::string> objects;
  std::vector<std::string> uploads;
};

// Every receipt, newest first (at most `limit`).
Result<std::vector<DeletionReceipt>> deletionReceipts(Database& db, int limit);

// People whose display name contains `query` (case-insensitively, ASCII
// folding only), at most `limit`, staff first; for staff choosing participants.
struct PersonMatch {
  acl::PersonId id = 0;
  std::string display_name;
  std::vector<acl::Role> roles;
};
Result<std::vector<PersonMatch>> searchPeople(Database& db, std::string_view query, int limit);

}  // namespace storage

namespace storage {

// Display names of the given people (those still on the roster), by id.
Result<std::map<acl::PersonId, std::string>> displayNames(Database& db,
                                                          const std::vector<acl::PersonId>& ids);

}  // namespace storage
