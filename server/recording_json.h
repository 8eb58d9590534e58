// How a recording looks in the API: one function per shape, so that the list,
// the detail page and the creation answer agree field by field.
#pragma once

#include <optional>

#include <Poco/JSON/Object.h>

#include "acl/recording.h"
#include "storage/recording_queries.h"
#include "storage/vault.h"

namespace server {

struct RecordingView {
  const storage::RecordingDetails& details;
  acl::Date today;
  bool manager = false;                 // the viewer may manage: participants are shown
  std::optional<int> processing;        // percent, while ingest runs
  const storage::StoredMedia* media = nullptr;                          // when ready
  const std::pair<std::string, std::string>* failure = nullptr;         // code, message
};

// id, title, description, purpose, written_purpose, purpose_end, deleted_on
// (the day the sweep removes it: the day after the end), days_left, status,
// processing_percent, failure {code, message}, owner {id, name}, media
// {duration_s, width, height, rotation, video_codec, audio_codec}, participants
// (managers only), ending_soon (within 14 days).
Poco::JSON::Object::Ptr recordingJson(const RecordingView& view);

// A participant from the API's JSON ({person_id, relation, rights, until});
// `person`, when given, comes from the path instead. 400 invalid_field naming
// the field otherwise.
acl::Participant participantFromJson(const Poco::JSON::Object& entry,
                                     std::optional<acl::PersonId> person);

// Days from `today` until the recording is deleted (0 on its last day... see
// docs/server-api.md): the sweep deletes it the day after purpose_end.
int daysLeft(acl::Date purpose_end, acl::Date today);

}  // namespace server
