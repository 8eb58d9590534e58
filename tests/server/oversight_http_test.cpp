// The admin's and the privacy officer's API over real HTTP: roster import
// with every bad line reported, consent forms with history (R7), the audit
// log with its chain status, the processing register (R15), a person's export
// (R12), deletion receipts, and the limits the web app shows.
#include <gtest/gtest.h>

#include "tests/server/service_fixture.h"

namespace server::testing {
namespace {

class OversightHttpTest : public ServiceFixture {
 protected:
  OversightHttpTest() : admin_(account(kAdmin)), privacy_(account(kPrivacy)), anna_(account(kAnna)) {}

  HttpResult postCsv(const Client& who, const std::string& csv) {
    Poco::Net::NameValueCollection headers;
    headers.add("Content-Type", "text/csv");
    return call("POST", "/api/admin/roster", &who, csv, headers);
  }

  Client admin_;
  Client privacy_;
  Client anna_;
};

TEST_F(OversightHttpTest, TheAdminImportsARosterAndSeesEachBadLine) {
  const auto bad = postCsv(admin_,
                           "external_id,display_name,role,birth_date,guardian_of,left_on\n"
                           "T-9,Dirk Meijer,staff,,,\n"
                           "L-9,Eva Jansen,pupil,2030-01-01,,\n"
                           "G-9,Frank Jansen,parent,,L-9,\n");
  ASSERT_EQ(bad.status, 422) << bad.body;
  const auto problems = parseObject(bad.body)->getArray("problems");
  ASSERT_EQ(problems->size(), 3u) << bad.body;
  EXPECT_EQ(problems->getObject(0)->getValue<int>("line"), 3);
  EXPECT_EQ(problems->getObject(0)->getValue<std::string>("column"), "birth_date");
  EXPECT_EQ(problems->getObject(1)->getValue<int>("line"), 4);
  EXPECT_EQ(problems->getObject(1)->getValue<std::string>("column"), "role");
  EXPECT_EQ(problems->getObject(2)->getValue<std::string>("column"), "guardian_of");
  EXPECT_EQ(count("SELECT count(*) FROM people WHERE external_id = 'T-9'"), 0) << "all or nothing";

  const auto good = postCsv(admin_,
                            "external_id,display_name,role,birth_date,guardian_of,left_on\n"
                            "T-9,Dirk Meijer,staff,,,\n");
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_EQ(parseObject(good.body)->getValue<int>("added"), 1);
  const auto people = parseObject(get("/api/admin/people", admin_).body)->getArray("people");
  EXPECT_EQ(people->size(), 10u);
  expectError(postCsv(anna_, "external_id\n"), 403, "forbidden");
  expectError(get("/api/admin/people", privacy_), 403, "forbidden");
  expectError(call("POST", "/api/admin/roster", &admin_, "x"), 415, "unsupported_media_type");
}

TEST_F(OversightHttpTest, ConsentFormsKeepTheirHistory) {
  for (const char* given : {"true", "false"}) {
    const auto recorded = postJson("/api/admin/consent", admin_,
                                   "{\"pupil_id\":6,\"category\":\"website\",\"form_date\":\"" +
                                       today() + "\",\"given\":" + given + "}");
    EXPECT_EQ(recorded.status, 201) << recorded.body;
  }
  const auto history = parseObject(get("/api/admin/consent/6", privacy_).body)->getArray("forms");
  ASSERT_EQ(history->size(), 2u);
  EXPECT_TRUE(history->getObject(0)->getValue<bool>("given"));
  EXPECT_FALSE(history->getObject(1)->getValue<bool>("given"));
  expectError(postJson("/api/admin/consent", admin_,
                       "{\"pupil_id\":6,\"category\":\"tv\",\"form_date\":\"" + today() + "\"}"),
              422, "denied_unknown_consent_category");
  expectError(postJson("/api/admin/consent", admin_,
                       "{\"pupil_id\":6,\"category\":\"website\",\"form_date\":\"" +
                           today(1) + "\"}"),
              422, "denied_consent_form_in_future");
  expectError(postJson("/api/admin/consent", admin_,
                       "{\"pupil_id\":1,\"category\":\"website\",\"form_date\":\"" + today() + "\"}"),
              404, "unknown_person");
  expectError(get("/api/admin/consent/6", anna_), 403, "forbidden");
}

TEST_F(OversightHttpTest, ThePrivacyOfficerReadsTheAuditRegisterExportsAndReceipts) {
  const std::string id = createTraining(anna_);
  ASSERT_EQ(postJson("/api/recordings/" + id + "/end", anna_, "{}").status, 204);

  const auto audit = get("/api/audit?limit=5", privacy_);
  ASSERT_EQ(audit.status, 200) << audit.body;
  const auto json = parseObject(audit.body);
  EXPECT_TRUE(json->getObject("chain")->getValue<bool>("intact"));
  EXPECT_EQ(json->getArray("entries")->size(), 5u);
  const auto about = parseObject(get("/api/audit?recording=" + id, privacy_).body);
  bool deleted = false;
  for (std::size_t i = 0; i < about->getArray("entries")->size(); ++i) {
    const auto entry = about->getArray("entries")->getObject(static_cast<unsigned>(i));
    EXPECT_TRUE(entry->getValue<std::string>("object").starts_with(id));
    deleted = deleted || entry->getValue<std::string>("action") == "delete_recording";
  }
  EXPECT_TRUE(deleted);
  // The owner reads a live recording's history; never the whole log.
  const std::string live = createTraining(anna_);
  EXPECT_EQ(get("/api/audit?recording=" + live, anna_).status, 200);
  expectError(get("/api/audit?recording=" + id, anna_), 404, "not_found");
  expectError(get("/api/audit", anna_), 403, "forbidden");
  expectError(get("/api/audit", admin_), 403, "forbidden");
  expectError(get("/api/audit?limit=100000", privacy_), 400, "bad_query");

  const auto receipts = parseObject(get("/api/deletion-receipts", privacy_).body)->getArray("receipts");
  ASSERT_EQ(receipts->size(), 1u);
  EXPECT_EQ(receipts->getObject(0)->getValue<std::string>("recording_id"), id);
  EXPECT_EQ(receipts->getObject(0)->getValue<std::string>("reason"), "purpose_ended_early");
  EXPECT_EQ(receipts->getObject(0)->getValue<std::string>("master_key_id").size(), 32u);

  const auto registry = get("/api/register", privacy_);
  ASSERT_EQ(registry.status, 200);
  EXPECT_NE(registry.body.find("processing register (R15)"), std::string::npos);
  EXPECT_NE(registry.body.find("at most 180 days (teacher training)"), std::string::npos);
  expectError(get("/api/register", anna_), 403, "forbidden");

  const auto exported = get("/api/people/T-1/export", privacy_);
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_EQ(parseObject(exported.body)->getObject("person")->getValue<std::string>("external_id"),
            "T-1");
  expectError(get("/api/people/X-404/export", privacy_), 404, "not_found");
  expectError(get("/api/people/T-1/export", admin_), 403, "forbidden");
}

TEST_F(OversightHttpTest, LimitsTellTheWebAppWhatItMayUpload) {
  const auto limits = parseObject(get("/api/limits", anna_).body);
  EXPECT_EQ(limits->getValue<std::uint64_t>("upload_max_bytes"), 8192ULL << 20);
  EXPECT_EQ(limits->getValue<std::uint64_t>("quota_left_bytes"), 65536ULL << 20);
  EXPECT_EQ(limits->getObject("purpose_caps")->getValue<int>("teacher_training_days"), 180);
  EXPECT_EQ(limits->getValue<std::string>("today"), today());
  EXPECT_EQ(limits->getValue<std::string>("time_zone"), config_.time_zone);
  expectError(get("/api/limits", Client{}), 401, "not_authenticated");
}

}  // namespace
}  // namespace server::testing
