// What the admin and the privacy officer do over the API, and the limits the
// web app shows before an upload:
//   GET  /api/limits                      upload size, quota left, purpose caps
//   GET  /api/admin/people                the roster (admin)
//   POST /api/admin/roster                a roster CSV, same rules as the CLI (admin)
//   GET  /api/admin/consent/{person}      a pupil's consent forms, history kept (R7)
//   POST /api/admin/consent               record a form (admin or privacy officer)
//   GET  /api/audit[?recording=&before=]  the audit log with the chain's status (privacy officer)
//   GET  /api/register                    the processing register (R15)
//   GET  /api/people/{external_id}/export a person's data (R12, R15)
//   GET  /api/deletion-receipts           what was deleted, when, which key and files
// Every one of these is decided by acl and audited (storage::authorize).
#include <charconv>

#include <Poco/JSON/Array.h>

#include "acl/consent.h"
#include "server/api.h"
#include "server/person_export_json.h"
#include "server/processing_register.h"
#include "server/routes.h"
#include "storage/recording_repo.h"
#include "storage/consent_forms.h"
#include "storage/oversight_queries.h"
#include "storage/recording_queries.h"
#include "storage/roster.h"
#include "storage/statistics.h"
#include "storage/uploads_repo.h"
#include "storage/vault.h"

namespace server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr int kMaxPeopleListed = 5000;
constexpr int kMaxAuditPage = 500;

HttpError forbidden() {
  return HttpError(HTTPResponse::HTTP_FORBIDDEN, "forbidden",
                   "Your role does not allow this.");
}

std::int64_t intParam(const HTTPServerRequest& request, std::string_view name,
                      std::int64_t fallback, std::int64_t max) {
  const auto text = queryParam(request, name);
  if (!text) return fallback;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size() || value < 0 || value > max) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "bad_query",
                    std::string(name) + ": expected 0.." + std::to_string(max) + ".");
  }
  return value;
}

Array::Ptr roleNames(const std::vector<acl::Role>& roles) {
  Array::Ptr out = new Array;
  for (acl::Role role : roles) out->add(std::string(acl::roleName(role)));
  return out;
}

class OversightRoutes {
 public:
  explicit OversightRoutes(Services services) : s_(std::move(services)) {}

