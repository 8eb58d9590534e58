// tus 1.0 over real HTTP: every status the protocol and the issue name, the
// checksum extension, termination, expiry, concurrent PATCHes with stall
// takeover, and a resume after the server restarts.
#include <filesystem>
#include <fstream>
#include <thread>

#include <openssl/evp.h>

#include <Poco/Base64Encoder.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>

#include <gtest/gtest.h>

#include "server/ingest_queue.h"
#include "server/clock.h"
#include "server/services.h"
#include "server/sweep.h"
#include "server/tus_uploads.h"
#include "tests/server/service_fixture.h"

namespace server::testing {
namespace {

using Headers = Poco::Net::NameValueCollection;

std::string base64(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out);
  encoder.rdbuf()->setLineLength(0);
  encoder << bytes;
  encoder.close();
  return out.str();
}

std::string digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out, &size, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), size);
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class TusHttpTest : public ServiceFixture {
 protected:
  TusHttpTest() : anna_(account(kAnna)), bert_(account(kBert)) {
    recording_ = createTraining(anna_);
    data_ = readFile(mediaFixture("h264_aac_faststart.mp4"));
  }

  Headers tus(Headers extra = {}) {
    if (!extra.has("Tus-Resumable")) extra.add("Tus-Resumable", "1.0.0");
    return extra;
  }

  HttpResult create(const Client& who, std::uint64_t length,
                    const std::string& recording = "") {
    Headers h = tus();
    h.add("Upload-Length", std::to_string(length));
    h.add("Upload-Metadata", "filename " + base64("les.mp4") + ",recording_id " +
                                 base64(recording.empty() ? recording_ : recording));
    return call("POST", "/files", &who, {}, h);
  }

  HttpResult patch(const Client& who, const std::string& location, std::uint64_t offset,
                   const std::string& body, Headers extra = {}) {
    Headers h = tus(std::move(extra));
    h.add("Upload-Offset", std::to_string(offset));
    if (!h.has("Content-Type")) h.add("Content-Type", "application/offset+octet-stream");
    return call("PATCH", location, &who, body, h);
  }

  std::uint64_t headOffset(const Client& who, const std::string& location) {
    const HttpResult head = call("HEAD", location, &who, {}, tus());
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.headers.get("Cache-Control", ""), "no-store");
    return std::stoull(head.headers.get("Upload-Offset", "0"));
  }

  // Uploads the fixture in one PATCH and waits until ingest has consumed the log;
  // returns the upload's location, or "" (with a failure recorded).
  std::string uploadWhole() {
    const std::string location = create(anna_, data_.size()).headers.get("Location", "");
    EXPECT_EQ(patch(anna_, location, 0, data_).status, 204);
    EXPECT_EQ(waitForIngest(recording_, anna_), "ready");
    EXPECT_TRUE(noUploadLogsSoon()) << "the log was kept";
    return ::testing::Test::HasFailure() ? "" : location;
  }

  // Ingest removes the log just after the recording turns ready.
  bool noUploadLogsSoon() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!std::filesystem::is_empty(config_.data_dir + "/uploads") &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::filesystem::is_empty(config_.data_dir + "/uploads");
  }

  Client anna_;
  Client bert_;
  std::string recording_;
  std::string data_;
};

TEST_F(TusHttpTest, OptionsAdvertisesTheExtensions) {
  const HttpResult options = call("OPTIONS", "/files", nullptr);
  EXPECT_EQ(options.status, 204);
  EXPECT_EQ(options.headers.get("Tus-Version", ""), "1.0.0");
  EXPECT_EQ(options.headers.get("Tus-Extension", ""),
            "creation,creation-with-upload,termination,expiration,checksum");
  EXPECT_EQ(options.headers.get("Tus-Checksum-Algorithm", ""), "sha1,sha256");
  EXPECT_EQ(options.headers.get("Tus-Max-Size", ""), std::to_string(8192ULL << 20));
}

