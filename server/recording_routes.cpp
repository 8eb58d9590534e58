// The recordings API: create, list, read, change and end recordings, and a
// rights holder's erasure request (R14). Every answer about a recording comes
// from acl; unknown and forbidden recordings get the same 404 (invariant 2).
#include <Poco/JSON/Array.h>

#include "acl/policy.h"
#include "server/api.h"
#include "server/ingest_queue.h"
#include "server/recording_json.h"
#include "server/tus_uploads.h"
#include "server/routes.h"
#include "storage/recording_changes.h"
#include "storage/recording_queries.h"
#include "storage/uploads_repo.h"
#include "storage/vault.h"

namespace server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr int kMaxListed = 500;

acl::Purpose purposeField(const Object& body) {
  const std::string text = requireString(body, "purpose", 32);
  auto purpose = acl::parsePurpose(text);
  if (!purpose) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                    "Field \"purpose\": teacher_training or student_support.");
  }
  return *purpose;
}

storage::RecordingRequest creationRequest(const Object& body) {
  storage::RecordingRequest request;
  request.purpose = purposeField(body);
  request.title = requireString(body, "title", storage::kMaxTitleBytes);
  request.description = optionalString(body, "description", storage::kMaxDescriptionBytes)
                            .value_or("");
  request.written_purpose =
      requireString(body, "written_purpose", storage::kMaxWrittenPurposeBytes);
  if (auto end = optionalString(body, "purpose_end", 10)) {
    request.purpose_end = parseDateField("purpose_end", *end);
  }
  request.names_confirmed = optionalBool(body, "names_confirmed", false);
  if (body.has("participants")) {
    auto list = body.getArray("participants");
    if (!list || list->size() > storage::kMaxParticipants) {
      throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                      "Field \"participants\": a list of at most " +
                          std::to_string(storage::kMaxParticipants) + " people.");
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      auto entry = list->getObject(static_cast<unsigned>(i));
      if (!entry) {
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                        "Field \"participants\": each entry is an object.");
      }
      request.participants.push_back(participantFromJson(*entry, std::nullopt));
    }
  }
  auto consultation = body.getObject("consultation");
  if (consultation) {
    if (auto on = optionalString(*consultation, "consulted_on", 10)) {
      request.consultation.consulted_on = parseDateField("consultation.consulted_on", *on);
    }
    auto people = consultation->getArray("consulted");
    if (people) {
      if (people->size() > storage::kMaxConsulted) {
        throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                        "Field \"consultation.consulted\": too many people.");
      }
      for (std::size_t i = 0; i < people->size(); ++i) {
        const auto value = people->get(static_cast<unsigned>(i));
        if (!value.isInteger() || value.isBoolean() ||
            value.convert<double>() > 9.0e18 || value.convert<double>() < 1) {
          throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                          "Field \"consultation.consulted\": a list of person ids.");
        }
        request.consultation.consulted.push_back(value.convert<acl::PersonId>());
      }
    }
  }
  return request;
}

class RecordingRoutes {
 public:
  explicit RecordingRoutes(Services services) : s_(std::move(services)) {}

  void create(HTTPServerRequest& request, HTTPServerResponse& response) {
    const Principal who = recordingsCaller(s_, request);
    const storage::RecordingRequest wanted = creationRequest(*readJsonObject(request));
    const acl::Date today = s_.clock->today();
    auto created = unwrap(storage::createCheckedRecording(*s_.vault, who.person, wanted, s_.caps,
                                                          today, s_.now()));
    if (!created) throw denialError(created.error());
    Object::Ptr json = detailJson(who, *created, today);
    json->set("upload_endpoint", "/files");
    response.set("Location", "/api/recordings/" + created->hex());
    sendObject(response, *json, HTTPResponse::HTTP_CREATED);
  }