  void limits(HTTPServerRequest& request, HTTPServerResponse& response) {
    const Principal who = uploadsCaller(s_, request);
    std::uint64_t stored = 0;
    unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
      auto bytes = storage::storedBytesOf(db, who.person);
      if (!bytes) return std::unexpected(bytes.error());
      stored = *bytes;
      return {};
    }));
    Object json(Poco::JSON_PRESERVE_KEY_ORDER);
    json.set("upload_max_bytes", s_.uploads.max_bytes);
    json.set("quota_bytes", s_.uploads.quota_bytes);
    json.set("quota_left_bytes", stored >= s_.uploads.quota_bytes ? 0 : s_.uploads.quota_bytes - stored);
    Object::Ptr caps = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    caps->set("teacher_training_days", s_.caps.teacher_training_days);
    caps->set("student_support_days", s_.caps.student_support_days);
    json.set("purpose_caps", caps);
    json.set("upload_expire_s", s_.uploads.expire_s);
    // The school's calendar, not the browser's: the date fields count from here.
    json.set("today", acl::formatDate(s_.clock->today()));
    json.set("time_zone", s_.config.time_zone);
    sendObject(response, json);
  }

  void people(HTTPServerRequest& request, HTTPServerResponse& response) {
    require(request, acl::Action::kImportRoster);
    const int offset = static_cast<int>(intParam(request, "offset", 0, 1'000'000));
    Array::Ptr items = new Array;
    unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
      auto people = storage::listPeople(db, kMaxPeopleListed, offset);
      if (!people) return std::unexpected(people.error());
      for (const auto& p : *people) {
        Object::Ptr item = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("id", p.id);
        item->set("external_id", p.external_id);
        item->set("name", p.display_name);
        item->set("roles", roleNames(p.roles));
        if (p.birth_date) item->set("birth_date", *p.birth_date);
        if (p.left_on) item->set("left_on", *p.left_on);
        Array::Ptr pupils = new Array;
        for (acl::PersonId pupil : p.guardian_of) pupils->add(pupil);
        item->set("guardian_of", pupils);
        item->set("has_account", p.has_account);
        items->add(item);
      }
      return {};
    }));
    Object json;
    json.set("people", items);
    sendObject(response, json);
  }

  void importRoster(HTTPServerRequest& request, HTTPServerResponse& response) {
    const Principal who = require(request, acl::Action::kImportRoster);
    if (!request.getContentType().starts_with("text/csv")) {
      throw HttpError(HTTPResponse::HTTP_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                      "Send the roster as text/csv.");
    }
    std::string csv(storage::kMaxRosterBytes + 1, '\0');
    request.stream().read(csv.data(), static_cast<std::streamsize>(csv.size()));
    csv.resize(static_cast<std::size_t>(request.stream().gcount()));
    if (csv.size() > storage::kMaxRosterBytes) {
      throw HttpError(HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                      "The roster is larger than " + std::to_string(storage::kMaxRosterBytes) +
                          " bytes.");
    }
    const acl::Date today = s_.clock->today();
    auto parsed = storage::parseRoster(csv, today);
    storage::RosterImport result;
    result.problems = parsed.problems;
    if (result.problems.empty()) {
      result = unwrap(storage::importRoster(*s_.vault, parsed.entries, today, s_.now(),
                                            std::to_string(who.person)));
    }
    Object json(Poco::JSON_PRESERVE_KEY_ORDER);
    json.set("imported", result.problems.empty());
    json.set("added", result.added);
    json.set("updated", result.updated);
    json.set("unchanged", result.unchanged);
    json.set("skipped", result.skipped);
    Array::Ptr problems = new Array;
    for (const auto& p : result.problems) {
      Object::Ptr item = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      item->set("line", p.line);
      item->set("column", p.column);
      item->set("message", p.message);
      problems->add(item);
    }
    json.set("problems", problems);
    // A file with bad lines imports nothing: 422 with every line, so the admin fixes them all.
    sendObject(response, json,
               result.problems.empty() ? HTTPResponse::HTTP_OK
                                       : HTTPResponse::HTTP_UNPROCESSABLE_ENTITY);
  }

  void consentHistory(HTTPServerRequest& request, HTTPServerResponse& response,
                      const PathParams& params) {
    require(request, acl::Action::kManageConsent);
    acl::PersonId pupil = 0;
    const std::string& text = params.at("person");
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), pupil);
    if (ec != std::errc{} || end != text.data() + text.size() || pupil <= 0) {
      throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "No such person.");
    }
    auto forms = unwrap(storage::consentForms(*s_.vault, pupil));
    Array::Ptr items = new Array;
    for (const auto& f : forms) {
      Object::Ptr item = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      item->set("sequence", f.sequence);
      item->set("category", f.category);
      item->set("form_date", acl::formatDate(f.form_date));
      item->set("given", f.given);
      item->set("recorded_by", f.recorded_by);
      items->add(item);
    }
    Object json;
    json.set("forms", items);
    sendObject(response, json);
  }

  void recordConsent(HTTPServerRequest& request, HTTPServerResponse& response) {
    const Principal who = require(request, acl::Action::kManageConsent);
    auto body = readJsonObject(request);
    acl::ConsentForm form;
    form.pupil = optionalInt(*body, "pupil_id", 1, INT64_MAX).value_or(0);
    if (form.pupil == 0) {
      throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                      "Field \"pupil_id\": required.");
    }
    form.category = requireString(*body, "category", 64);
    form.form_date = parseDateField("form_date", requireString(*body, "form_date", 10));
    form.given = optionalBool(*body, "given", false);
    form.recorded_by = who.person;
    const acl::ConsentConfig config{splitCategories(s_.config.consent_categories)};
    // The rule's own code (a future date, an unknown category), so the web app can say which.
    if (auto checked = acl::checkConsentForm(form, config, s_.clock->today()); !checked) {
      throw denialError(checked.error());
    }
    auto recorded = storage::recordConsentForm(*s_.vault, form, config, s_.clock->today(),
                                               s_.now(), std::to_string(who.person));
    if (!recorded && recorded.error().code == storage::ErrorCode::kInvalidArgument) {
      throw HttpError(HTTPResponse::HTTP_UNPROCESSABLE_ENTITY, "invalid_consent_form",
                      recorded.error().message);
    }
    if (!recorded && recorded.error().code == storage::ErrorCode::kNotFound) {
      throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "unknown_person", "No such pupil.");
    }
    Object json;
    json.set("sequence", unwrap(std::move(recorded)));
    sendObject(response, json, HTTPResponse::HTTP_CREATED);
  }

  void audit(HTTPServerRequest& request, HTTPServerResponse& response) {
    const auto recording = queryParam(request, "recording");
    const Principal who = recordingsCaller(s_, request);
    if (recording && !mayReadWholeAudit(who)) {
      // The owner may read their live recording's history (read_recording_audit);
      // the privacy officer reads any object's, deleted recordings included.
      auto id = storage::Id::parse(*recording);
      if (!id) throw recordingNotFound();
      const acl::Decision may = unwrap(storage::authorize(
          *s_.vault, who.person, acl::Action::kReadRecordingAudit, *id, s_.clock->today(), s_.now()));
      if (!may.allowed()) throw recordingNotFound();
    } else {
      decide(who, acl::Action::kReadAudit);
    }
    const std::int64_t before = intParam(request, "before", 0, INT64_MAX);
    const int limit = static_cast<int>(intParam(request, "limit", 100, kMaxAuditPage));
    Array::Ptr items = new Array;
    unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
      auto entries = storage::auditEntries(db, recording, before, limit);
      if (!entries) return std::unexpected(entries.error());
      for (const auto& e : *entries) {
        Object::Ptr item = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("seq", e.seq);
        item->set("at", e.record.at);
        item->set("actor", e.record.actor);
        item->set("action", e.record.action);
        item->set("object", e.record.object);
        item->set("outcome", e.record.outcome);
        item->set("reason", e.record.reason);
        items->add(item);
      }
      return {};
    }));
    Object json(Poco::JSON_PRESERVE_KEY_ORDER);
    if (!recording) {
      const auto verified = unwrap(s_.vault->verifyAudit(std::nullopt));
      Object::Ptr chain = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      chain->set("intact", verified.ok());
      chain->set("entries", verified.entries);
      chain->set("head", verified.head.toString());
      if (!verified.ok()) {
        chain->set("broken_at", *verified.broken_at);
        chain->set("problem", verified.problem);
      }
      json.set("chain", chain);
    }
    json.set("entries", items);
    sendObject(response, json);
  }

  void processingRegister(HTTPServerRequest& request, HTTPServerResponse& response) {
    require(request, acl::Action::kReadRegister);
    const auto stats = unwrap(storage::collectStatistics(*s_.vault));
    const std::string text =
        server::processingRegister(s_.config, stats, acl::formatDate(s_.clock->today()));
    response.setContentType("text/plain; charset=utf-8");
    response.setContentLength64(static_cast<Poco::Int64>(text.size()));
    response.sendBuffer(text.data(), text.size());
  }

  void exportPerson(HTTPServerRequest& request, HTTPServerResponse& response,
                    const PathParams& params) {
    const Principal who = require(request, acl::Action::kExportPerson);
    const std::string& external = params.at("external_id");
    if (external.size() > 64) throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "No such person.");
    auto exported = storage::exportPerson(*s_.vault, external, s_.now(), std::to_string(who.person));
    if (!exported && exported.error().code == storage::ErrorCode::kNotFound) {
      throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "No such person.");
    }
    const std::string text = personExportJson(unwrap(std::move(exported)));
    sendJson(response, HTTPResponse::HTTP_OK, text);
  }

  void receipts(HTTPServerRequest& request, HTTPServerResponse& response) {
    require(request, acl::Action::kReadAudit);
    Array::Ptr items = new Array;
    unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
      auto receipts = storage::deletionReceipts(db, kMaxAuditPage);
      if (!receipts) return std::unexpected(receipts.error());
      for (const auto& r : *receipts) {
        Object::Ptr item = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        item->set("recording_id", r.recording_id);
        item->set("deleted_at", r.deleted_at);
        item->set("reason", r.reason);
        item->set("master_key_id", r.master_key_id);
        Array::Ptr objects = new Array;
        for (const auto& o : r.objects) objects->add(o);
        item->set("objects", objects);
        Array::Ptr uploads = new Array;
        for (const auto& u : r.uploads) uploads->add(u);
        item->set("uploads", uploads);
        items->add(item);
      }
      return {};
    }));
    Object json;
    json.set("receipts", items);
    sendObject(response, json);
  }

 private:
  // The caller, if acl allows them `action` (audited either way); 403 otherwise.
  Principal require(HTTPServerRequest& request, acl::Action action) {
    // Exports, audit and roster are the school's business too: inside only.
    const Principal who = recordingsCaller(s_, request);
    decide(who, action);
    return who;
  }

  // Whether acl gives `who` the whole audit (asked without auditing: the
  // decision that follows is audited).
  bool mayReadWholeAudit(const Principal& who) {
    bool may = false;
    unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
      auto actor = storage::loadActor(db, who.person);
      if (!actor) return std::unexpected(actor.error());
      may = acl::decide(*actor, acl::Action::kReadAudit, nullptr, s_.clock->today()).allowed();
      return {};
    }));
    return may;
  }

  void decide(const Principal& who, acl::Action action) {
    const acl::Decision may = unwrap(
        storage::authorize(*s_.vault, who.person, action, std::nullopt, s_.clock->today(), s_.now()));
    if (!may.allowed()) throw forbidden();
  }

  Services s_;
};

}  // namespace