TEST_F(TusHttpTest, EveryStatusTheProtocolNames) {
  // 412: a version we do not speak.
  Headers old = tus();
  old.set("Tus-Resumable", "0.2.2");
  old.add("Upload-Length", "10");
  const HttpResult wrong_version = call("POST", "/files", &anna_, {}, old);
  expectError(wrong_version, 412, "unsupported_tus_version");
  EXPECT_EQ(wrong_version.headers.get("Tus-Version", ""), "1.0.0");
  // 413: over the configured size.
  expectError(create(anna_, (8192ULL << 20) + 1), 413, "upload_too_large");
  // 400: no recording_id, or no length.
  Headers bare = tus();
  bare.add("Upload-Length", "10");
  expectError(call("POST", "/files", &anna_, {}, bare), 400, "missing_recording_id");
  Headers deferred = tus();
  deferred.add("Upload-Defer-Length", "1");
  expectError(call("POST", "/files", &anna_, {}, deferred), 400, "length_required");
  // 404: someone else's recording, or none: the same answer.
  expectError(create(bert_, 100), 404, "not_found");
  expectError(create(anna_, 100, std::string(32, 'b')), 404, "not_found");

  const HttpResult created = create(anna_, data_.size());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string location = created.headers.get("Location", "");
  ASSERT_TRUE(location.starts_with("/files/"));
  EXPECT_EQ(created.headers.get("Upload-Offset", ""), "0");
  EXPECT_FALSE(created.headers.get("Upload-Expires", "").empty());
  // 415: wrong content type; 409: wrong offset (with the server's offset).
  Headers json;
  json.add("Content-Type", "application/json");
  expectError(patch(anna_, location, 0, "abc", json), 415, "unsupported_media_type");
  const HttpResult ahead = patch(anna_, location, 5, "abc");
  expectError(ahead, 409, "offset_mismatch", "resume from there");
  // 404 for someone else's upload; 413 past Upload-Length.
  expectError(patch(bert_, location, 0, "abc"), 404, "not_found");
  ASSERT_EQ(patch(anna_, location, 0, data_.substr(0, 1000)).status, 204);
  EXPECT_EQ(headOffset(anna_, location), 1000u);
  expectError(patch(anna_, location, 1000, std::string(data_.size(), 'x')), 413,
              "exceeds_upload_length");
  EXPECT_EQ(headOffset(anna_, location), 1000u);
  // Without the CSRF token a browser's PATCH is refused.
  Headers forged = tus();
  forged.add("X-CSRF-Token", "0000");
  forged.add("Upload-Offset", "1000");
  forged.add("Content-Type", "application/offset+octet-stream");
  expectError(call("PATCH", location, &anna_, "abc", forged), 403, "csrf_failed");
}

TEST_F(TusHttpTest, ChecksumsAreVerifiedBeforeAnythingIsStored) {
  const HttpResult created = create(anna_, data_.size());
  const std::string location = created.headers.get("Location", "");
  const std::string chunk = data_.substr(0, 4096);
  Headers bad;
  bad.add("Upload-Checksum", "sha256 " + base64(digest(EVP_sha256(), "something else")));
  const HttpResult mismatch = patch(anna_, location, 0, chunk, bad);
  EXPECT_EQ(mismatch.status, 460) << mismatch.body;
  EXPECT_EQ(headOffset(anna_, location), 0u) << "nothing appended";
  Headers unknown;
  unknown.add("Upload-Checksum", "md5 " + base64("0123456789abcdef"));
  expectError(patch(anna_, location, 0, chunk, unknown), 400, "unsupported_checksum");
  for (const auto& [name, md] : {std::pair{"sha1", EVP_sha1()}, std::pair{"sha256", EVP_sha256()}}) {
    SCOPED_TRACE(name);
    const std::uint64_t at = headOffset(anna_, location);
    const std::string piece = data_.substr(at, 4096);
    Headers good;
    good.add("Upload-Checksum", std::string(name) + " " + base64(digest(md, piece)));
    const HttpResult sent = patch(anna_, location, at, piece, good);
    EXPECT_EQ(sent.status, 204) << sent.body;
    EXPECT_EQ(headOffset(anna_, location), at + 4096);
  }
}

