#include "server/auth_routes.h"

#include <functional>
#include <istream>
#include <sstream>
#include <string>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include "server/api.h"
#include "server/auth_crypto.h"

namespace server {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;
using Json = Poco::JSON::Object::Ptr;

using Body = RouteBody;

void add(Router& router, std::string_view method, std::string_view pattern, Body body) {
  router.add(method, pattern, route(std::move(body)));
}

Json newObject() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

void sendObject(HTTPServerResponse& response, HTTPResponse::HTTPStatus status, const Json& body) {
  server::sendObject(response, *body, status);
}

// The body as a JSON object (api.h: bounded, wiped after parsing).
Json readJson(HTTPServerRequest& request) { return readJsonObject(request, kMaxAuthBody); }

std::optional<std::string> optionalString(const Json& body, const std::string& name) {
  return server::optionalString(*body, name, kMaxAuthBody);
}

std::string requiredString(const Json& body, const std::string& name) {
  auto text = optionalString(body, name);
  if (!text || text->empty()) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field", name + ": required.");
  }
  return std::move(*text);
}

acl::PersonId requiredPersonId(const Json& body, const std::string& name) {
  if (!body->has(name)) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field", name + ": required.");
  }
  const auto field = body->get(name);
  if (!field.isInteger() || field.convert<Poco::Int64>() < 1) {
    throw HttpError(HTTPResponse::HTTP_BAD_REQUEST, "invalid_field",
                    name + ": expected a positive integer.");
  }
  return field.convert<Poco::Int64>();
}

Poco::JSON::Array::Ptr roleArray(const std::vector<acl::Role>& roles) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
  for (acl::Role role : roles) array->add(std::string(acl::roleName(role)));
  return array;
}

Json meBody(const SessionInfo& session) {
  const Principal& p = session.principal;
  Json me = newObject();
  me->set("id", p.account_id);
  me->set("person_id", p.person);
  me->set("display_name", p.display_name);
  me->set("username", session.username);
  me->set("roles", roleArray(session.roles));
  me->set("csrf_token", p.csrf_token);
  me->set("language", session.language);
  me->set("must_change_password", p.must_change_password);
  me->set("totp_enrolled", session.totp_enrolled);
  me->set("must_enroll_totp", p.must_enroll_totp);
  return me;
}

std::string sessionCookie(std::string_view token) {
  // __Host-: Secure, Path=/, no Domain; sent the same on http://127.0.0.1,
  // where browsers accept Secure cookies (DESIGN.md).
  return std::string(kSessionCookie) + "=" + std::string(token) +
         "; Path=/; Secure; HttpOnly; SameSite=Strict";
}

// The self-service routes' session: 401 without one, the CSRF check for
// POST, and none of the must-change / must-enrol gates.
SessionInfo requireSelf(AuthService& auth, HTTPServerRequest& request, std::int64_t now) {
  auto info = auth.session(request, now);
  if (!info) throw HttpError(HTTPResponse::HTTP_UNAUTHORIZED, "not_authenticated", "Log in first.");
  if (request.getMethod() != "GET" && request.getMethod() != "HEAD") {
    auth.requireCsrf(request, info->principal);
  }
  return std::move(*info);
}

std::string actorOf(const Principal& principal) { return std::to_string(principal.person); }

Json accountBody(const storage::Account& account, std::int64_t now) {
  Json body = newObject();
  body->set("id", account.id);
  body->set("person_id", account.person);
  body->set("username", account.username);
  body->set("display_name", account.display_name);
  body->set("roles", roleArray(account.roles));
  body->set("active", account.active);
  body->set("locked", account.locked_until > now);
  body->set("must_change_password", account.must_change_password);
  body->set("totp_enrolled", account.totp_enrolled);
  body->set("created_at", account.created_at);
  return body;
}

