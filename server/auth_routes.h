// The HTTP face of the auth service (server/auth_service.h):
//
//   POST /api/login                {username, password, totp?} -> /api/me body + session cookie
//   POST /api/logout               ends the session, clears the cookie (204)
//   GET  /api/me                   {id, person_id, display_name, username, roles, csrf_token,
//                                   language, must_change_password, totp_enrolled,
//                                   must_enroll_totp}
//   POST /api/me/password          {current, new} -> /api/me body; ends the other sessions
//   POST /api/me/totp              -> {secret, uri}: enrolment starts
//   POST /api/me/totp/confirm      {code} -> {recovery_codes: [10 codes, shown once]}
//   POST /api/admin/accounts       {person_id, username} -> 201 {id, ..., password (one-time)}
//   GET  /api/admin/accounts       -> {accounts: [...]}
//   POST /api/admin/accounts/{id}/reset-password  -> {id, password (one-time)}
//   POST /api/admin/accounts/{id}/unlock          -> 204
//   POST /api/admin/accounts/{id}/deactivate      -> 204
//
// Request bodies: at most kMaxAuthBody bytes (413 body_too_large), a JSON
// object (400 bad_json), each field checked with its own message (400
// invalid_field). Every POST with a session passes the CSRF check; login
// checks Origin. Admin routes need role admin (403 forbidden, audited).
#pragma once

#include <cstddef>
#include <memory>

#include "server/auth_service.h"
#include "server/network_policy.h"
#include "server/router.h"

namespace server {

inline constexpr std::size_t kMaxAuthBody = 16 * 1024;

// `network` decides who may log in (server.uploads_allow, R4) and which
// address a login's lockout counts against (X-Forwarded-For from trusted
// proxies only).
void addAuthRoutes(Router& router, std::shared_ptr<AuthService> auth,
                   std::shared_ptr<const NetworkPolicy> network);

}  // namespace server
