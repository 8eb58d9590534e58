// Who is making a request: the account behind a live session. The auth service
// (server/auth_service.h) produces it from the session cookie; every other route
// takes it as given and asks acl::decide() what this person may do.
#pragma once

#include <string>

#include "acl/people.h"

namespace server {

struct Principal {
  std::string account_id;    // random 32-hex account id
  acl::PersonId person = 0;  // the roster person the account belongs to (acl and audit actor)
  std::string display_name;  // for the player's watermark
  std::string csrf_token;    // the session's CSRF token (sent back in X-CSRF-Token)
  // True until the account's password has been changed after a reset or first
  // start: every route but /api/me, /api/me/password and /api/logout answers
  // 403 password_change_required.
  bool must_change_password = false;
  // True while the account's roles require TOTP (auth.totp_required_roles) and
  // none is enrolled: the same routes as above, plus /api/me/totp and
  // /api/me/totp/confirm, are open; every other answers 403 totp_enrollment_required.
  bool must_enroll_totp = false;
};

}  // namespace server
