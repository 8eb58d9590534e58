// The recordings API and playback over real HTTP against the real server:
// create, upload through tus, ingest, stream with Range requests, revoke, end;
// unknown and forbidden ids answered alike (invariant 2); no plaintext under
// the data directory (invariant 1).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include "acl/age.h"
#include "server/clock.h"
#include "server/ingest_queue.h"
#include "server/network_policy.h"
#include "server/sweep.h"
#include "storage/recording_queries.h"
#include "tests/server/service_fixture.h"

namespace server::testing {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Poco::Net::NameValueCollection range(const std::string& value) {
  Poco::Net::NameValueCollection headers;
  headers.add("Range", value);
  return headers;
}

// Invariant 1: does any 64-byte window of `original` occur in a file under `dir`?
bool plaintextUnder(const std::string& dir, const std::string& original) {
  // Windows at a stride of 64 cover every 128-byte run of the original.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string content = readFile(entry.path());
    for (std::size_t at = 0; at + 64 <= original.size(); at += 64) {
      if (content.find(std::string_view(original).substr(at, 64)) != std::string::npos) {
        return true;
      }
    }
  }
  return false;
}

class RecordingsHttpTest : public ServiceFixture {
 protected:
  RecordingsHttpTest() : anna_(account(kAnna)), bert_(account(kBert)), carla_(account(kCarla)) {}

  // A ready recording of Anna's (Bert may view and comment).
  std::string readyRecording() {
    const std::string id = createTraining(anna_);
    const std::string file = mediaFixture("h264_aac_faststart.mp4");
    EXPECT_EQ(upload(anna_, id, file, 256 * 1024), std::filesystem::file_size(file));
    EXPECT_EQ(waitForIngest(id, anna_), "ready");
    return id;
  }

  Client anna_;
  Client bert_;
  Client carla_;
};

TEST_F(RecordingsHttpTest, CreationChecksEveryRuleAndAnswersWithTheDeletionDate) {
  const auto created = postJson(
      "/api/recordings", anna_,
      "{\"title\":\"Les\",\"purpose\":\"teacher_training\",\"written_purpose\":\"Feedback\","
      "\"purpose_end\":\"" + today(10) + "\",\"consultation\":{\"consulted\":[1],"
      "\"consulted_on\":\"" + today() + "\"}}");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto json = parseObject(created.body);
  EXPECT_EQ(json->getValue<std::string>("status"), "uploading");
  EXPECT_EQ(json->getValue<std::string>("purpose_end"), today(10));
  EXPECT_EQ(json->getValue<std::string>("deleted_on"), today(11));
  EXPECT_EQ(json->getValue<int>("days_left"), 11);
  EXPECT_TRUE(json->getValue<bool>("ending_soon"));
  EXPECT_EQ(json->getValue<std::string>("upload_endpoint"), "/files");
  EXPECT_EQ(created.headers.get("Location"), "/api/recordings/" + json->getValue<std::string>("id"));

  // A pupil's name in the title (R6), an end beyond the cap (R5), no written purpose (R1).
  expectError(postJson("/api/recordings", anna_,
                       "{\"title\":\"Sem de Jong rekent\",\"purpose\":\"teacher_training\","
                       "\"written_purpose\":\"x\",\"purpose_end\":\"" + today(10) + "\","
                       "\"consultation\":{\"consulted\":[1],\"consulted_on\":\"" + today() + "\"}}"),
              422, "denied_pupil_name");
  expectError(postJson("/api/recordings", anna_,
                       "{\"title\":\"Les\",\"purpose\":\"teacher_training\",\"written_purpose\":\"x\","
                       "\"purpose_end\":\"" + today(400) + "\",\"consultation\":{\"consulted\":[1],"
                       "\"consulted_on\":\"" + today() + "\"}}"),
              422, "denied_purpose_end_beyond_cap");
  expectError(postJson("/api/recordings", anna_,
                       "{\"title\":\"Les\",\"purpose\":\"teacher_training\",\"written_purpose\":\" \","
                       "\"purpose_end\":\"" + today(10) + "\",\"consultation\":{\"consulted\":[1],"
                       "\"consulted_on\":\"" + today() + "\"}}"),
              422, "denied_written_purpose_missing");
  // Malformed input: each with its own message, nothing created.
  expectError(postJson("/api/recordings", anna_, "{\"title\":"), 400, "bad_json");
  expectError(postJson("/api/recordings", anna_, "{\"purpose\":\"teacher_training\",\"title\":5}"), 400,
              "invalid_field", "title");
  expectError(postJson("/api/recordings", anna_, "{\"title\":\"x\",\"purpose\":\"fun\"}"), 400,
              "invalid_field", "purpose");
  expectError(call("POST", "/api/recordings", &anna_, "{}"), 415, "unsupported_media_type");
  expectError(postJson("/api/recordings", anna_, "{\"title\":\"" + std::string(70000, 'a') + "\"}"),
              413, "body_too_large");
  EXPECT_EQ(count("SELECT count(*) FROM recordings"), 1);
  // A guardian may not record (R8); without a session nobody may.
  expectError(postJson("/api/recordings", account(kGerda),
                       "{\"title\":\"Les\",\"purpose\":\"teacher_training\",\"written_purpose\":\"x\","
                       "\"purpose_end\":\"" + today(10) + "\"}"),
              403, "denied_not_staff");
  expectError(postJson("/api/recordings", Client{}, "{}"), 401, "not_authenticated");
}

