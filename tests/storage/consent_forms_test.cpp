// The consent register on a real database: forms are added, never changed;
// the latest form wins; withdrawing is a newer form; the history stays.
#include "storage/consent_forms.h"

#include <gtest/gtest.h>

#include "storage/roster.h"
#include "tests/storage/vault_fixture.h"

namespace storage {
namespace {

acl::Date date(const char* text) { return *acl::parseDate(text); }

class ConsentFormsTest : public testing::VaultFixture {
 protected:
  ConsentFormsTest() {
    importPeople(
        "external_id,display_name,role,birth_date,guardian_of,left_on\n"
        "L-1,Sem,pupil,2012-05-05,,\nO-1,Eva,guardian,,L-1,\n",
        date("2026-01-01"));
    EXPECT_TRUE(vault_->read([&](Database& db) -> Status {
      auto s = db.prepare("SELECT id FROM people WHERE external_id = ?1");
      LV_TRY(s->bind(1, std::string_view("L-1")).step());
      pupil_ = s->columnInt(0);
      s->reset();
      LV_TRY(s->bind(1, std::string_view("O-1")).step());
      guardian_ = s->columnInt(0);
      return {};
    }));
  }

  Result<std::int64_t> record(const char* category, bool given, const char* on) {
    return recordConsentForm(*vault_, {pupil_, category, date(on), given, guardian_, 0}, config_,
                             date("2026-11-22"), 100, std::to_string(guardian_));
  }

  acl::ConsentConfig config_;
  acl::PersonId pupil_ = 0, guardian_ = 0;
};

TEST_F(ConsentFormsTest, TheLatestFormWinsAndTheHistoryStays) {
  ASSERT_TRUE(record("website", true, "2025-09-01"));
  ASSERT_TRUE(record("website", false, "2026-03-15"));  // withdrawn by a new form
  ASSERT_TRUE(record("newsletter", true, "2026-03-15"));
  ASSERT_TRUE(record("website", true, "2026-01-10"));  // an older form entered late
  auto forms = consentForms(*vault_, pupil_);
  ASSERT_TRUE(forms);
  ASSERT_EQ(forms->size(), 4u);
  const acl::Date today = date("2026-11-22");
  EXPECT_FALSE(acl::consentGiven(*forms, pupil_, "website", today))
      << "the March withdrawal is latest";
  EXPECT_TRUE(acl::consentGiven(*forms, pupil_, "newsletter", today));
  EXPECT_FALSE(acl::consentGiven(*forms, pupil_, "social_media", today)) << "no form: no consent";
  EXPECT_TRUE(acl::consentGiven(*forms, pupil_, "website", date("2026-02-01")));
  const auto history = acl::consentHistory(*forms, pupil_, "website");
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(acl::formatDate(history[0].form_date), "2025-09-01");
  EXPECT_EQ(acl::formatDate(history[2].form_date), "2026-03-15");
  EXPECT_EQ(history[1].recorded_by, guardian_);
}

TEST_F(ConsentFormsTest, BadFormsAreRefusedAndRecordNothing) {
  auto unknown = record("yearbook", true, "2026-01-01");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("denied_unknown_consent_category"), std::string::npos);
  auto future = record("website", true, "2027-01-01");
  ASSERT_FALSE(future);
  EXPECT_NE(future.error().message.find("denied_consent_form_in_future"), std::string::npos);
  auto not_pupil =
      recordConsentForm(*vault_, {guardian_, "website", date("2026-01-01"), true, 0, 0}, config_,
                        date("2026-11-22"), 100, "system");
  ASSERT_FALSE(not_pupil);
  EXPECT_EQ(not_pupil.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(consentForms(*vault_, pupil_)->empty());
  auto audit = vault_->verifyAudit(std::nullopt);
  EXPECT_EQ(audit->entries, 2) << "only the roster import's two additions";
}

}  // namespace
}  // namespace storage
