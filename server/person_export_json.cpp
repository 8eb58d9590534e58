#include "server/person_export_json.h"

#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Array::Ptr strings(const std::vector<std::string>& items) {
  Array::Ptr array = new Array;
  for (const auto& item : items) array->add(item);
  return array;
}

Object::Ptr recordingJson(const storage::ExportedRecording& r) {
  Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("id", r.id);
  json->set("title", r.title);
  json->set("purpose", r.purpose);
  json->set("written_purpose", r.written_purpose);
  json->set("purpose_end", r.purpose_end);
  json->set("status", r.status);
  json->set("created_on", r.created_on);
  json->set("relation", r.relation);
  json->set("rights", r.rights);
  json->set("until", r.until);
  Array::Ptr views = new Array;
  for (const auto& v : r.views) {
    Object::Ptr view = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    view->set("at", v.at);
    view->set("viewer_roles", v.viewer_roles);
    view->set("viewer_relation", v.viewer_relation);
    views->add(view);
  }
  json->set("views", views);
  return json;
}

}  // namespace

std::string personExportJson(const storage::PersonExport& p) {
  Object::Ptr person = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
  person->set("external_id", p.external_id);
  person->set("display_name", p.display_name);
  person->set("roles", strings(p.roles));
  if (!p.birth_date.empty()) person->set("birth_date", p.birth_date);
  if (!p.left_on.empty()) person->set("left_on", p.left_on);
  person->set("guardian_of", strings(p.guardian_of));
  person->set("guardians", strings(p.guardians));

  Array::Ptr consent = new Array;
  for (const auto& form : p.consent) {
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("category", form.category);
    json->set("form_date", form.form_date);
    json->set("given", form.given);
    json->set("recorded_at", form.recorded_at);
    consent->add(json);
  }
  Array::Ptr recordings = new Array;
  for (const auto& recording : p.recordings) recordings->add(recordingJson(recording));
  Array::Ptr consultations = new Array;
  for (const auto& c : p.consultations) {
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("recording_id", c.recording_id);
    json->set("consulted_on", c.consulted_on);
    consultations->add(json);
  }
  Array::Ptr comments = new Array;
  for (const auto& c : p.comments) {
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("recording_id", c.recording_id);
    json->set("position_ms", c.position_ms);
    json->set("created_at", c.created_at);
    json->set("body", c.body);
    comments->add(json);
  }
  Array::Ptr actions = new Array;
  for (const auto& a : p.actions) {
    Object::Ptr json = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    json->set("at", a.at);
    json->set("action", a.action);
    json->set("object", a.object);
    json->set("outcome", a.outcome);
    json->set("reason", a.reason);
    actions->add(json);
  }
  Object root(Poco::JSON_PRESERVE_KEY_ORDER);
  root.set("format", "lessonvault-person-export-v1");
  root.set("person", person);
  root.set("consent_forms", consent);
  root.set("recordings", recordings);
  root.set("consultations", consultations);
  root.set("shared_comments", comments);
  root.set("actions", actions);
  std::ostringstream out;
  root.stringify(out, 2);
  return out.str();
}

}  // namespace server