TEST_F(TusHttpTest, CreationWithUploadAndTermination) {
  Headers h = tus();
  h.add("Upload-Length", std::to_string(data_.size()));
  h.add("Upload-Metadata", "recording_id " + base64(recording_));
  h.add("Content-Type", "application/offset+octet-stream");
  const HttpResult created = call("POST", "/files", &anna_, data_.substr(0, 5000), h);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers.get("Upload-Offset", ""), "5000");
  const std::string location = created.headers.get("Location", "");
  const HttpResult terminated = call("DELETE", location, &anna_, {}, tus());
  EXPECT_EQ(terminated.status, 204);
  EXPECT_EQ(call("HEAD", location, &anna_, {}, tus()).status, 404);
  expectError(patch(anna_, location, 5000, "abc"), 404, "not_found");
  EXPECT_EQ(count("SELECT count(*) FROM uploads"), 0);
  EXPECT_TRUE(std::filesystem::is_empty(config_.data_dir + "/uploads"));
  EXPECT_EQ(lastAudit(), "1 terminate_upload " + recording_ + " done ");
}

TEST_F(TusHttpTest, AnExpiredUploadIsGoneAndTheSweepPurgesIt) {
  const HttpResult created = create(anna_, data_.size());
  const std::string location = created.headers.get("Location", "");
  ASSERT_EQ(patch(anna_, location, 0, data_.substr(0, 100)).status, 204);
  // Expire it (as if a week had passed): 410, and the sweep removes the log.
  ASSERT_TRUE(vault_->transact([&](storage::Database& db, const storage::Vault::Auditor&) {
    auto s = db.prepare("UPDATE uploads SET expires_at = 1");
    if (!s) return storage::Status(std::unexpected(s.error()));
    return s->run();
  }));
  expectError(patch(anna_, location, 100, data_.substr(100, 100)), 410, "upload_expired");
  auto swept = sweepOnce(*vault_, unixNow(), localDate(unixNow()), 3600,
                         services_.upload_registry.get());
  ASSERT_TRUE(swept);
  EXPECT_EQ(swept->uploads_purged, 1);
  EXPECT_TRUE(std::filesystem::is_empty(config_.data_dir + "/uploads"));
  // The recording waits for a new upload.
  EXPECT_EQ(create(anna_, data_.size()).status, 201);
}

