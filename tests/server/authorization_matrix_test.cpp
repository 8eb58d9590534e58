// The authorisation matrix (invariant 2): every recording route against every
// role and relation, with the status each must get. Forbidden and unknown are
// the same 404; only the people named with the right see or change anything.
#include <map>

#include <gtest/gtest.h>

#include "acl/consent.h"
#include "server/config.h"
#include "storage/consent_forms.h"
#include "tests/server/service_fixture.h"

namespace server::testing {
namespace {

struct Route {
  const char* method;
  const char* tail;  // after /api/recordings/{id}
  const char* body;  // JSON, for state-changing routes
};

// The routes that do not destroy the recording; end and erase come after.
const Route kRoutes[] = {
    {"GET", "", nullptr},
    {"GET", "/playlist.m3u8", nullptr},
    {"GET", "/media.mp4", nullptr},
    {"GET", "/poster.jpg", nullptr},
    {"GET", "/comments", nullptr},
    {"POST", "/comments", R"({"position_ms":1000,"text":"Mooi moment"})"},
    {"GET", "/comments/export", nullptr},
    {"PATCH", "", R"json({"title":"Rekenles groep 6 (deel 2)"})json"},
    {"POST", "/purpose-end", nullptr},  // body made per run: a shorter end
    {"PUT", "/participants/3", R"({"relation":"teacher","rights":"view"})"},
    {"DELETE", "/participants/3", nullptr},
    {"GET", "/erasure-requests", nullptr},
};

class AuthorizationMatrixTest : public ServiceFixture {
 protected:
  HttpResult request(const Client& who, const std::string& id, const Route& route) {
    Poco::Net::NameValueCollection headers;
    std::string body;
    if (route.body != nullptr) body = route.body;
    if (std::string_view(route.tail) == "/purpose-end") {
      body = "{\"purpose_end\":\"" + today(20) + "\"}";
    }
    if (!body.empty()) headers.add("Content-Type", "application/json");
    return call(route.method, "/api/recordings/" + id + route.tail, &who, body, headers);
  }
};

TEST_F(AuthorizationMatrixTest, EveryRouteForEveryRoleAndRelation) {
  std::map<Person, Client> people;
  for (Person p : {kAnna, kBert, kCarla, kSem, kGerda, kPieter, kAdmin, kPrivacy}) {
    people.emplace(p, account(p));
  }
  const std::string id = createTraining(people.at(kAnna));
  const std::string file = mediaFixture("h264_aac_faststart.mp4");
  upload(people.at(kAnna), id, file);
  ASSERT_EQ(waitForIngest(id, people.at(kAnna)), "ready");

  // Expected status per person, in kRoutes order.
  const std::map<Person, std::vector<int>> expected = {
      // owner: everything
      {kAnna, {200, 200, 200, 200, 200, 201, 200, 200, 200, 204, 204, 200}},
      // supervisor named with view and comment: sees and comments, changes nothing
      {kBert, {200, 200, 200, 200, 200, 201, 404, 404, 404, 404, 404, 404}},
      // a teacher named on nothing, a pupil, a guardian, the admin: not found
      {kCarla, {404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}},
      {kSem, {404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}},
      {kPieter, {404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}},
      {kAdmin, {404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404}},
      // the privacy officer sees no content, but may see erasure requests (to act on them)
      {kPrivacy, {404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 200}},
  };
  const std::string unknown(32, 'c');
  for (const auto& [person, statuses] : expected) {
    for (std::size_t i = 0; i < std::size(kRoutes); ++i) {
      const Route& route = kRoutes[i];
      SCOPED_TRACE(people.at(person).name + " " + route.method + " " + route.tail);
      const HttpResult result = request(people.at(person), id, route);
      EXPECT_EQ(result.status, statuses[i]) << result.body;
      if (statuses[i] == 404) {
        // The same answer as for an id that does not exist.
        const HttpResult missing = request(people.at(person), unknown, route);
        EXPECT_EQ(missing.status, 404);
        EXPECT_EQ(result.body, missing.body);
      }
    }
  }
  // Without a session: 401 everywhere, before anything about the id is said.
  for (const Route& route : kRoutes) {
    SCOPED_TRACE(std::string(route.method) + " " + route.tail);
    EXPECT_EQ(request(Client{}, id, route).status, 401);
  }
  // The destructive ones: refused for those who may not, done by those who may.
  for (Person p : {kBert, kCarla, kAdmin, kGerda}) {
    SCOPED_TRACE(people.at(p).name);
    expectError(postJson("/api/recordings/" + id + "/end", people.at(p), "{}"), 404, "not_found");
    expectError(postJson("/api/recordings/" + id + "/erase", people.at(p), "{}"), 404, "not_found");
  }
  expectError(postJson("/api/recordings/" + id + "/erase", people.at(kAnna), "{}"), 404,
              "not_found");  // the owner ends the purpose instead
  EXPECT_EQ(postJson("/api/recordings/" + id + "/erase", people.at(kPrivacy), "{}").status, 204);
  expectError(get("/api/recordings/" + id, people.at(kAnna)), 404, "not_found");
  EXPECT_EQ(count("SELECT count(*) FROM deletion_receipts WHERE reason = 'erased'"), 1);
}

// R10: a guardian sees a student_support recording about their child until
// the child is 16; from then on only with the pupil's recorded consent.
TEST_F(AuthorizationMatrixTest, GuardiansOfPupilsFromSixteenNeedThePupilsConsent) {
  const Client anna = account(kAnna);
  const Client lotte = account(kLotte);
  const Client pieter = account(kPieter);
  const Client gerda = account(kGerda);
  auto supportFor = [&](Person pupil, Person guardian) {
    const std::string body =
        "{\"title\":\"Observatie\",\"purpose\":\"student_support\","
        "\"written_purpose\":\"Begeleiding in de klas\",\"purpose_end\":\"" + today(60) + "\","
        "\"participants\":[{\"person_id\":" + std::to_string(pupil) +
        ",\"relation\":\"subject_pupil\",\"rights\":\"view\"},{\"person_id\":" +
        std::to_string(guardian) + ",\"relation\":\"guardian\",\"rights\":\"view\"}],"
        "\"consultation\":{\"consulted\":[" + std::to_string(pupil) + "," +
        std::to_string(guardian) + "],\"consulted_on\":\"" + today() + "\"}}";
    const HttpResult created = postJson("/api/recordings", anna, body);
    EXPECT_EQ(created.status, 201) << created.body;
    const std::string id = parseObject(created.body)->getValue<std::string>("id");
    upload(anna, id, mediaFixture("h264_aac_faststart.mp4"));
    EXPECT_EQ(waitForIngest(id, anna), "ready");
    return id;
  };
  const std::string about_sem = supportFor(kSem, kGerda);     // 12: the guardian sees it
  const std::string about_lotte = supportFor(kLotte, kPieter);  // 17
  EXPECT_EQ(get("/api/recordings/" + about_sem + "/playlist.m3u8", gerda).status, 200);
  EXPECT_EQ(get("/api/recordings/" + about_lotte + "/playlist.m3u8", lotte).status, 200);
  expectError(get("/api/recordings/" + about_lotte + "/playlist.m3u8", pieter), 404, "not_found");
  expectError(get("/api/recordings/" + about_sem, pieter), 404, "not_found");

  acl::ConsentForm form;
  form.pupil = kLotte;
  form.category = std::string(acl::kGuardianAccessCategory);
  form.form_date = *acl::parseDate(today());
  form.given = true;
  form.recorded_by = kAdmin;
  ASSERT_TRUE(storage::recordConsentForm(*vault_, form, {splitCategories(config_.consent_categories)},
                                         *acl::parseDate(today()), unixNow(), "cli:uid0"));
  EXPECT_EQ(get("/api/recordings/" + about_lotte + "/playlist.m3u8", pieter).status, 200);

  // R14: the rights holder asks for erasure; the owner and the privacy officer see the request.
  const HttpResult asked = postJson("/api/recordings/" + about_lotte + "/erasure-requests", lotte,
                                    "{\"reason\":\"Ik wil dit niet meer bewaard hebben\"}");
  EXPECT_EQ(asked.status, 201) << asked.body;
  expectError(postJson("/api/recordings/" + about_sem + "/erasure-requests", pieter,
                       "{\"reason\":\"x\"}"), 404, "not_found");
  const auto requests = parseObject(get("/api/recordings/" + about_lotte + "/erasure-requests",
                                        anna).body)->getArray("erasure_requests");
  ASSERT_EQ(requests->size(), 1u);
  EXPECT_EQ(requests->getObject(0)->getValue<std::string>("reason"),
            "Ik wil dit niet meer bewaard hebben");
  ASSERT_EQ(postJson("/api/recordings/" + about_lotte + "/end", anna, "{}").status, 204);
  expectError(get("/api/recordings/" + about_lotte, lotte), 404, "not_found");
}

}  // namespace
}  // namespace server::testing