TEST_F(RecordingsHttpTest, AnUploadPlaysForThoseNamedAndIsNotFoundForOthers) {
  const std::string id = readyRecording();
  const std::string file = mediaFixture("h264_aac_faststart.mp4");
  EXPECT_FALSE(plaintextUnder(config_.data_dir, readFile(file)));

  const auto got = get("/api/recordings/" + id, bert_);
  ASSERT_EQ(got.status, 200) << got.body;
  const auto json = parseObject(got.body);
  const auto media = json->getObject("media");
  ASSERT_TRUE(media);
  EXPECT_EQ(media->getValue<std::string>("video_codec"), "h264");
  EXPECT_FALSE(json->has("participants")) << "a supervisor without manage sees no people list";
  EXPECT_TRUE(parseObject(get("/api/recordings/" + id, anna_).body)->has("participants"));
  // What each may do, so the web app offers only that.
  const auto rights = [](const Poco::JSON::Object::Ptr& o) {
    std::string all;
    const auto list = o->getArray("my_rights");
    for (unsigned i = 0; i < list->size(); ++i) all += list->getElement<std::string>(i) + ";";
    return all;
  };
  EXPECT_EQ(rights(json), "view;comment;");
  EXPECT_EQ(rights(parseObject(get("/api/recordings/" + id, anna_).body)), "view;comment;manage;");
  EXPECT_FALSE(json->getValue<bool>("may_request_erasure"));
  // The list says who has access to the owner (a manager) and not to the supervisor.
  const auto owners_list = parseObject(get("/api/recordings", anna_).body)->getArray("recordings");
  ASSERT_EQ(owners_list->size(), 1u);
  EXPECT_EQ(owners_list->getObject(0)->getArray("participants")->size(), 1u);
  const auto bert_list = parseObject(get("/api/recordings", bert_).body)->getArray("recordings");
  ASSERT_EQ(bert_list->size(), 1u);
  EXPECT_FALSE(bert_list->getObject(0)->has("participants"));

  const auto playlist = get("/api/recordings/" + id + "/playlist.m3u8", bert_);
  ASSERT_EQ(playlist.status, 200);
  EXPECT_EQ(playlist.headers.get("Content-Type"), "application/vnd.apple.mpegurl");
  EXPECT_EQ(playlist.headers.get("Cache-Control"), "no-store");
  EXPECT_NE(playlist.body.find("#EXT-X-MAP:URI=\"media.mp4\""), std::string::npos);
  EXPECT_NE(playlist.body.find("#EXT-X-ENDLIST"), std::string::npos);

  const auto whole = get("/api/recordings/" + id + "/media.mp4", bert_);
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.headers.get("Accept-Ranges"), "bytes");
  EXPECT_FALSE(whole.headers.has("Content-Disposition"));
  EXPECT_EQ(whole.body.substr(4, 4), "ftyp");
  const std::size_t size = whole.body.size();
  EXPECT_EQ(media->getValue<std::uint64_t>("size"), size);

  struct Case {
    std::string header;
    std::size_t first;
    std::size_t last;
  };
  for (const Case& c : {Case{"bytes=0-99", 0, 99}, Case{"bytes=100-", 100, size - 1},
                        Case{"bytes=-500", size - 500, size - 1},
                        Case{"bytes=70000-70000", 70000, 70000},
                        Case{"bytes=65530-131080", 65530, 131080},
                        Case{"bytes=10-99999999999", 10, size - 1}}) {
    SCOPED_TRACE(c.header);
    const auto part = call("GET", "/api/recordings/" + id + "/media.mp4", &bert_, {}, range(c.header));
    ASSERT_EQ(part.status, 206);
    EXPECT_EQ(part.headers.get("Content-Range"), "bytes " + std::to_string(c.first) + "-" +
                                                      std::to_string(c.last) + "/" +
                                                      std::to_string(size));
    EXPECT_EQ(part.body, whole.body.substr(c.first, c.last - c.first + 1));
  }
  // The body goes out corked (stream_routes.cpp). A cork left on would hold a
  // response's last partial segment back for 200 ms on a connection that stays open
  // (closing it would flush), so: several small ranges on one keep-alive connection.
  {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    session.setKeepAlive(true);
    auto fastest = std::chrono::steady_clock::duration::max();
    for (int attempt = 0; attempt < 3; ++attempt) {
      Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET,
                                     "/api/recordings/" + id + "/media.mp4",
                                     Poco::Net::HTTPMessage::HTTP_1_1);
      request.set("Cookie", bert_.cookie);
      request.set("Range", "bytes=0-99");
      const auto started = std::chrono::steady_clock::now();
      session.sendRequest(request);
      Poco::Net::HTTPResponse response;
      std::string body;
      Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
      fastest = std::min(fastest, std::chrono::steady_clock::now() - started);
      ASSERT_EQ(response.getStatus(), Poco::Net::HTTPResponse::HTTP_PARTIAL_CONTENT);
      EXPECT_EQ(body, whole.body.substr(0, 100));
    }
    EXPECT_LT(fastest, std::chrono::milliseconds(150));
  }
  const auto outside = call("GET", "/api/recordings/" + id + "/media.mp4", &bert_, {},
                            range("bytes=" + std::to_string(size) + "-"));
  expectError(outside, 416, "range_not_satisfiable");
  EXPECT_EQ(outside.headers.get("Content-Range"), "bytes */" + std::to_string(size));
  const auto head = call("HEAD", "/api/recordings/" + id + "/media.mp4", &bert_);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers.get("Content-Length"), std::to_string(size));
  EXPECT_TRUE(head.body.empty());

  const auto poster = get("/api/recordings/" + id + "/poster.jpg", bert_);
  EXPECT_EQ(poster.status, 200);
  EXPECT_EQ(poster.headers.get("Content-Type"), "image/jpeg");
  EXPECT_EQ(poster.body.substr(0, 2), "\xFF\xD8");

  // One "view started" for all of Bert's requests above.
  EXPECT_EQ(count("SELECT count(*) FROM audit WHERE action = 'view_started' AND actor = '2'"), 1);

  // Carla is named on nothing: every route is the same 404 as an unknown id,
  // and so is a malformed one.
  const std::string unknown(32, 'a');
  for (const std::string& rid : {id, unknown, std::string("..%2F..%2Fetc")}) {
    for (const char* tail : {"", "/playlist.m3u8", "/media.mp4", "/poster.jpg", "/comments"}) {
      SCOPED_TRACE(rid + tail);
      const auto refused = get("/api/recordings/" + rid + tail, carla_);
      expectError(refused, 404, "not_found", "No such recording");
    }
  }
  EXPECT_EQ(parseObject(get("/api/recordings", carla_).body)->getArray("recordings")->size(), 0u);
  EXPECT_EQ(parseObject(get("/api/recordings", bert_).body)->getArray("recordings")->size(), 1u);
}