// A PATCH whose body stops arriving holds the upload: a second one gets 423
// until the first has been silent for server.upload_stall_s, then takes over
// at the last durable record.
TEST_F(TusHttpTest, AStalledPatchIsTakenOverAConcurrentOneIsLocked) {
  const HttpResult created = create(anna_, data_.size());
  const std::string location = created.headers.get("Location", "");
  // A raw client that promises the whole file and sends 64 KiB.
  Poco::Net::StreamSocket stalled;
  stalled.connect(Poco::Net::SocketAddress("127.0.0.1", server_->port()));
  std::string request = "PATCH " + location + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\n"
                        "Content-Type: application/offset+octet-stream\r\n"
                        "Content-Length: " + std::to_string(data_.size()) + "\r\n"
                        "Origin: " + std::string(kOrigin) + "\r\nCookie: " + anna_.cookie +
                        "\r\nX-CSRF-Token: " + anna_.csrf + "\r\n\r\n" + data_.substr(0, 65536);
  stalled.sendBytes(request.data(), static_cast<int>(request.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  expectError(patch(anna_, location, 0, data_.substr(0, 10)), 423, "upload_locked");
  // After the stall time (1 s in this fixture) the retry wins, from offset 0:
  // the stalled request's 64 KiB were never made durable (less than a record).
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  const std::uint64_t offset = headOffset(anna_, location);
  const HttpResult resumed = patch(anna_, location, offset, data_.substr(offset));
  EXPECT_EQ(resumed.status, 204) << resumed.body;
  EXPECT_EQ(resumed.headers.get("Upload-Offset", ""), std::to_string(data_.size()));
  // The stalled client wakes up and sends the rest: it may not append.
  const std::string rest = data_.substr(65536);
  stalled.sendBytes(rest.data(), static_cast<int>(rest.size()));
  stalled.close();
  EXPECT_EQ(waitForIngest(recording_, anna_), "ready");
}

TEST_F(TusHttpTest, AnUploadResumesAfterTheServerRestarts) {
  const HttpResult created = create(anna_, data_.size());
  const std::string location = created.headers.get("Location", "");
  const std::size_t part = data_.size() / 3;
  ASSERT_EQ(patch(anna_, location, 0, data_.substr(0, part)).status, 204);
  // Stop everything that holds the vault open, then start again on the same files.
  server_.reset();
  services_ = Services{};
  vault_.reset();
  auto vault = storage::Vault::open({config_.data_dir, config_.database_path, config_.keys_dir});
  ASSERT_TRUE(vault) << vault.error().toString();
  vault_ = std::move(*vault);
  auto services = makeServices(config_, vault_);
  ASSERT_TRUE(services);
  services_ = std::move(*services);
  server_ = std::make_unique<TestServer>(makeRouter(services_));
  // Sessions live in the database: the same cookie still works.
  const std::uint64_t offset = headOffset(anna_, location);
  EXPECT_EQ(offset, part);
  EXPECT_EQ(patch(anna_, location, offset, data_.substr(offset)).status, 204);
  EXPECT_EQ(waitForIngest(recording_, anna_), "ready");
  const HttpResult bytes = get("/api/recordings/" + recording_ + "/media.mp4", anna_);
  EXPECT_EQ(bytes.status, 200);
}

// A crash between the last durable append and its bookkeeping leaves every
// byte in the log but the upload open. The client's HEAD sees the full offset
// (and would send nothing more): the server finishes the upload there.
TEST_F(TusHttpTest, AFullLogLeftOpenByACrashIsFinishedAtTheNextHead) {
  const HttpResult created = create(anna_, data_.size());
  const std::string location = created.headers.get("Location", "");
  const auto upload = *storage::Id::parse(location.substr(std::string("/files/").size()));
  {
    auto log = vault_->openUpload(upload);
    ASSERT_TRUE(log);
    ASSERT_TRUE((*log)->append({reinterpret_cast<const std::uint8_t*>(data_.data()), data_.size()}));
  }
  EXPECT_EQ(headOffset(anna_, location), data_.size());
  EXPECT_EQ(waitForIngest(recording_, anna_), "ready");
  // The file is in: a new upload is refused plainly to its owner, as not found to others.
  expectError(create(anna_, data_.size()), 409, "already_uploaded");
  expectError(create(bert_, data_.size()), 404, "not_found");
}

// The last PATCH's response lost (a dropped connection, a server killed after the
// bytes were durable): the client's HEAD after ingest must still say "complete" —
// otherwise tus-js-client creates a new upload, which is refused as already uploaded.
TEST_F(TusHttpTest, AFinishedUploadStillAnswersItsHeadAfterIngestUntilItIsForgotten) {
  const std::string location = uploadWhole();
  ASSERT_FALSE(location.empty());
  const HttpResult head = call("HEAD", location, &anna_, {}, tus());
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers.get("Upload-Offset", ""), std::to_string(data_.size()));
  EXPECT_EQ(head.headers.get("Upload-Length", ""), std::to_string(data_.size()));
  // Nothing more may be sent, and others still learn nothing about it.
  expectError(patch(anna_, location, data_.size(), "x"), 404, "not_found");
  EXPECT_EQ(call("HEAD", location, &bert_, {}, tus()).status, 404);
  // Past the upload's expiry (and at least a day) the sweep forgets it: unknown, like
  // any other id.
  int zone = 0;
  const std::int64_t until =
      Poco::DateTimeParser::parse(Poco::DateTimeFormat::HTTP_FORMAT,
                                  head.headers.get("Upload-Expires", ""), zone)
          .timestamp()
          .epochTime();
  EXPECT_GE(until, unixNow() + 24 * 3600 - 60);
  auto swept = sweepOnce(*vault_, until + 1, localDate(unixNow()), 3600,
                         services_.upload_registry.get());
  ASSERT_TRUE(swept);
  EXPECT_TRUE(swept->problems.empty()) << swept->problems.front();
  EXPECT_EQ(call("HEAD", location, &anna_, {}, tus()).status, 404);
}

TEST_F(TusHttpTest, DeletingTheRecordingForgetsItsFinishedUpload) {
  const std::string location = uploadWhole();
  ASSERT_FALSE(location.empty());
  ASSERT_TRUE(vault_->deleteRecording(*storage::Id::parse(recording_), "erasure_request",
                                      unixNow(), "test"));
  EXPECT_EQ(call("HEAD", location, &anna_, {}, tus()).status, 404);
  std::int64_t rows = -1;
  ASSERT_TRUE(vault_->read([&](storage::Database& db) -> storage::Status {
    auto count = db.prepare("SELECT count(*) FROM finished_uploads");
    if (!count) return std::unexpected(count.error());
    if (auto row = count->step(); !row) return std::unexpected(row.error());
    rows = count->columnInt(0);
    return {};
  }));
  EXPECT_EQ(rows, 0);
}

// An upload page on another origin of the school (server.cors_origins): the
// preflight is answered, tus's headers are exposed, and the origin passes the
// CSRF Origin check; an origin not listed gets none of it.
TEST_F(TusHttpTest, AListedOtherOriginMayUploadWithCors) {
  server_.reset();
  services_ = Services{};
  config_.cors_origins = "https://upload.school.test";
  auto services = makeServices(config_, vault_);
  ASSERT_TRUE(services);
  services_ = std::move(*services);
  server_ = std::make_unique<TestServer>(makeRouter(services_));

  Headers preflight;
  preflight.add("Origin", "https://upload.school.test");
  preflight.add("Access-Control-Request-Method", "PATCH");
  preflight.add("Access-Control-Request-Headers", "tus-resumable,upload-offset,x-csrf-token");
  const HttpResult answered = call("OPTIONS", "/files/" + std::string(32, 'a'), nullptr, {}, preflight);
  EXPECT_EQ(answered.status, 204);
  EXPECT_EQ(answered.headers.get("Access-Control-Allow-Origin", ""), "https://upload.school.test");
  EXPECT_EQ(answered.headers.get("Access-Control-Allow-Credentials", ""), "true");
  EXPECT_NE(answered.headers.get("Access-Control-Allow-Headers", "").find("Upload-Offset"),
            std::string::npos);

  Headers h = tus();
  h.set("Origin", "https://upload.school.test");
  h.add("Upload-Length", std::to_string(data_.size()));
  h.add("Upload-Metadata", "recording_id " + base64(recording_));
  const HttpResult created = call("POST", "/files", &anna_, {}, h);
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers.get("Access-Control-Allow-Origin", ""), "https://upload.school.test");
  EXPECT_NE(created.headers.get("Access-Control-Expose-Headers", "").find("Location"),
            std::string::npos);

  Headers foreign = preflight;
  foreign.set("Origin", "https://evil.example");
  const HttpResult refused = call("OPTIONS", "/files", nullptr, {}, foreign);
  EXPECT_FALSE(refused.headers.has("Access-Control-Allow-Origin"));
  Headers other = h;
  other.set("Origin", "https://evil.example");
  expectError(call("POST", "/files", &anna_, {}, other), 403, "csrf_failed");
}

}  // namespace
}  // namespace server::testing
