// The people on a recording and its timestamped feedback: naming, changing and
// removing participants (R4), comments at a media time, shared or personal
// (R11), the owner's feedback export, and the roster search staff use to
// choose participants (guardians and pupils never list people).
#include <charconv>
#include <cstdio>
#include <sstream>

#include <Poco/JSON/Array.h>

#include "acl/policy.h"
#include "server/api.h"
#include "server/recording_json.h"
#include "server/routes.h"
#include "storage/collaboration.h"
#include "storage/recording_queries.h"
#include "storage/vault.h"

namespace server {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr int kMaxPeopleMatches = 20;
constexpr std::int64_t kMaxPositionMs = 24LL * 3600 * 1000;

acl::PersonId personParam(const PathParams& params) {
  const auto found = params.find("person");
  acl::PersonId id = 0;
  if (found != params.end()) {
    const std::string& text = found->second;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) id = 0;
  }
  if (id == 0) {
    throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "not_found", "No such person on this recording.");
  }
  return id;
}

// A refusal on a recording: "not yours" is the same 404 as "not there"; a
// rule the input broke is explained.
[[noreturn]] void refuse(const acl::Denial& denial) {
  if (denialError(denial).status() == HTTPResponse::HTTP_FORBIDDEN) throw recordingNotFound();
  throw denialError(denial);
}

std::string formatPosition(std::int64_t ms) {
  const std::int64_t s = ms / 1000;
  char text[32];
  std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return text;
}

class CollaborationRoutes {
 public:
  explicit CollaborationRoutes(Services services) : s_(std::move(services)) {}

  void setParticipant(HTTPServerRequest& request, HTTPServerResponse& response,
                      const PathParams& params) {
    const Principal who = recordingsCaller(s_, request);
    const storage::Id id = recordingIdParam(params);
    const acl::Participant p = participantFromJson(*readJsonObject(request), personParam(params));
    auto done = unwrap(
        storage::setParticipant(*s_.vault, who.person, id, p, s_.clock->today(), s_.now()));
    if (!done) refuse(done.error());
    sendNoContent(response);
  }

  void removeParticipant(HTTPServerRequest& request, HTTPServerResponse& response,
                         const PathParams& params) {
    const Principal who = recordingsCaller(s_, request);
    const storage::Id id = recordingIdParam(params);
    auto done = unwrap(storage::removeParticipant(*s_.vault, who.person, id, personParam(params),
                                                  s_.clock->today(), s_.now()));
    if (!done) refuse(done.error());
    sendNoContent(response);
  }

  void listComments(HTTPServerRequest& request, HTTPServerResponse& response,
                    const PathParams& params) {
    const Principal who = recordingsCaller(s_, request);
    const auto comments = visibleComments(who, recordingIdParam(params));
    Array::Ptr items = new Array;
    for (const auto& [comment, author] : comments) items->add(commentJson(comment, author));
    Object json;
    json.set("comments", items);
    sendObject(response, json);
  }

