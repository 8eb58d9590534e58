#include "tests/server/service_fixture.h"

#include <chrono>
#include <fstream>
#include <thread>

#include <Poco/Base64Encoder.h>

#include "acl/age.h"
#include "server/auth_service.h"
#include "server/clock.h"
#include "server/ingest_queue.h"
#include "server/services.h"
#include "server/totp.h"
#include "storage/roster.h"

namespace server::testing {
namespace {

constexpr std::string_view kRoster =
    "external_id,display_name,role,birth_date,guardian_of,left_on\n"
    "T-1,Anna Smit,staff,,,\n"
    "T-2,Bert Kok,staff,,,\n"
    "T-3,Carla Bos,staff,,,\n"
    "L-1,Sem de Jong,pupil,2014-03-01,,\n"
    "G-1,Gerda de Jong,guardian,,L-1,\n"
    "L-2,Lotte Visser,pupil,2009-05-01,,\n"
    "G-2,Pieter Visser,guardian,,L-2,\n"
    "A-1,Beheerder,admin,,,\n"
    "P-1,Fatima El Idrissi,privacy_officer,,,\n";

const char* kUsernames[] = {"",      "anna",   "bert",   "carla", "sem",
                            "gerda", "lotte",  "pieter", "admin", "privacy"};

std::string base64(const std::string& text) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder << text;
  encoder.close();
  return out.str();
}

}  // namespace

ServiceFixture::ServiceFixture() {
  config_ = testConfig();
  config_.data_dir = dir_.file("data");
  config_.database_path = dir_.file("lv.db");
  config_.keys_dir = dir_.file("keys");
  config_.scrypt_log_n = 10;  // the suite logs in often; production keeps 17
  config_.public_origin = std::string(kOrigin);
  config_.upload_stall_s = 1;
  useTimeZone(config_.time_zone);
  EXPECT_TRUE(storage::Vault::initialize({config_.data_dir, config_.database_path, config_.keys_dir}));
  auto vault = storage::Vault::open({config_.data_dir, config_.database_path, config_.keys_dir});
  EXPECT_TRUE(vault) << vault.error().toString();
  vault_ = std::move(*vault);
  const acl::Date now = localDate(unixNow());
  auto parsed = storage::parseRoster(kRoster, now);
  EXPECT_TRUE(parsed.problems.empty()) << parsed.problems.front().toString();
  EXPECT_TRUE(storage::importRoster(*vault_, parsed.entries, now, unixNow(), "cli:uid0"));
  auto services = makeServices(config_, vault_);
  EXPECT_TRUE(services) << services.error().toString();
  services_ = std::move(*services);
  server_ = std::make_unique<TestServer>(makeRouter(services_));
}

ServiceFixture::~ServiceFixture() {
  server_.reset();
  if (services_.ingest) services_.ingest->waitIdle();
}

Client ServiceFixture::account(Person person) {
  Client client;
  client.name = kUsernames[person];
  const auto issued = services_.auth->createAccount(person, client.name, unixNow(), "cli:uid0");
  const std::string password = "a long enough secret, number " + std::to_string(person);
  auto login = [&](const std::string& secret, const std::string& totp) {
    std::string body = "{\"username\":\"" + client.name + "\",\"password\":\"" + secret + "\"";
    if (!totp.empty()) body += ",\"totp\":\"" + totp + "\"";
    const HttpResult result = postJson("/api/login", Client{}, body + "}");
    EXPECT_EQ(result.status, 200) << result.body;
    const std::string cookie = result.headers.get("Set-Cookie", "");
    client.cookie = cookie.substr(0, cookie.find(';'));
    client.csrf = parseObject(result.body)->getValue<std::string>("csrf_token");
  };
  login(issued.password, "");
  const HttpResult changed = postJson(
      "/api/me/password", client,
      "{\"current\":\"" + issued.password + "\",\"new\":\"" + password + "\"}");
  EXPECT_EQ(changed.status, 200) << changed.body;
  if (person == kAdmin || person == kPrivacy) {
    const HttpResult started = postJson("/api/me/totp", client, "{}");
    EXPECT_EQ(started.status, 200) << started.body;
    const auto secret = base32Decode(parseObject(started.body)->getValue<std::string>("secret"));
    const HttpResult confirmed = postJson(
        "/api/me/totp/confirm", client, "{\"code\":\"" + totpAt(*secret, unixNow()) + "\"}");
    EXPECT_EQ(confirmed.status, 200) << confirmed.body;
  }
  return client;
}