  void list(HTTPServerRequest& request, HTTPServerResponse& response) {
    const Principal who = recordingsCaller(s_, request);
    const acl::Date today = s_.clock->today();
    Array::Ptr items = new Array;
    // Managers see who has access in the list too (the web app's "who has access").
    std::vector<std::pair<storage::RecordingDetails, bool>> visible;
    unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
      auto actor = storage::loadActor(db, who.person);
      if (!actor) return std::unexpected(actor.error());
      auto ids = storage::candidateRecordings(db, *actor);
      if (!ids) return std::unexpected(ids.error());
      for (const storage::Id& id : *ids) {
        if (visible.size() >= kMaxListed) break;
        auto facts = storage::loadRecordingFacts(db, id, today);
        if (!facts) return std::unexpected(facts.error());
        if (!*facts ||
            !acl::decide(*actor, acl::Action::kViewMetadata, &**facts, today).allowed()) {
          continue;
        }
        auto details = storage::loadRecordingDetails(db, id);
        if (!details) return std::unexpected(details.error());
        const bool manager =
            acl::decide(*actor, acl::Action::kManageParticipants, &**facts, today).allowed();
        if (*details) visible.emplace_back(std::move(**details), manager);
      }
      return {};
    }));
    for (const auto& [details, manager] : visible) {
      const std::optional<int> progress = s_.ingest->progress(details.id);
      items->add(recordingJson({details, today, manager, progress, nullptr, nullptr}));
    }
    Object json;
    json.set("recordings", items);
    sendObject(response, json);
  }

  void get(HTTPServerRequest& request, HTTPServerResponse& response, const PathParams& params) {
    const Principal who = recordingsCaller(s_, request);
    const storage::Id id = recordingIdParam(params);
    const acl::Date today = s_.clock->today();
    const acl::Decision decision = unwrap(
        storage::authorize(*s_.vault, who.person, acl::Action::kViewMetadata, id, today, s_.now()));
    if (!decision.allowed()) throw recordingNotFound();
    sendObject(response, *detailJson(who, id, today));
  }

  void update(HTTPServerRequest& request, HTTPServerResponse& response, const PathParams& params) {
    const Principal who = recordingsCaller(s_, request);
    const storage::Id id = recordingIdParam(params);
    auto body = readJsonObject(request);
    const std::string title = requireString(*body, "title", storage::kMaxTitleBytes);
    const std::string description =
        optionalString(*body, "description", storage::kMaxDescriptionBytes).value_or("");
    const acl::Date today = s_.clock->today();
    auto changed = unwrap(storage::updateRecordingText(*s_.vault, who.person, id, title,
                                                       description,
                                                       optionalBool(*body, "names_confirmed", false),
                                                       today, s_.now()));
    answerChange(changed, who, id, today, response);
  }

  void changeEnd(HTTPServerRequest& request, HTTPServerResponse& response,
                 const PathParams& params) {
    const Principal who = recordingsCaller(s_, request);
    const storage::Id id = recordingIdParam(params);
    auto body = readJsonObject(request);
    const acl::Date end = parseDateField("purpose_end", requireString(*body, "purpose_end", 10));
    const std::string reason = optionalString(*body, "reason", storage::kMaxReasonBytes).value_or("");
    const acl::Date today = s_.clock->today();
    auto changed = unwrap(
        storage::changePurposeEnd(*s_.vault, who.person, id, end, reason, s_.caps, today, s_.now()));
    answerChange(changed, who, id, today, response);
  }

  void end(HTTPServerRequest& request, HTTPServerResponse& response, const PathParams& params,
           acl::Action action) {
    const Principal who = recordingsCaller(s_, request);
    const storage::Id id = recordingIdParam(params);
    std::vector<storage::Id> uploads;
    unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
      auto open = storage::openUploadsOf(db, id);
      if (!open) return std::unexpected(open.error());
      uploads = std::move(*open);
      return {};
    }));
    auto ended = unwrap(
        storage::endPurposeNow(*s_.vault, who.person, id, action, s_.clock->today(), s_.now()));
    if (!ended) throw recordingNotFound();
    // An upload still running for it appends nothing more to its (deleted) log.
    for (const auto& upload : uploads) s_.upload_registry->forget(upload);
    sendNoContent(response);
  }

  void requestErasure(HTTPServerRequest& request, HTTPServerResponse& response,
                      const PathParams& params) {
    const Principal who = recordingsCaller(s_, request);
    const storage::Id id = recordingIdParam(params);
    auto body = readJsonObject(request);
    const std::string reason = requireString(*body, "reason", storage::kMaxReasonBytes);
    auto made = unwrap(
        storage::requestErasure(*s_.vault, who.person, id, reason, s_.clock->today(), s_.now()));
    if (!made) {
      if (made.error().reason == acl::Reason::kDeniedReasonRequired) throw denialError(made.error());
      throw recordingNotFound();
    }
    Object json;
    json.set("id", made->hex());
    sendObject(response, json, HTTPResponse::HTTP_CREATED);
  }

  void listErasureRequests(HTTPServerRequest& request, HTTPServerResponse& response,
                           const PathParams& params) {
    const Principal who = recordingsCaller(s_, request);
    const storage::Id id = recordingIdParam(params);
    const acl::Date today = s_.clock->today();
    // The people who can carry a request out see it: the managers (end_purpose)
    // and the privacy officer (erase).
    bool may = false;
    for (acl::Action action : {acl::Action::kEndPurpose, acl::Action::kErase}) {
      may = may || unwrap(storage::checkAccess(*s_.vault, who.person, action, id, today, s_.now()))
                       .allowed();
    }
    if (!may) throw recordingNotFound();
    // Their reasons are free text about a pupil: reading them is recorded.
    unwrap(s_.vault->audit(
        {s_.now(), std::to_string(who.person), "read_erasure_requests", id.hex(), "done", ""}));
    Array::Ptr items = new Array;
    unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
      auto requests = storage::erasureRequests(db, id);
      if (!requests) return std::unexpected(requests.error());
      for (const auto& r : *requests) {
        Object::Ptr item = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("id", r.id.hex());
        item->set("requested_by", r.requested_by);
        item->set("reason", r.reason);
        item->set("requested_at", r.requested_at);
        items->add(item);
      }
      return {};
    }));
    Object json;
    json.set("erasure_requests", items);
    sendObject(response, json);
  }

 private:
  void answerChange(const storage::Decision<void>& changed, const Principal& who,
                    const storage::Id& id, acl::Date today, HTTPServerResponse& response) {
    if (!changed) {
      // "Not yours" looks like "not there"; a rule the input broke is explained.
      const auto status = denialError(changed.error()).status();
      if (status == HTTPResponse::HTTP_FORBIDDEN) throw recordingNotFound();
      throw denialError(changed.error());
    }
    sendObject(response, *detailJson(who, id, today));
  }

  // The detail shape, for someone already allowed to view the metadata.
  Object::Ptr detailJson(const Principal& who, const storage::Id& id, acl::Date today) {
    std::optional<storage::RecordingDetails> details;
    bool manager = false;
    // What the caller may do here, so the web app offers only what will work.
    Array::Ptr my_rights = new Array;
    bool may_request_erasure = false;
    unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
      auto loaded = storage::loadRecordingDetails(db, id);
      if (!loaded) return std::unexpected(loaded.error());
      details = std::move(*loaded);
      auto actor = storage::loadActor(db, who.person);
      auto facts = storage::loadRecordingFacts(db, id, today);
      if (actor && facts && *facts) {
        const auto may = [&](acl::Action action) {
          return acl::decide(*actor, action, &**facts, today).allowed();
        };
        manager = may(acl::Action::kManageParticipants);
        if (may(acl::Action::kViewMedia)) my_rights->add("view");
        if (may(acl::Action::kComment)) my_rights->add("comment");
        if (manager) my_rights->add("manage");
        // The rights holder of R14 (storage::requestErasure decides the same way).
        const auto& subject = (*facts)->subject;
        may_request_erasure = subject && (subject->id == who.person ||
                                          acl::isGuardianOf(*actor, subject->id));
      }
      return {};
    }));
    if (!details) throw recordingNotFound();
    std::optional<storage::StoredMedia> media;
    if (details->status == acl::RecordingStatus::kReady) media = unwrap(s_.vault->media(id));
    const auto failure = unwrap(s_.vault->ingestFailure(id));
    Object::Ptr json = recordingJson({*details, today, manager, s_.ingest->progress(id),
                                      media ? &*media : nullptr, failure ? &*failure : nullptr});
    json->set("my_rights", my_rights);
    json->set("may_request_erasure", may_request_erasure);
    return json;
  }

  Services s_;
};

}  // namespace

