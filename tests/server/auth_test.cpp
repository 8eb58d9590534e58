// Logins, sessions, CSRF, TOTP and account management over real HTTP against
// the real server (in-process, port 0) on a real vault in a temporary
// directory. The service's clock is a variable the tests move.
#include "server/auth_service.h"

#include <atomic>

#include <gtest/gtest.h>

#include "server/routes.h"
#include "server/totp.h"
#include "storage/roster.h"
#include "tests/server/http_client.h"
#include "tests/server/test_server.h"
#include "tests/storage/test_util.h"

namespace server {
namespace {

using testing::fetch;
using testing::HttpResult;
using testing::parseObject;

constexpr std::string_view kRoster =
    "external_id,display_name,role,birth_date,guardian_of,left_on\n"
    "t1,Anna de Wit,staff,,,\n"
    "a1,Bram Beheer,admin,,,\n"
    "t2,Carla Smit,staff,,,\n";
constexpr acl::PersonId kAnna = 1;
constexpr acl::PersonId kBram = 2;
constexpr acl::PersonId kCarla = 3;
constexpr std::string_view kOrigin = "http://127.0.0.1:8080";
constexpr std::int64_t kStart = 1'750'000'000;

struct Client {
  std::string cookie;  // "__Host-lv_session=..."
  std::string csrf;
};

class AuthTest : public ::testing::Test {
 protected:
  AuthTest() {
    paths_ = {dir_.file("data"), dir_.file("lv.db"), dir_.file("keys")};
    EXPECT_TRUE(storage::Vault::initialize(paths_));
    vault_ = std::move(*storage::Vault::open(paths_));
    const auto today = *acl::parseDate("2025-06-01");
    auto parsed = storage::parseRoster(kRoster, today);
    EXPECT_TRUE(parsed.problems.empty());
    EXPECT_TRUE(storage::importRoster(*vault_, parsed.entries, today, 1, "cli:uid0"));
    AuthSettings settings;
    settings.scrypt.log_n = 10;
    settings.account_lockout = {3, 60, 3600};
    settings.address_threshold = 8;
    settings.address_lockout_s = 120;
    settings.session_idle_s = 600;
    settings.session_absolute_s = 3600;
    auth_ = std::make_shared<AuthService>(vault_, settings, [this] { return clock_.load(); });
    Services services;
    services.vault = vault_;
    services.auth = auth_;
    server_ = std::make_unique<testing::TestServer>(makeRouter(services));
  }

  Poco::Net::NameValueCollection headers(const Client* client, bool csrf = true) {
    Poco::Net::NameValueCollection h;
    h.add("Origin", std::string(kOrigin));
    h.add("Content-Type", "application/json");
    if (client != nullptr) {
      h.add("Cookie", client->cookie);
      if (csrf) h.add("X-CSRF-Token", client->csrf);
    }
    return h;
  }

  HttpResult post(const std::string& path, const std::string& body, const Client* client = nullptr) {
    return fetch(server_->port(), "POST", path, body, headers(client));
  }
  HttpResult get(const std::string& path, const Client& client) {
    return fetch(server_->port(), "GET", path, {}, headers(&client, false));
  }

  static std::string loginBody(const std::string& user, const std::string& password,
                               const std::string& totp = "") {
    return "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"" +
           (totp.empty() ? "" : ",\"totp\":\"" + totp + "\"") + "}";
  }

  HttpResult login(const std::string& user, const std::string& password,
                   const std::string& totp = "") {
    return post("/api/login", loginBody(user, password, totp));
  }

  // Logs in and returns the client; fails the test unless the login succeeds.
  Client loggedIn(const std::string& user, const std::string& password,
                  const std::string& totp = "") {
    const auto result = login(user, password, totp);
    EXPECT_EQ(result.status, 200) << result.body;
    Client client;
    const std::string cookie = result.headers.get("Set-Cookie", "");
    client.cookie = cookie.substr(0, cookie.find(';'));
    if (result.status == 200) client.csrf = parseObject(result.body)->getValue<std::string>("csrf_token");
    return client;
  }