HttpResult ServiceFixture::call(const std::string& method, const std::string& path,
                                const Client* client, const std::string& body,
                                Poco::Net::NameValueCollection extra) {
  if (!extra.has("Origin")) extra.add("Origin", std::string(kOrigin));
  if (client != nullptr && !client->cookie.empty()) {
    extra.add("Cookie", client->cookie);
    if (!extra.has("X-CSRF-Token")) extra.add("X-CSRF-Token", client->csrf);
  }
  return fetch(server_->port(), method, path, body, extra);
}

HttpResult ServiceFixture::postJson(const std::string& path, const Client& client,
                                    const std::string& body) {
  Poco::Net::NameValueCollection headers;
  headers.add("Content-Type", "application/json");
  return call("POST", path, &client, body, headers);
}

std::string ServiceFixture::today(int plus_days) const {
  return acl::formatDate(acl::addDays(localDate(unixNow()), plus_days));
}

std::string ServiceFixture::createTraining(const Client& owner, int days) {
  const std::string body =
      "{\"title\":\"Rekenles groep 6\",\"description\":\"Instructie breuken\","
      "\"purpose\":\"teacher_training\",\"written_purpose\":\"Feedback op mijn instructie\","
      "\"purpose_end\":\"" + today(days) + "\","
      "\"participants\":[{\"person_id\":2,\"relation\":\"supervisor\",\"rights\":\"view,comment\"}],"
      "\"consultation\":{\"consulted\":[1],\"consulted_on\":\"" + today() + "\"}}";
  const HttpResult created = postJson("/api/recordings", owner, body);
  EXPECT_EQ(created.status, 201) << created.body;
  if (created.status != 201) return "";
  return parseObject(created.body)->getValue<std::string>("id");
}

std::uint64_t ServiceFixture::upload(const Client& owner, const std::string& recording,
                                     const std::string& file, std::size_t chunk) {
  std::ifstream in(file, std::ios::binary);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Poco::Net::NameValueCollection create;
  create.add("Tus-Resumable", "1.0.0");
  create.add("Upload-Length", std::to_string(data.size()));
  create.add("Upload-Metadata", "recording_id " + base64(recording) + ",filename " +
                                    base64("les.mp4"));
  const HttpResult created = call("POST", "/files", &owner, {}, create);
  EXPECT_EQ(created.status, 201) << created.body;
  const std::string location = created.headers.get("Location", "");
  std::uint64_t offset = 0;
  while (offset < data.size()) {
    Poco::Net::NameValueCollection patch;
    patch.add("Tus-Resumable", "1.0.0");
    patch.add("Upload-Offset", std::to_string(offset));
    patch.add("Content-Type", "application/offset+octet-stream");
    const std::size_t n = std::min<std::size_t>(chunk, data.size() - offset);
    const HttpResult sent = call("PATCH", location, &owner, data.substr(offset, n), patch);
    EXPECT_EQ(sent.status, 204) << sent.body;
    if (sent.status != 204) break;
    offset = std::stoull(sent.headers.get("Upload-Offset", "0"));
  }
  return offset;
}

std::string ServiceFixture::waitForIngest(const std::string& recording, const Client& owner) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string status;
  while (std::chrono::steady_clock::now() < deadline) {
    const HttpResult got = get("/api/recordings/" + recording, owner);
    if (got.status != 200) return "http " + std::to_string(got.status);
    status = parseObject(got.body)->getValue<std::string>("status");
    if (status != "uploading" && status != "processing") return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return status;
}

std::string ServiceFixture::lastAudit() {
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

std::int64_t ServiceFixture::count(const std::string& sql) {
  std::int64_t n = -1;
  EXPECT_TRUE(vault_->read([&](storage::Database& db) -> storage::Status {
    auto s = db.prepare(sql);
    if (!s) return std::unexpected(s.error());
    LV_TRY(s->step());
    n = s->columnInt(0);
    return {};
  }));
  return n;
}

std::string ServiceFixture::mediaFixture(const std::string& name) const {
  const char* dir = std::getenv("MEDIA_DIR");
  return std::string(dir != nullptr ? dir : LV_TEST_MEDIA_DIR) + "/" + name;
}

void expectError(const HttpResult& result, int status, const std::string& code,
                 const std::string& fragment) {
  EXPECT_EQ(result.status, status) << result.body;
  Poco::JSON::Object::Ptr body;
  try {
    body = parseObject(result.body);
  } catch (const std::exception&) {
    ADD_FAILURE() << "not a JSON error body: " << result.body;
    return;
  }
  const auto error = body->getObject("error");
  ASSERT_TRUE(error) << result.body;
  EXPECT_EQ(error->getValue<std::string>("code"), code) << result.body;
  EXPECT_NE(error->getValue<std::string>("message").find(fragment), std::string::npos)
      << result.body;
}

}  // namespace server::testing