TEST_F(RecordingsHttpTest, RevokingAGrantStopsTheNextRequest) {
  const std::string id = readyRecording();
  ASSERT_EQ(call("GET", "/api/recordings/" + id + "/media.mp4", &bert_, {}, range("bytes=0-9")).status,
            206);
  ASSERT_EQ(call("DELETE", "/api/recordings/" + id + "/participants/2", &anna_).status, 204);
  expectError(call("GET", "/api/recordings/" + id + "/media.mp4", &bert_, {}, range("bytes=10-19")),
              404, "not_found");
  // Named again until today: it plays again.
  Poco::Net::NameValueCollection json;
  json.add("Content-Type", "application/json");
  const auto named = call("PUT", "/api/recordings/" + id + "/participants/2", &anna_,
                          "{\"relation\":\"supervisor\",\"rights\":\"view\",\"until\":\"" +
                              today() + "\"}",
                          json);
  ASSERT_EQ(named.status, 204) << named.body;
  EXPECT_EQ(call("GET", "/api/recordings/" + id + "/media.mp4", &bert_, {}, range("bytes=0-9")).status,
            206);
  // Bert cannot manage: the same 404 as Carla, not a 403 that confirms the id.
  expectError(call("DELETE", "/api/recordings/" + id + "/participants/1", &bert_), 404, "not_found");
}