void addRecordingRoutes(Router& router, const Services& services) {
  auto r = std::make_shared<RecordingRoutes>(services);
  router.add("POST", "/api/recordings",
             route([r](auto& rq, auto& rs, const PathParams&) { r->create(rq, rs); }));
  router.add("GET", "/api/recordings",
             route([r](auto& rq, auto& rs, const PathParams&) { r->list(rq, rs); }));
  router.add("GET", "/api/recordings/{id}",
             route([r](auto& rq, auto& rs, const PathParams& p) { r->get(rq, rs, p); }));
  router.add("PATCH", "/api/recordings/{id}",
             route([r](auto& rq, auto& rs, const PathParams& p) { r->update(rq, rs, p); }));
  router.add("POST", "/api/recordings/{id}/purpose-end",
             route([r](auto& rq, auto& rs, const PathParams& p) { r->changeEnd(rq, rs, p); }));
  router.add("POST", "/api/recordings/{id}/end", route([r](auto& rq, auto& rs, const PathParams& p) {
               r->end(rq, rs, p, acl::Action::kEndPurpose);
             }));
  router.add("POST", "/api/recordings/{id}/erase",
             route([r](auto& rq, auto& rs, const PathParams& p) {
               r->end(rq, rs, p, acl::Action::kErase);
             }));
  router.add("POST", "/api/recordings/{id}/erasure-requests",
             route([r](auto& rq, auto& rs, const PathParams& p) { r->requestErasure(rq, rs, p); }));
  router.add("GET", "/api/recordings/{id}/erasure-requests",
             route([r](auto& rq, auto& rs, const PathParams& p) {
               r->listErasureRequests(rq, rs, p);
             }));
}

}  // namespace server