void addOversightRoutes(Router& router, const Services& services) {
  auto r = std::make_shared<OversightRoutes>(services);
  router.add("GET", "/api/limits", route([r](auto& rq, auto& rs, const PathParams&) { r->limits(rq, rs); }));
  router.add("GET", "/api/admin/people", route([r](auto& rq, auto& rs, const PathParams&) { r->people(rq, rs); }));
  router.add("POST", "/api/admin/roster",
             route([r](auto& rq, auto& rs, const PathParams&) { r->importRoster(rq, rs); }));
  router.add("GET", "/api/admin/consent/{person}",
             route([r](auto& rq, auto& rs, const PathParams& p) { r->consentHistory(rq, rs, p); }));
  router.add("POST", "/api/admin/consent",
             route([r](auto& rq, auto& rs, const PathParams&) { r->recordConsent(rq, rs); }));
  router.add("GET", "/api/audit", route([r](auto& rq, auto& rs, const PathParams&) { r->audit(rq, rs); }));
  router.add("GET", "/api/register",
             route([r](auto& rq, auto& rs, const PathParams&) { r->processingRegister(rq, rs); }));
  router.add("GET", "/api/people/{external_id}/export",
             route([r](auto& rq, auto& rs, const PathParams& p) { r->exportPerson(rq, rs, p); }));
  router.add("GET", "/api/deletion-receipts",
             route([r](auto& rq, auto& rs, const PathParams&) { r->receipts(rq, rs); }));
}

}  // namespace server
