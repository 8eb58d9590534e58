// The whole service in-process for HTTP tests: a vault in a temporary
// directory with a small school on its roster, the Services the server builds
// (makeServices: real ingest queue, tus registry, auth), the real router on an
// ephemeral port, and helpers that act as a browser would: log in, send the
// CSRF token and Origin, upload through tus, wait for ingest.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/Net/NameValueCollection.h>

#include "server/config.h"
#include "server/routes.h"
#include "storage/vault.h"
#include "tests/server/http_client.h"
#include "tests/server/test_server.h"
#include "tests/storage/test_util.h"

namespace server::testing {

// Roster ids, in file order.
enum Person : acl::PersonId {
  kAnna = 1,   // staff: the trainee who records
  kBert,       // staff: her supervisor
  kCarla,      // staff: a teacher named on nothing
  kSem,        // pupil, 12
  kGerda,      // Sem's guardian
  kLotte,      // pupil, 17
  kPieter,     // Lotte's guardian
  kAdmin,      // admin
  kPrivacy,    // privacy officer
};

inline constexpr std::string_view kOrigin = "http://lessonvault.test";

struct Client {
  std::string name;
  std::string cookie;  // "__Host-lv_session=..."
  std::string csrf;
};

class ServiceFixture : public ::testing::Test {
 protected:
  ServiceFixture();
  ~ServiceFixture() override;

  // A logged-in account for `person` (password changed, TOTP enrolled when the
  // role requires it).
  Client account(Person person);

  HttpResult call(const std::string& method, const std::string& path, const Client* client,
                  const std::string& body = {},
                  Poco::Net::NameValueCollection extra = Poco::Net::NameValueCollection());
  HttpResult get(const std::string& path, const Client& client) {
    return call("GET", path, &client);
  }
  HttpResult postJson(const std::string& path, const Client& client, const std::string& body);

  // A teacher_training recording by Anna with Bert as supervisor (view, comment),
  // ending in `days` days; returns its id.
  std::string createTraining(const Client& owner, int days = 30);
  // Uploads `file` through tus (creation, then PATCHes of `chunk` bytes) and
  // returns the final offset.
  std::uint64_t upload(const Client& owner, const std::string& recording, const std::string& file,
                       std::size_t chunk = 1 << 20);
  // Waits (at most 60 s) until ingest has finished; returns the status.
  std::string waitForIngest(const std::string& recording, const Client& owner);

  std::string today(int plus_days = 0) const;
  std::string lastAudit();
  std::int64_t count(const std::string& sql);
  std::string mediaFixture(const std::string& name) const;

  storage::testing::TempDir dir_;
  Config config_;
  std::shared_ptr<storage::Vault> vault_;
  Services services_;
  std::unique_ptr<TestServer> server_;
};

void expectError(const HttpResult& result, int status, const std::string& code,
                 const std::string& fragment = "");

}  // namespace server::testing