void addSessionRoutes(Router& router, const std::shared_ptr<AuthService>& auth,
                      const std::shared_ptr<const NetworkPolicy>& network) {
  add(router, "POST", "/api/login",
      [auth, network](HTTPServerRequest& request, HTTPServerResponse& response,
                      const PathParams&) {
        network->requireUploads(request);
        auth->requireOrigin(request);
        const Json body = readJson(request);
        LoginRequest login;
        login.username = requiredString(body, "username");
        login.password = requiredString(body, "password");
        login.totp = optionalString(body, "totp");
        login.client_address = network->clientAddress(request).toString();
        try {
          auto result = auth->login(std::move(login), auth->now());
          response.add("Set-Cookie", sessionCookie(result.token));
          wipe(result.token);
          sendObject(response, HTTPResponse::HTTP_OK, meBody(result.session));
        } catch (const LoginThrottled& e) {
          response.set("Retry-After", std::to_string(e.retryAfter()));
          Json error = newObject();
          error->set("code", e.code());
          error->set("message", std::string(e.what()));
          error->set("retry_after", e.retryAfter());
          Json wrapper = newObject();
          wrapper->set("error", error);
          sendObject(response, e.status(), wrapper);
        }
      });
  add(router, "POST", "/api/logout",
      [auth](HTTPServerRequest& request, HTTPServerResponse& response, const PathParams&) {
        const std::int64_t now = auth->now();
        const SessionInfo session = requireSelf(*auth, request, now);
        auth->logout(session, now);
        response.add("Set-Cookie", std::string(kSessionCookie) +
                                       "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
        sendNoContent(response);
      });
  add(router, "GET", "/api/me",
      [auth](HTTPServerRequest& request, HTTPServerResponse& response, const PathParams&) {
        sendObject(response, HTTPResponse::HTTP_OK,
                   meBody(requireSelf(*auth, request, auth->now())));
      });
  add(router, "POST", "/api/me/password",
      [auth](HTTPServerRequest& request, HTTPServerResponse& response, const PathParams&) {
        const std::int64_t now = auth->now();
        const SessionInfo session = requireSelf(*auth, request, now);
        const Json body = readJson(request);
        auth->changePassword(session, requiredString(body, "current"),
                             requiredString(body, "new"), now);
        sendObject(response, HTTPResponse::HTTP_OK,
                   meBody(requireSelf(*auth, request, now)));
      });
  add(router, "POST", "/api/me/totp",
      [auth](HTTPServerRequest& request, HTTPServerResponse& response, const PathParams&) {
        const std::int64_t now = auth->now();
        const SessionInfo session = requireSelf(*auth, request, now);
        if (session.principal.must_change_password) {
          throw HttpError(HTTPResponse::HTTP_FORBIDDEN, "password_change_required",
                          "Change your password first (POST /api/me/password).");
        }
        auto enrolment = auth->startTotpEnrolment(session, now);
        Json body = newObject();
        body->set("secret", enrolment.secret);
        body->set("uri", enrolment.uri);
        sendObject(response, HTTPResponse::HTTP_OK, body);
        wipe(enrolment.secret);
        wipe(enrolment.uri);
      });
  add(router, "POST", "/api/me/totp/confirm",
      [auth](HTTPServerRequest& request, HTTPServerResponse& response, const PathParams&) {
        const std::int64_t now = auth->now();
        const SessionInfo session = requireSelf(*auth, request, now);
        const Json body = readJson(request);
        const std::string code = requiredString(body, "code");
        auto codes = auth->confirmTotpEnrolment(session, code, now);
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (auto& one : codes) list->add(one);
        Json answer = newObject();
        answer->set("recovery_codes", list);
        sendObject(response, HTTPResponse::HTTP_OK, answer);
        for (auto& one : codes) wipe(one);
      });
}

// The admin's principal: a full session (password changed, TOTP enrolled when
// required) of someone acl allows to manage accounts.
Principal requireManager(AuthService& auth, HTTPServerRequest& request, std::int64_t now) {
  Principal principal = requireSession(auth, request, now);
  auth.requireAccountManager(principal, now);
  return principal;
}

// An admin who deactivated or reset their own account here would lock themselves out (the
// last admin: everyone); their own password changes under /api/me/password.
void refuseOwnAccount(const Principal& admin, const std::string& account_id) {
  if (account_id == admin.account_id) {
    throw HttpError(HTTPResponse::HTTP_FORBIDDEN, "forbidden",
                    "Your own account is changed under \"My account\", not here.");
  }
}

void addAdminRoutes(Router& router, const std::shared_ptr<AuthService>& auth) {
  add(router, "POST", "/api/admin/accounts",
      [auth](HTTPServerRequest& request, HTTPServerResponse& response, const PathParams&) {
        const std::int64_t now = auth->now();
        const Principal admin = requireManager(*auth, request, now);
        const Json body = readJson(request);
        const acl::PersonId person = requiredPersonId(body, "person_id");
        const std::string username = requiredString(body, "username");
        auto issued = auth->createAccount(person, username, now, actorOf(admin));
        Json answer = accountBody(issued.account, now);
        answer->set("password", issued.password);
        sendObject(response, HTTPResponse::HTTP_CREATED, answer);
        wipe(issued.password);
      });
  add(router, "GET", "/api/admin/accounts",
      [auth](HTTPServerRequest& request, HTTPServerResponse& response, const PathParams&) {
        const std::int64_t now = auth->now();
        (void)requireManager(*auth, request, now);
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const auto& account : auth->accounts()) list->add(accountBody(account, now));
        Json answer = newObject();
        answer->set("accounts", list);
        sendObject(response, HTTPResponse::HTTP_OK, answer);
      });
  add(router, "POST", "/api/admin/accounts/{id}/reset-password",
      [auth](HTTPServerRequest& request, HTTPServerResponse& response, const PathParams& params) {
        const std::int64_t now = auth->now();
        const Principal admin = requireManager(*auth, request, now);
        refuseOwnAccount(admin, params.at("id"));
        auto issued = auth->resetPassword(params.at("id"), now, actorOf(admin));
        Json answer = newObject();
        answer->set("id", issued.account.id);
        answer->set("password", issued.password);
        sendObject(response, HTTPResponse::HTTP_OK, answer);
        wipe(issued.password);
      });
  add(router, "POST", "/api/admin/accounts/{id}/unlock",
      [auth](HTTPServerRequest& request, HTTPServerResponse& response, const PathParams& params) {
        const std::int64_t now = auth->now();
        const Principal admin = requireManager(*auth, request, now);
        auth->unlock(params.at("id"), now, actorOf(admin));
        sendNoContent(response);
      });
  add(router, "POST", "/api/admin/accounts/{id}/deactivate",
      [auth](HTTPServerRequest& request, HTTPServerResponse& response, const PathParams& params) {
        const std::int64_t now = auth->now();
        const Principal admin = requireManager(*auth, request, now);
        refuseOwnAccount(admin, params.at("id"));
        auth->deactivate(params.at("id"), now, actorOf(admin));
        sendNoContent(response);
      });
}

}  // namespace

void addAuthRoutes(Router& router, std::shared_ptr<AuthService> auth,
                   std::shared_ptr<const NetworkPolicy> network) {
  addSessionRoutes(router, auth, network);
  addAdminRoutes(router, auth);
}

}  // namespace server
