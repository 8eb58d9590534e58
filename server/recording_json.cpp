#include "server/recording_json.h"

#include <Poco/JSON/Array.h>

#include "acl/age.h"
#include "server/api.h"

namespace server {

using Poco::JSON::Array;
using Poco::JSON::Object;

acl::Participant participantFromJson(const Object& entry, std::optional<acl::PersonId> person) {
  using Poco::Net::HTTPResponse;
  acl::Participant p;
  p.person = person ? *person : optionalInt(entry, "person_id", 1, INT64_MAX).value_or(0);
  if (p.person == 0) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                    "Field \"person_id\": required.");
  }
  auto relation = acl::parseRelation(requireString(entry, "relation", 32));
  if (!relation) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                    "Field \"relation\": not a known relation.");
  }
  p.relation = *relation;
  auto rights = acl::parseRights(requireString(entry, "rights", 64));
  if (!rights) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                    "Field \"rights\": a comma-separated list of view, comment, manage.");
  }
  p.rights = *rights;
  if (auto until = optionalString(entry, "until", 10)) p.until = parseDateField("until", *until);
  return p;
}

int daysLeft(acl::Date purpose_end, acl::Date today) {
  return acl::daysBetween(today, acl::addDays(purpose_end, 1));
}

Object::Ptr recordingJson(const RecordingView& view) {
  const storage::RecordingDetails& d = view.details;
  Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("id", d.id.hex());
  json->set("title", d.title);
  json->set("description", d.description);
  json->set("purpose", std::string(acl::purposeName(d.purpose)));
  json->set("written_purpose", d.written_purpose);
  json->set("created_on", acl::formatDate(d.created_on));
  json->set("purpose_end", acl::formatDate(d.purpose_end));
  json->set("deleted_on", acl::formatDate(acl::addDays(d.purpose_end, 1)));
  const int left = daysLeft(d.purpose_end, view.today);
  json->set("days_left", left);
  json->set("ending_soon", left <= 14);
  json->set("status", std::string(acl::recordingStatusName(d.status)));
  if (view.processing) json->set("processing_percent", *view.processing);
  if (view.failure) {
    Object::Ptr failure = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    failure->set("code", view.failure->first);
    failure->set("message", view.failure->second);
    json->set("failure", failure);
  }
  Object::Ptr owner = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  owner->set("id", d.owner);
  owner->set("name", d.owner_name);
  json->set("owner", owner);
  if (view.media) {
    const storage::StoredMedia& m = *view.media;
    Object::Ptr media = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    media->set("duration_s", m.duration_s);
    if (!m.video_codec.empty()) {
      media->set("video_codec", m.video_codec);
      media->set("width", m.width);
      media->set("height", m.height);
      media->set("rotation", m.rotation);
    }
    if (!m.audio_codec.empty()) media->set("audio_codec", m.audio_codec);
    media->set("size", m.size);
    json->set("media", media);
  }
  if (view.manager) {
    Array::Ptr people = new Array;
    for (const auto& p : d.participants) {
      Object::Ptr entry = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      entry->set("person_id", p.participant.person);
      entry->set("name", p.display_name);
      entry->set("relation", std::string(acl::relationName(p.participant.relation)));
      entry->set("rights", acl::formatRights(p.participant.rights));
      if (p.participant.until) entry->set("until", acl::formatDate(*p.participant.until));
      people->add(entry);
    }
    json->set("participants", people);
  }
  return json;
}

}  // namespace server