  // An account with a chosen password, changed from the one-time one, ready to use.
  Client readyAccount(acl::PersonId person, const std::string& user, const std::string& password) {
    const auto issued = auth_->createAccount(person, user, clock_, "cli:uid0");
    Client client = loggedIn(user, issued.password);
    const auto changed = post("/api/me/password",
                              "{\"current\":\"" + issued.password + "\",\"new\":\"" + password + "\"}",
                              &client);
    EXPECT_EQ(changed.status, 200) << changed.body;
    return client;
  }

  std::string lastAudit() {
    std::string entry;
    EXPECT_TRUE(vault_->read([&](storage::Database& db) -> storage::Status {
      auto s = db.prepare(
          "SELECT actor || ' ' || action || ' ' || object || ' ' || outcome || ' ' || reason "
          "FROM audit ORDER BY seq DESC LIMIT 1");
      if (!s) return std::unexpected(s.error());
      LV_TRY(s->step());
      entry = s->columnText(0);
      return {};
    }));
    return entry;
  }

  storage::testing::TempDir dir_;
  storage::VaultPaths paths_;
  std::shared_ptr<storage::Vault> vault_;
  std::atomic<std::int64_t> clock_{kStart};
  std::shared_ptr<AuthService> auth_;
  std::unique_ptr<testing::TestServer> server_;
};

void expectError(const HttpResult& result, int status, const std::string& code,
                 const std::string& fragment) {
  EXPECT_EQ(result.status, status) << result.body;
  const auto body = parseObject(result.body);
  const auto error = body->getObject("error");
  ASSERT_TRUE(error) << result.body;
  EXPECT_EQ(error->getValue<std::string>("code"), code) << result.body;
  EXPECT_NE(error->getValue<std::string>("message").find(fragment), std::string::npos)
      << result.body;
}

TEST_F(AuthTest, LoginSetsTheSessionCookieWithEveryAttribute) {
  const Client anna = readyAccount(kAnna, "anna", "a long enough secret");
  const auto result = login("Anna", "a long enough secret");  // usernames fold case
  ASSERT_EQ(result.status, 200) << result.body;
  const std::string cookie = result.headers.get("Set-Cookie");
  ASSERT_EQ(cookie.size(), std::string("__Host-lv_session=").size() + 64 +
                               std::string("; Path=/; Secure; HttpOnly; SameSite=Strict").size())
      << cookie;
  EXPECT_TRUE(cookie.starts_with("__Host-lv_session=")) << cookie;
  EXPECT_TRUE(cookie.ends_with("; Path=/; Secure; HttpOnly; SameSite=Strict")) << cookie;
  EXPECT_EQ(result.headers.get("Cache-Control"), "no-store");
  const auto me = parseObject(result.body);
  EXPECT_EQ(me->getValue<Poco::Int64>("person_id"), kAnna);
  EXPECT_EQ(me->getValue<std::string>("display_name"), "Anna de Wit");
  EXPECT_EQ(me->getValue<std::string>("language"), "nl");
  EXPECT_EQ(me->getValue<std::string>("csrf_token").size(), 64u);
  EXPECT_FALSE(me->getValue<bool>("must_change_password"));
  EXPECT_FALSE(me->getValue<bool>("totp_enrolled"));
  EXPECT_EQ(me->getArray("roles")->getElement<std::string>(0), "staff");

  const auto again = get("/api/me", anna);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(parseObject(again.body)->getValue<std::string>("csrf_token"), anna.csrf);
  EXPECT_EQ(parseObject(again.body)->getValue<std::string>("id"),
            me->getValue<std::string>("id"));
}

TEST_F(AuthTest, WrongPasswordAndUnknownUserGetTheSameAnswerAndTheSameWork) {
  readyAccount(kAnna, "anna", "a long enough secret");
  const auto hashes = auth_->hasher().hashesComputed();
  const auto wrong = login("anna", "not the password");
  EXPECT_EQ(auth_->hasher().hashesComputed(), hashes + 1);
  const std::string account = (*storage::findAccountByUsername(*vault_, "anna"))->id;
  EXPECT_EQ(lastAudit(), "system login " + account + " denied bad_password");
  const auto unknown = login("nobody", "not the password");
  EXPECT_EQ(auth_->hasher().hashesComputed(), hashes + 2) << "the dummy hash was computed";
  EXPECT_EQ(lastAudit(), "system login unknown denied unknown_account");
  expectError(wrong, 401, "invalid_credentials", "username or password");
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(wrong.status, unknown.status);
}

TEST_F(AuthTest, MalformedLoginsAreRefusedFieldByField) {
  expectError(post("/api/login", "{\"username\":"), 400, "bad_json", "not valid JSON");
  expectError(post("/api/login", "[1,2]"), 400, "bad_json", "JSON object");
  expectError(post("/api/login", "{\"password\":\"x\"}"), 400, "invalid_field", "username");
  expectError(post("/api/login", "{\"username\":\"a\"}"), 400, "invalid_field", "password");
  expectError(post("/api/login", "{\"username\":7,\"password\":\"x\"}"), 400, "invalid_field",
              "\"username\": expected a string");
  expectError(post("/api/login", loginBody("anna", std::string(1025, 'x'))), 400,
              "invalid_field", "password");
  expectError(post("/api/login", "{\"username\":\"" + std::string(20000, 'a') + "\"}"), 413,
              "body_too_large", "16384");
  // Login checks Origin, so no other site can log a browser in.
  Poco::Net::NameValueCollection foreign;
  foreign.add("Origin", "https://evil.example");
  expectError(fetch(server_->port(), "POST", "/api/login", loginBody("anna", "x"), foreign), 403,
              "csrf_failed", "Origin");
  expectError(fetch(server_->port(), "POST", "/api/login", loginBody("anna", "x")), 403,
              "csrf_failed", "no Origin");
}

TEST_F(AuthTest, AnAccountLocksAfterRepeatedFailuresAndOpensAgainLater) {
  readyAccount(kAnna, "anna", "a long enough secret");
  for (int i = 0; i < 3; ++i) expectError(login("anna", "wrong"), 401, "invalid_credentials", "");
  const auto locked = login("anna", "a long enough secret");
  expectError(locked, 429, "too_many_attempts", "try again");
  EXPECT_EQ(parseObject(locked.body)->getObject("error")->getValue<int>("retry_after"), 60);
  EXPECT_EQ(locked.headers.get("Retry-After"), "60");
  clock_ += 61;
  EXPECT_EQ(login("anna", "a long enough secret").status, 200);
  // Unknown usernames lock the same way, so a lockout does not tell them apart.
  for (int i = 0; i < 3; ++i) expectError(login("ghost", "wrong"), 401, "invalid_credentials", "");
  expectError(login("ghost", "wrong"), 429, "too_many_attempts", "try again");
}

TEST_F(AuthTest, AnAddressIsBlockedAfterManyFailuresWhateverTheUsername) {
  readyAccount(kAnna, "anna", "a long enough secret");
  for (int i = 0; i < 8; ++i) {
    expectError(login("user" + std::to_string(i), "wrong"), 401, "invalid_credentials", "");
  }
  const auto blocked = login("anna", "a long enough secret");
  expectError(blocked, 429, "too_many_attempts", "");
  EXPECT_EQ(parseObject(blocked.body)->getObject("error")->getValue<int>("retry_after"), 120);
  clock_ += 121;
  EXPECT_EQ(login("anna", "a long enough secret").status, 200);
}

TEST_F(AuthTest, SessionsEndWhenIdleAndAtTheirAbsoluteLimit) {
  readyAccount(kAnna, "anna", "a long enough secret");
  Client idle = loggedIn("anna", "a long enough secret");
  clock_ += 599;
  EXPECT_EQ(get("/api/me", idle).status, 200);
  clock_ += 599;
  EXPECT_EQ(get("/api/me", idle).status, 200) << "each request restarts the idle timer";
  clock_ += 600;
  expectError(get("/api/me", idle), 401, "not_authenticated", "Log in");

  Client busy = loggedIn("anna", "a long enough secret");
  for (int i = 0; i < 11; ++i) {
    clock_ += 300;
    ASSERT_EQ(get("/api/me", busy).status, 200) << i;
  }
  clock_ += 300;  // 3600 s after login
  expectError(get("/api/me", busy), 401, "not_authenticated", "");
  EXPECT_TRUE(lastAudit().starts_with("system session_expired ")) << lastAudit();
}

TEST_F(AuthTest, LogoutEndsTheSession) {
  readyAccount(kAnna, "anna", "a long enough secret");
  Client anna = loggedIn("anna", "a long enough secret");
  const auto out = post("/api/logout", "", &anna);
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_EQ(out.headers.get("Set-Cookie"),
            "__Host-lv_session=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
  expectError(get("/api/me", anna), 401, "not_authenticated", "");
  expectError(post("/api/logout", "", &anna), 401, "not_authenticated", "");
}

TEST_F(AuthTest, PasswordChangeEndsOtherSessionsAndChecksThePolicy) {
  readyAccount(kAnna, "anna", "a long enough secret");
  Client first = loggedIn("anna", "a long enough secret");
  Client second = loggedIn("anna", "a long enough secret");
  expectError(post("/api/me/password", "{\"current\":\"wrong\",\"new\":\"another fine secret\"}",
                   &first),
              403, "invalid_credentials", "current password");
  expectError(post("/api/me/password",
                   "{\"current\":\"a long enough secret\",\"new\":\"short\"}", &first),
              400, "weak_password", "too short");
  expectError(post("/api/me/password",
                   "{\"current\":\"a long enough secret\",\"new\":\"de wit is geweldig\"}", &first),
              400, "weak_password", "name");
  expectError(post("/api/me/password", "{\"current\":\"a long enough secret\"}", &first), 400,
              "invalid_field", "new: required");
  const auto changed = post(
      "/api/me/password", "{\"current\":\"a long enough secret\",\"new\":\"another fine secret\"}",
      &first);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(get("/api/me", first).status, 200) << "the changing session stays";
  expectError(get("/api/me", second), 401, "not_authenticated", "");
  expectError(login("anna", "a long enough secret"), 401, "invalid_credentials", "");
  EXPECT_EQ(login("anna", "another fine secret").status, 200);
}

TEST_F(AuthTest, StateChangingRequestsNeedTheCsrfTokenAndTheOrigin) {
  readyAccount(kAnna, "anna", "a long enough secret");
  Client anna = loggedIn("anna", "a long enough secret");
  const std::string body = "{\"current\":\"a long enough secret\",\"new\":\"another fine secret\"}";
  auto h = headers(&anna, false);
  expectError(fetch(server_->port(), "POST", "/api/me/password", body, h), 403, "csrf_failed",
              "no X-CSRF-Token");
  h.add("X-CSRF-Token", std::string(64, '0'));
  expectError(fetch(server_->port(), "POST", "/api/me/password", body, h), 403, "csrf_failed",
              "does not match");
  Poco::Net::NameValueCollection wrong_origin;
  wrong_origin.add("Origin", "http://127.0.0.1:9999");
  wrong_origin.add("Cookie", anna.cookie);
  wrong_origin.add("X-CSRF-Token", anna.csrf);
  expectError(fetch(server_->port(), "POST", "/api/me/password", body, wrong_origin), 403,
              "csrf_failed", "Origin");
  expectError(fetch(server_->port(), "POST", "/api/logout", "", h), 403, "csrf_failed", "");
  EXPECT_EQ(get("/api/me", anna).status, 200) << "nothing above changed the session";
  EXPECT_EQ(post("/api/me/password", body, &anna).status, 200);
}

TEST_F(AuthTest, AFreshAccountMustChangeItsPasswordFirst) {
  const auto issued = auth_->createAccount(kAnna, "anna", clock_, "cli:uid0");
  Client anna = loggedIn("anna", issued.password);
  EXPECT_TRUE(parseObject(get("/api/me", anna).body)->getValue<bool>("must_change_password"));
  // The helper every other route calls refuses the session until the change.
  expectError(get("/api/admin/accounts", anna), 403, "password_change_required", "Change");
  expectError(post("/api/me/totp", "", &anna), 403, "password_change_required", "");
  ASSERT_EQ(post("/api/me/password",
                 "{\"current\":\"" + issued.password + "\",\"new\":\"my own secret 2025\"}", &anna)
                .status,
            200);
  EXPECT_FALSE(parseObject(get("/api/me", anna).body)->getValue<bool>("must_change_password"));
  expectError(get("/api/admin/accounts", anna), 403, "forbidden", "admin");
}

TEST_F(AuthTest, TotpIsRequiredForAdminsAndReplaysAreRefused) {
  Client bram = readyAccount(kBram, "bram", "the admin's secret");
  EXPECT_TRUE(parseObject(get("/api/me", bram).body)->getValue<bool>("must_enroll_totp"));
  expectError(get("/api/admin/accounts", bram), 403, "totp_enrollment_required", "two-step");

  expectError(post("/api/me/totp/confirm", "{\"code\":\"123456\"}", &bram), 409,
              "no_totp_enrolment", "Start");
  const auto started = post("/api/me/totp", "", &bram);
  ASSERT_EQ(started.status, 200) << started.body;
  const auto enrolment = parseObject(started.body);
  const auto secret = *base32Decode(enrolment->getValue<std::string>("secret"));
  EXPECT_TRUE(enrolment->getValue<std::string>("uri").starts_with("otpauth://totp/LessonVault:bram?secret="));
  expectError(post("/api/me/totp/confirm", "{\"code\":\"000000x\"}", &bram), 400, "invalid_totp",
              "does not match");
  const auto confirmed = post("/api/me/totp/confirm",
                              "{\"code\":\"" + totpAt(secret, clock_) + "\"}", &bram);
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  const auto codes = parseObject(confirmed.body)->getArray("recovery_codes");
  ASSERT_EQ(codes->size(), 10u);
  EXPECT_EQ(get("/api/admin/accounts", bram).status, 200) << "enrolled: the admin routes open";
  expectError(post("/api/me/totp", "", &bram), 409, "totp_already_enrolled", "");

  expectError(login("bram", "the admin's secret"), 401, "totp_required", "code");
  expectError(login("bram", "the admin's secret", totpAt(secret, clock_)), 401, "invalid_totp",
              "already used");  // the enrolment used this step
  clock_ += 30;
  const std::string code = totpAt(secret, clock_);
  EXPECT_EQ(login("bram", "the admin's secret", code).status, 200);
  expectError(login("bram", "the admin's secret", code), 401, "invalid_totp", "");
  expectError(login("bram", "wrong password", totpAt(secret, clock_ + 30)), 401,
              "invalid_credentials", "");  // the password is checked first

  const std::string recovery = codes->getElement<std::string>(3);
  EXPECT_EQ(login("bram", "the admin's secret", recovery).status, 200);
  expectError(login("bram", "the admin's secret", recovery), 401, "invalid_totp", "");
  // Three failures in a row lock the account (threshold 3): one above, two here.
  for (int i = 0; i < 2; ++i) (void)login("bram", "the admin's secret", "999999");
  expectError(login("bram", "the admin's secret", totpAt(secret, clock_ + 30)), 429,
              "too_many_attempts", "");
}

TEST_F(AuthTest, AdminsManageAccounts) {
  Client bram = readyAccount(kBram, "bram", "the admin's secret");
  const auto started = parseObject(post("/api/me/totp", "", &bram).body);
  const auto secret = *base32Decode(started->getValue<std::string>("secret"));
  ASSERT_EQ(post("/api/me/totp/confirm", "{\"code\":\"" + totpAt(secret, clock_) + "\"}", &bram)
                .status,
            200);
  Client anna = readyAccount(kAnna, "anna", "a long enough secret");
  expectError(post("/api/admin/accounts", "{\"person_id\":3,\"username\":\"carla\"}", &anna), 403,
              "forbidden", "admin");
  EXPECT_EQ(lastAudit(), "1 manage_accounts  denied denied_not_admin");
  expectError(get("/api/admin/accounts", anna), 403, "forbidden", "");

  expectError(post("/api/admin/accounts", "{\"person_id\":\"3\",\"username\":\"carla\"}", &bram),
              400, "invalid_field", "person_id");
  expectError(post("/api/admin/accounts", "{\"person_id\":3,\"username\":\"Carla Smit\"}", &bram),
              400, "invalid_field", "username");
  expectError(post("/api/admin/accounts", "{\"person_id\":99,\"username\":\"x99\"}", &bram), 404,
              "unknown_person", "");
  expectError(post("/api/admin/accounts", "{\"person_id\":3,\"username\":\"anna\"}", &bram), 409,
              "username_taken", "");
  expectError(post("/api/admin/accounts", "{\"person_id\":1,\"username\":\"anna2\"}", &bram), 409,
              "account_exists", "");
  const auto created =
      post("/api/admin/accounts", "{\"person_id\":3,\"username\":\"carla\"}", &bram);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto carla = parseObject(created.body);
  const std::string id = carla->getValue<std::string>("id");
  EXPECT_EQ(lastAudit(), "2 create_account " + id + " done ");
  EXPECT_TRUE(carla->getValue<bool>("must_change_password"));
  const std::string first_password = carla->getValue<std::string>("password");
  Client carla_client = loggedIn("carla", first_password);
  EXPECT_TRUE(
      parseObject(get("/api/me", carla_client).body)->getValue<bool>("must_change_password"));

  const auto list = parseObject(get("/api/admin/accounts", bram).body)->getArray("accounts");
  ASSERT_EQ(list->size(), 3u);
  EXPECT_FALSE(list->getObject(0)->has("password"));
  EXPECT_FALSE(list->getObject(0)->has("password_hash"));

  const auto reset = post("/api/admin/accounts/" + id + "/reset-password", "", &bram);
  ASSERT_EQ(reset.status, 200) << reset.body;
  expectError(get("/api/me", carla_client), 401, "not_authenticated", "");  // reset ends sessions
  expectError(login("carla", first_password), 401, "invalid_credentials", "");
  const std::string second_password = parseObject(reset.body)->getValue<std::string>("password");
  EXPECT_EQ(login("carla", second_password).status, 200);

  for (int i = 0; i < 3; ++i) (void)login("carla", "wrong");
  expectError(login("carla", second_password), 429, "too_many_attempts", "");
  EXPECT_EQ(post("/api/admin/accounts/" + id + "/unlock", "", &bram).status, 204);
  Client again = loggedIn("carla", second_password);
  EXPECT_EQ(post("/api/admin/accounts/" + id + "/deactivate", "", &bram).status, 204);
  expectError(get("/api/me", again), 401, "not_authenticated", "");
  expectError(login("carla", second_password), 401, "invalid_credentials", "");

  const std::string unknown(32, 'a');
  expectError(post("/api/admin/accounts/" + unknown + "/unlock", "", &bram), 404, "not_found", "");
  expectError(post("/api/admin/accounts/..%2F..%2Fx/deactivate", "", &bram), 404, "not_found", "");
  expectError(post("/api/admin/accounts/" + id + "/unlock", "", &anna), 403, "forbidden", "");

  // The admin's own account: not deactivated or reset from here (no locking oneself out).
  const std::string own = parseObject(get("/api/me", bram).body)->getValue<std::string>("id");
  expectError(post("/api/admin/accounts/" + own + "/deactivate", "", &bram), 403, "forbidden",
              "My account");
  expectError(post("/api/admin/accounts/" + own + "/reset-password", "", &bram), 403, "forbidden",
              "My account");
  EXPECT_EQ(get("/api/me", bram).status, 200);
}

TEST_F(AuthTest, WithoutASessionEveryAuthRouteAnswers401) {
  Client nobody{"__Host-lv_session=" + std::string(64, 'f'), std::string(64, '0')};
  expectError(get("/api/me", nobody), 401, "not_authenticated", "Log in");
  expectError(get("/api/admin/accounts", nobody), 401, "not_authenticated", "");
  expectError(post("/api/me/password", "{}", &nobody), 401, "not_authenticated", "");
  Client garbage{"__Host-lv_session=../../etc/passwd", ""};
  expectError(get("/api/me", garbage), 401, "not_authenticated", "");
}

}  // namespace
}  // namespace server