TEST_F(RecordingsHttpTest, CommentsAtAMediaTimeSharedOrPersonal) {
  const std::string id = readyRecording();
  const auto shared = postJson("/api/recordings/" + id + "/comments", bert_,
                               "{\"position_ms\":3000,\"text\":\"Goede uitleg hier\"}");
  ASSERT_EQ(shared.status, 201) << shared.body;
  const auto personal = postJson("/api/recordings/" + id + "/comments", bert_,
                                 "{\"position_ms\":1000,\"text\":\"eigen notitie\",\"visibility\":\"personal\"}");
  ASSERT_EQ(personal.status, 201) << personal.body;
  const auto anna_sees = parseObject(get("/api/recordings/" + id + "/comments", anna_).body);
  ASSERT_EQ(anna_sees->getArray("comments")->size(), 1u);
  const auto first = anna_sees->getArray("comments")->getObject(0);
  EXPECT_EQ(first->getValue<std::string>("text"), "Goede uitleg hier");
  EXPECT_EQ(first->getValue<std::string>("author_name"), "Bert Kok");
  EXPECT_EQ(first->getValue<int>("position_ms"), 3000);
  EXPECT_EQ(parseObject(get("/api/recordings/" + id + "/comments", bert_).body)
                ->getArray("comments")->size(), 2u);
  expectError(postJson("/api/recordings/" + id + "/comments", bert_, "{\"text\":\"x\"}"), 400,
              "invalid_field", "position_ms");
  expectError(postJson("/api/recordings/" + id + "/comments", carla_,
                       "{\"position_ms\":0,\"text\":\"x\"}"), 404, "not_found");

  const auto markdown = get("/api/recordings/" + id + "/comments/export?format=md", anna_);
  ASSERT_EQ(markdown.status, 200);
  EXPECT_NE(markdown.body.find("**00:00:03** Bert Kok: Goede uitleg hier"), std::string::npos)
      << markdown.body;
  EXPECT_EQ(markdown.body.find("eigen notitie"), std::string::npos);
  expectError(get("/api/recordings/" + id + "/comments/export", bert_), 404, "not_found");
  EXPECT_EQ(count("SELECT count(*) FROM audit WHERE action = 'export_comments' AND actor = '1'"),
            1)
      << "the owner's export is audited";
  // A manager who is not the owner: the same 404.
  Poco::Net::NameValueCollection json;
  json.add("Content-Type", "application/json");
  ASSERT_EQ(call("PUT", "/api/recordings/" + id + "/participants/2", &anna_,
                 "{\"relation\":\"supervisor\",\"rights\":\"view,comment,manage\"}", json)
                .status,
            204);
  expectError(get("/api/recordings/" + id + "/comments/export", bert_), 404, "not_found");
}