  void addComment(HTTPServerRequest& request, HTTPServerResponse& response,
                  const PathParams& params) {
    const Principal who = recordingsCaller(s_, request);
    const storage::Id id = recordingIdParam(params);
    auto body = readJsonObject(request);
    const std::int64_t position = optionalInt(*body, "position_ms", 0, kMaxPositionMs).value_or(-1);
    if (position < 0) {
      throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                      "Field \"position_ms\": required, the media time in milliseconds.");
    }
    const std::string text = requireString(*body, "text", storage::kMaxCommentBytes);
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                      "Field \"text\": write something.");
    }
    const std::string visibility_name = optionalString(*body, "visibility", 16).value_or("shared");
    auto visibility = acl::parseCommentVisibility(visibility_name);
    if (!visibility) {
      throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                      "Field \"visibility\": shared or personal.");
    }
    auto added = unwrap(storage::addComment(*s_.vault, who.person, id, position, text, *visibility,
                                            s_.clock->today(), s_.now()));
    if (!added) refuse(added.error());
    acl::Comment comment{*added, who.person, *visibility, text, position};
    sendObject(response, *commentJson(comment, who.display_name), HTTPResponse::HTTP_CREATED);
  }

  // The owner's copy of the feedback before the recording ends: every shared
  // comment and the owner's own personal ones (their own notes, R11 withholds
  // them only from others).
  void exportComments(HTTPServerRequest& request, HTTPServerResponse& response,
                      const PathParams& params) {
    const Principal who = recordingsCaller(s_, request);
    const storage::Id id = recordingIdParam(params);
    const acl::Date today = s_.clock->today();
    const acl::Decision may = unwrap(
        storage::checkAccess(*s_.vault, who.person, acl::Action::kEndPurpose, id, today, s_.now()));
    // The owner's copy: a manager named on the recording gets the same 404.
    if (!may.allowed() || may.reason != acl::Reason::kAllowedOwner) throw recordingNotFound();
    unwrap(s_.vault->audit(
        {s_.now(), std::to_string(who.person), "export_comments", id.hex(), "done", ""}));
    const auto comments = visibleComments(who, id);
    const std::string format = queryParam(request, "format").value_or("json");
    if (format == "md") {
      std::ostringstream md;
      md << "# Feedback\n\n";
      for (const auto& [c, author] : comments) {
        md << "- **" << formatPosition(c.position_ms.value_or(0)) << "** " << author
           << (c.visibility == acl::CommentVisibility::kPersonal ? " (personal)" : "") << ": "
           << c.text << "\n";
      }
      const std::string text = md.str();
      response.setContentType("text/markdown; charset=utf-8");
      response.setContentLength64(static_cast<Poco::Int64>(text.size()));
      response.sendBuffer(text.data(), text.size());
      return;
    }
    if (format != "json") {
      throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field", "format is json or md.");
    }
    Array::Ptr items = new Array;
    for (const auto& [comment, author] : comments) items->add(commentJson(comment, author));
    Object json;
    json.set("recording_id", id.hex());
    json.set("comments", items);
    sendObject(response, json);
  }

  void searchPeople(HTTPServerRequest& request, HTTPServerResponse& response) {
    const Principal who = recordingsCaller(s_, request);
    const std::string query = queryParam(request, "q").value_or("");
    if (query.size() < 2 || query.size() > 100) {
      throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                      "q: type 2 to 100 characters of a name.");
    }
    std::vector<storage::PersonMatch> matches;
    bool staff = false;
    unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
      auto actor = storage::loadActor(db, who.person);
      if (!actor) return std::unexpected(actor.error());
      staff = acl::hasRole(actor->person, acl::Role::kStaff);
      if (!staff) return {};
      auto found = storage::searchPeople(db, query, kMaxPeopleMatches);
      if (!found) return std::unexpected(found.error());
      matches = std::move(*found);
      return {};
    }));
    if (!staff) {
      throw HttpError(HTTPResponse::HTTP_FORBIDDEN, "forbidden", "Only staff can look people up.");
    }
    Array::Ptr items = new Array;
    for (const auto& m : matches) {
      Object::Ptr item = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
      item->set("id", m.id);
      item->set("name", m.display_name);
      Array::Ptr roles = new Array;
      for (acl::Role role : m.roles) roles->add(std::string(acl::roleName(role)));
      item->set("roles", roles);
      items->add(item);
    }
    Object json;
    json.set("people", items);
    sendObject(response, json);
  }

 private:
  std::vector<std::pair<acl::Comment, std::string>> visibleComments(const Principal& who,
                                                                    const storage::Id& id) {
    auto listed =
        unwrap(storage::listComments(*s_.vault, who.person, id, s_.clock->today(), s_.now()));
    if (!listed) throw recordingNotFound();
    std::vector<acl::PersonId> authors;
    for (const auto& c : *listed) authors.push_back(c.author);
    std::map<acl::PersonId, std::string> names;
    unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
      auto found = storage::displayNames(db, authors);
      if (!found) return std::unexpected(found.error());
      names = std::move(*found);
      return {};
    }));
    std::vector<std::pair<acl::Comment, std::string>> out;
    for (auto& c : *listed) {
      std::string author = names[c.author];
      out.emplace_back(std::move(c), std::move(author));
    }
    return out;
  }

  static Object::Ptr commentJson(const acl::Comment& c, const std::string& author) {
    Object::Ptr item = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    item->set("id", c.id);
    item->set("author_id", c.author);
    item->set("author_name", author);
    item->set("position_ms", c.position_ms.value_or(0));
    item->set("visibility", std::string(acl::commentVisibilityName(c.visibility)));
    item->set("text", c.text);
    return item;
  }

  Services s_;
};

}  // namespace

void addCollaborationRoutes(Router& router, const Services& services) {
  auto r = std::make_shared<CollaborationRoutes>(services);
  router.add("PUT", "/api/recordings/{id}/participants/{person}",
             route([r](auto& rq, auto& rs, const PathParams& p) { r->setParticipant(rq, rs, p); }));
  router.add("DELETE", "/api/recordings/{id}/participants/{person}",
             route([r](auto& rq, auto& rs, const PathParams& p) { r->removeParticipant(rq, rs, p); }));
  router.add("GET", "/api/recordings/{id}/comments",
             route([r](auto& rq, auto& rs, const PathParams& p) { r->listComments(rq, rs, p); }));
  router.add("POST", "/api/recordings/{id}/comments",
             route([r](auto& rq, auto& rs, const PathParams& p) { r->addComment(rq, rs, p); }));
  router.add("GET", "/api/recordings/{id}/comments/export",
             route([r](auto& rq, auto& rs, const PathParams& p) { r->exportComments(rq, rs, p); }));
  router.add("GET", "/api/people",
             route([r](auto& rq, auto& rs, const PathParams&) { r->searchPeople(rq, rs); }));
}

}  // namespace server