TEST_F(RecordingsHttpTest, PurposeEndChangesAndEndingNowDeletes) {
  const std::string id = readyRecording();
  const auto longer = postJson("/api/recordings/" + id + "/purpose-end", anna_,
                               "{\"purpose_end\":\"" + today(60) + "\"}");
  expectError(longer, 422, "denied_reason_required");
  const auto shorter = postJson("/api/recordings/" + id + "/purpose-end", anna_,
                                "{\"purpose_end\":\"" + today(5) + "\"}");
  ASSERT_EQ(shorter.status, 200) << shorter.body;
  EXPECT_EQ(parseObject(shorter.body)->getValue<int>("days_left"), 6);
  expectError(postJson("/api/recordings/" + id + "/purpose-end", bert_,
                       "{\"purpose_end\":\"" + today(4) + "\"}"), 404, "not_found");

  expectError(postJson("/api/recordings/" + id + "/end", bert_, "{}"), 404, "not_found");
  ASSERT_EQ(postJson("/api/recordings/" + id + "/end", anna_, "{}").status, 204);
  for (const char* tail : {"", "/playlist.m3u8", "/media.mp4"}) {
    expectError(get("/api/recordings/" + id + tail, anna_), 404, "not_found");
  }
  EXPECT_EQ(count("SELECT count(*) FROM data_keys"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM deletion_receipts WHERE reason = 'purpose_ended_early'"), 1);
  EXPECT_TRUE(std::filesystem::is_empty(config_.data_dir + "/objects"));
}

TEST_F(RecordingsHttpTest, TheSweepDeletesWhatIsPastItsEnd) {
  const std::string id = readyRecording();
  const std::string keep = readyRecording();
  ASSERT_EQ(postJson("/api/recordings/" + id + "/purpose-end", anna_,
                     "{\"purpose_end\":\"" + today(0) + "\"}").status, 200);
  // On its last day it stays; the first sweep after it deletes it.
  auto before = sweepOnce(*vault_, unixNow(), localDate(unixNow()), 3600, nullptr);
  ASSERT_TRUE(before);
  EXPECT_EQ(before->recordings_deleted, 0);
  auto after = sweepOnce(*vault_, unixNow() + 86400, acl::addDays(localDate(unixNow()), 1), 3600,
                         nullptr);
  ASSERT_TRUE(after) << after.error().toString();
  EXPECT_EQ(after->recordings_deleted, 1);
  expectError(get("/api/recordings/" + id, anna_), 404, "not_found");
  EXPECT_EQ(get("/api/recordings/" + keep, anna_).status, 200);
  EXPECT_EQ(count("SELECT count(*) FROM data_keys"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM deletion_receipts WHERE reason = 'purpose_ended'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM audit WHERE action = 'delete_recording' AND object = '" +
                  id + "' AND actor = 'system'"), 1);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(config_.data_dir + "/objects"),
                          std::filesystem::directory_iterator()),
            2);  // the other recording's media and poster
  auto verified = vault_->verifyAudit(std::nullopt);
  ASSERT_TRUE(verified);
  EXPECT_TRUE(verified->ok());
  // Idempotent.
  auto again = sweepOnce(*vault_, unixNow() + 86400, acl::addDays(localDate(unixNow()), 1), 3600,
                         nullptr);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->recordings_deleted, 0);
}

TEST_F(RecordingsHttpTest, ARefusedFileSaysWhyAndMayBeUploadedAgain) {
  const std::string id = createTraining(anna_);
  upload(anna_, id, mediaFixture("text.mp4"));
  EXPECT_EQ(waitForIngest(id, anna_), "failed");
  const auto failed = parseObject(get("/api/recordings/" + id, anna_).body);
  EXPECT_EQ(failed->getObject("failure")->getValue<std::string>("code"), "not_media");
  EXPECT_EQ(count("SELECT count(*) FROM uploads"), 0) << "a refused upload is not kept";
  const std::string file = mediaFixture("h264_aac_faststart.mp4");
  EXPECT_EQ(upload(anna_, id, file), std::filesystem::file_size(file));
  EXPECT_EQ(waitForIngest(id, anna_), "ready");
  EXPECT_FALSE(parseObject(get("/api/recordings/" + id, anna_).body)->has("failure"));
}

TEST_F(RecordingsHttpTest, StaffLookUpPeopleOthersCannot) {
  const auto found = get("/api/people?q=visser", bert_);
  ASSERT_EQ(found.status, 200);
  EXPECT_EQ(parseObject(found.body)->getArray("people")->size(), 2u);
  expectError(get("/api/people?q=visser", account(kGerda)), 403, "forbidden");
  expectError(get("/api/people?q=v", bert_), 400, "invalid_field");
}

TEST_F(RecordingsHttpTest, MetricsCountRequestsByRoutePattern) {
  const std::string id = readyRecording();
  ASSERT_EQ(get("/api/recordings/" + id, bert_).status, 200);
  // A request is counted just after its response went out, and an ingest just
  // after its recording became ready: look again for a moment.
  const std::string request_line =
      "lessonvault_http_requests_total{route=\"/api/recordings/{id}\",method=\"GET\","
      "status=\"200\"}";
  const std::string ingest_line = "lessonvault_ingest_jobs_total{outcome=\"ready\"} 1";
  HttpResult metrics;
  for (int i = 0; i < 100; ++i) {
    metrics = call("GET", "/metrics", nullptr);
    ASSERT_EQ(metrics.status, 200);
    if (metrics.body.find(request_line) != std::string::npos &&
        metrics.body.find(ingest_line) != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(metrics.body.find(request_line), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find(ingest_line), std::string::npos) << metrics.body;
  EXPECT_EQ(metrics.body.find(id), std::string::npos) << "ids never become labels";
  // Prometheus's own linter accepts the exposition (Debian package prometheus).
  const std::string file = dir_.file("metrics.txt");
  std::ofstream(file) << metrics.body;
  const std::string lint = "promtool check metrics < " + file + " 2>&1";
  FILE* pipe = ::popen(lint.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  EXPECT_EQ(::pclose(pipe), 0) << output;
}

// R4: recordings only from the school's networks; a proxy's X-Forwarded-For
// believed only from a configured proxy.
TEST_F(RecordingsHttpTest, OnlyTheSchoolsNetworksReachRecordingsAndLogins) {
  const std::string id = createTraining(anna_);
  auto restart = [&](const char* recordings, const char* uploads, const char* proxies) {
    server_.reset();
    auto r = parseCidrList(recordings);
    auto u = parseCidrList(uploads);
    auto p = parseCidrList(proxies);
    ASSERT_TRUE(r && u && p);
    services_.network = std::make_shared<NetworkPolicy>(*r, *u, *p);
    server_ = std::make_unique<TestServer>(makeRouter(services_));
  };
  Poco::Net::NameValueCollection from_school;
  from_school.add("X-Forwarded-For", "8.8.8.8, 10.1.2.3");
  Poco::Net::NameValueCollection from_outside;
  from_outside.add("X-Forwarded-For", "10.1.2.3, 8.8.8.8");

  // Only 10/8 may watch; this test's client is 127.0.0.1, and no proxy is trusted.
  restart("10.0.0.0/8", "10.0.0.0/8", "");
  for (const char* path : {"", "/playlist.m3u8", "/media.mp4"}) {
    expectError(get("/api/recordings/" + id + path, anna_), 403, "network_not_allowed");
  }
  expectError(call("GET", "/api/recordings/" + id, &anna_, {}, from_school), 403,
              "network_not_allowed");  // the header is not believed from a client
  expectError(postJson("/api/login", Client{}, "{\"username\":\"anna\",\"password\":\"x\"}"),
              403, "network_not_allowed");
  // Uploads open from anywhere, recordings still inside.
  restart("10.0.0.0/8", "0.0.0.0/0,::/0", "");
  const HttpResult limits = call("GET", "/api/limits", &anna_);
  EXPECT_EQ(limits.status, 200) << limits.body;
  expectError(get("/api/recordings", anna_), 403, "network_not_allowed");
  // Behind a trusted proxy on 127.0.0.1: the first untrusted hop from the right decides.
  restart("10.0.0.0/8", "10.0.0.0/8", "127.0.0.1");
  EXPECT_EQ(call("GET", "/api/recordings/" + id, &anna_, {}, from_school).status, 200);
  expectError(call("GET", "/api/recordings/" + id, &anna_, {}, from_outside), 403,
              "network_not_allowed");
  // A proxy that adds its own header line: the client's forged first line is not the answer.
  Poco::Net::NameValueCollection two_lines;
  two_lines.add("X-Forwarded-For", "10.1.2.3");
  two_lines.add("X-Forwarded-For", "8.8.8.8");
  expectError(call("GET", "/api/recordings/" + id, &anna_, {}, two_lines), 403,
              "network_not_allowed");
  // A hop that is no address fails closed.
  Poco::Net::NameValueCollection junk;
  junk.add("X-Forwarded-For", "10.1.2.3, 8.8.8.8:4444");
  expectError(call("GET", "/api/recordings/" + id, &anna_, {}, junk), 403, "network_not_allowed");
  // The privacy officer's routes are inside-only too.
  restart("10.0.0.0/8", "0.0.0.0/0,::/0", "");
  const Client privacy = account(kPrivacy);
  expectError(get("/api/audit", privacy), 403, "network_not_allowed");
}

}  // namespace
}  // namespace server::testing
