// The service's reads and changes of recordings on real rows: which recordings
// a person is connected to, details with names, purpose end changes, ending a
// purpose now (with its deletion receipt), erasure requests (R14), and the
// rows behind tus uploads.
#include "storage/recording_changes.h"

#include <gtest/gtest.h>

#include "storage/recording_queries.h"
#include "storage/uploads_repo.h"
#include "tests/storage/vault_fixture.h"

namespace storage {
namespace {

acl::Date date(const char* text) { return *acl::parseDate(text); }
const acl::Date kToday = date("2026-11-22");

// People 1..7: two staff, an unrelated teacher, a 12-year-old pupil, the
// pupil's guardian, another pupil and that pupil's guardian.
class RecordingChangesTest : public testing::VaultFixture {
 protected:
  RecordingChangesTest() {
    importPeople(
        "external_id,display_name,role,birth_date,guardian_of,left_on\n"
        "T-1,Anna Smit,staff,,,\nT-2,Bert Kok,staff,,,\nT-3,Carla Bos,staff,,,\n"
        "L-1,Sem de Jong,pupil,2014-01-01,,\nG-1,Gerda de Jong,guardian,,L-1,\n"
        "L-2,Mila Vos,pupil,2015-01-01,,\nG-2,Harm Vos,guardian,,L-2,\n",
        date("2026-01-01"));
    RecordingRequest training;
    training.title = "Rekenles";
    training.written_purpose = "Feedback voor de opleiding";
    training.purpose_end = date("2027-03-01");
    training.participants = {{2, acl::Relation::kSupervisor, {true, true, false}, std::nullopt}};
    training.consultation = {{1}, kToday};
    training_ = create(training);
    RecordingRequest support;
    support.purpose = acl::Purpose::kStudentSupport;
    support.title = "Observatie";
    support.written_purpose = "Ondersteuning in de klas";
    support.purpose_end = date("2027-06-01");
    support.participants = {{4, acl::Relation::kSubjectPupil, {true, false, false}, std::nullopt},
                            {5, acl::Relation::kGuardian, {true, false, false}, std::nullopt}};
    support.consultation = {{4, 5}, kToday};
    support_ = create(support);
  }

  Id create(const RecordingRequest& request) {
    auto made = createCheckedRecording(*vault_, 1, request, acl::PurposeCaps{}, kToday, 5);
    EXPECT_TRUE(made && *made) << (made && !*made ? made->error().toString() : "");
    const Id id = **made;
    EXPECT_TRUE(vault_->setStatus(id, RecordingStatus::kReady));
    return id;
  }

  std::vector<Id> candidatesOf(acl::PersonId person) {
    std::vector<Id> out;
    EXPECT_TRUE(vault_->read([&](Database& db) -> Status {
      auto actor = loadActor(db, person);
      if (!actor) return std::unexpected(actor.error());
      auto ids = candidateRecordings(db, *actor);
      if (!ids) return std::unexpected(ids.error());
      out = *ids;
      return {};
    }));
    return out;
  }

  Id training_ = Id::fromBytes({});
  Id support_ = Id::fromBytes({});
};

TEST_F(RecordingChangesTest, CandidatesAreOwnedNamedOrAboutOnesChild) {
  EXPECT_EQ(candidatesOf(1).size(), 2u);  // the owner
  EXPECT_EQ(candidatesOf(2), std::vector<Id>{training_});
  EXPECT_TRUE(candidatesOf(3).empty());
  EXPECT_EQ(candidatesOf(4), std::vector<Id>{support_});
  EXPECT_EQ(candidatesOf(5), std::vector<Id>{support_});
  EXPECT_TRUE(candidatesOf(6).empty());
  EXPECT_TRUE(candidatesOf(7).empty());
}

TEST_F(RecordingChangesTest, DetailsCarryNamesAndStatus) {
  ASSERT_TRUE(vault_->read([&](Database& db) -> Status {
    auto details = loadRecordingDetails(db, training_);
    EXPECT_TRUE(details && *details);
    EXPECT_EQ((*details)->title, "Rekenles");
    EXPECT_EQ((*details)->owner_name, "Anna Smit");
    EXPECT_EQ((*details)->status, RecordingStatus::kReady);
    EXPECT_EQ((*details)->participants.size(), 1u);
    EXPECT_EQ((*details)->participants.at(0).display_name, "Bert Kok");
    return {};
  }));
}

TEST_F(RecordingChangesTest, PurposeEndShortensFreelyAndLengthensOnlyWithAReason) {
  auto shorter =
      changePurposeEnd(*vault_, 1, training_, date("2027-01-01"), "", acl::PurposeCaps{}, kToday, 6);
  ASSERT_TRUE(shorter);
  EXPECT_TRUE(*shorter);
  EXPECT_EQ(lastAudit(), "1 change_purpose_end " + training_.hex() + " done ");
  auto longer =
      changePurposeEnd(*vault_, 1, training_, date("2027-02-01"), " ", acl::PurposeCaps{}, kToday, 7);
  ASSERT_TRUE(longer);
  ASSERT_FALSE(*longer);
  EXPECT_EQ(longer->error().reason, acl::Reason::kDeniedReasonRequired);
  auto beyond = changePurposeEnd(*vault_, 1, training_, date("2028-01-01"), "stage loopt uit",
                                 acl::PurposeCaps{}, kToday, 8);
  ASSERT_TRUE(beyond);
  ASSERT_FALSE(*beyond);
  EXPECT_EQ(beyond->error().reason, acl::Reason::kDeniedPurposeEndBeyondCap);
  auto stranger =
      changePurposeEnd(*vault_, 3, training_, date("2027-01-01"), "", acl::PurposeCaps{}, kToday, 9);
  ASSERT_TRUE(stranger);
  EXPECT_FALSE(*stranger);
  EXPECT_EQ(count("SELECT count(*) FROM recordings WHERE purpose_end = '2027-01-01'"), 1);
}

TEST_F(RecordingChangesTest, EndingThePurposeDeletesAndLeavesAReceipt) {
  std::string key_;
  auto refused = endPurposeNow(*vault_, 2, training_, acl::Action::kEndPurpose, kToday, 10);
  ASSERT_TRUE(refused);
  EXPECT_FALSE(*refused);  // a supervisor without manage
  ASSERT_TRUE(vault_->read([&](Database& db) -> Status {
    auto key = db.prepare("SELECT master_key_id FROM data_keys WHERE recording_id = ?1");
    if (!key) return std::unexpected(key.error());
    LV_TRY(key->bind(1, training_.hex()).step());
    key_ = key->columnText(0);
    return {};
  }));
  auto ended = endPurposeNow(*vault_, 1, training_, acl::Action::kEndPurpose, kToday, 11);
  ASSERT_TRUE(ended);
  EXPECT_TRUE(*ended);
  EXPECT_EQ(count("SELECT count(*) FROM recordings"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM data_keys"), 1);
  EXPECT_EQ(lastAudit(), "1 delete_recording " + training_.hex() + " done purpose_ended_early");
  ASSERT_TRUE(vault_->read([&](Database& db) -> Status {
    auto receipts = deletionReceipts(db, 10);
    EXPECT_TRUE(receipts);
    EXPECT_EQ(receipts->size(), 1u);
    EXPECT_EQ(receipts->at(0).recording_id, training_.hex());
    EXPECT_EQ(receipts->at(0).reason, "purpose_ended_early");
    EXPECT_EQ(receipts->at(0).master_key_id, key_);
    EXPECT_EQ(receipts->at(0).deleted_at, 11);
    return {};
  }));
  // Idempotent: a second end changes nothing and is refused as not there.
  auto again = endPurposeNow(*vault_, 1, training_, acl::Action::kEndPurpose, kToday, 12);
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

TEST_F(RecordingChangesTest, OnePersonMakesABoundedNumberOfErasureRequests) {
  for (std::int64_t i = 0; i < kMaxErasureRequestsPerPerson; ++i) {
    auto made = requestErasure(*vault_, 5, support_, "verzoek " + std::to_string(i), kToday, 20);
    ASSERT_TRUE(made && *made) << i;
  }
  auto refused = requestErasure(*vault_, 5, support_, "nog een", kToday, 21);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kLimit);
}

TEST_F(RecordingChangesTest, RightsHoldersAskForErasureOthersCannot) {
  auto guardian = requestErasure(*vault_, 5, support_, "wij willen dit niet meer", kToday, 20);
  ASSERT_TRUE(guardian);
  ASSERT_TRUE(*guardian) << guardian->error().toString();
  auto blank = requestErasure(*vault_, 5, support_, "  ", kToday, 21);
  ASSERT_TRUE(blank);
  ASSERT_FALSE(*blank);
  EXPECT_EQ(blank->error().reason, acl::Reason::kDeniedReasonRequired);
  auto owner = requestErasure(*vault_, 1, support_, "reden", kToday, 22);
  ASSERT_TRUE(owner);
  EXPECT_FALSE(*owner);  // the owner ends the purpose instead
  auto stranger = requestErasure(*vault_, 7, support_, "reden", kToday, 23);
  ASSERT_TRUE(stranger);
  EXPECT_FALSE(*stranger);
  ASSERT_TRUE(vault_->read([&](Database& db) -> Status {
    auto requests = erasureRequests(db, support_);
    EXPECT_TRUE(requests);
    EXPECT_EQ(requests->size(), 1u);
    EXPECT_EQ(requests->at(0).requested_by, 5);
    EXPECT_EQ(requests->at(0).reason, "wij willen dit niet meer");
    return {};
  }));
  // The audit entry holds the outcome, never the reason's text.
  EXPECT_EQ(count("SELECT count(*) FROM audit WHERE reason LIKE '%niet meer%'"), 0);
  // Deleting the recording takes the request (and who made it) with it.
  ASSERT_TRUE(vault_->deleteRecording(support_, "erased", 30, "system"));
  EXPECT_EQ(count("SELECT count(*) FROM erasure_requests"), 0);
}

TEST_F(RecordingChangesTest, UploadRowsCompleteReopenExpireAndCount) {
  ASSERT_TRUE(vault_->setStatus(training_, RecordingStatus::kUploading));
  auto upload = vault_->createUpload(training_, 1000, 40, "1");
  ASSERT_TRUE(upload);
  ASSERT_TRUE(setUploadExpiry(*vault_, *upload, 100));
  ASSERT_TRUE(vault_->read([&](Database& db) -> Status {
    EXPECT_EQ(*storedBytesOf(db, 1), 1000u);
    EXPECT_TRUE(uploadsExpiredBy(db, 100)->empty());
    EXPECT_EQ(uploadsExpiredBy(db, 101)->size(), 1u);
    auto row = findUpload(db, *upload);
    EXPECT_TRUE(row && *row);
    EXPECT_EQ((*row)->length, 1000u);
    EXPECT_FALSE((*row)->completed);
    return {};
  }));
  auto first = completeUpload(*vault_, *upload, training_, 50, "1");
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  EXPECT_EQ(*vault_->status(training_), RecordingStatus::kProcessing);
  EXPECT_EQ(lastAudit(), "1 upload_complete " + training_.hex() + " done ");
  const auto entries = count("SELECT count(*) FROM audit");
  auto again = completeUpload(*vault_, *upload, training_, 51, "1");
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again) << "completing twice is a no-op";
  EXPECT_EQ(count("SELECT count(*) FROM audit"), entries);
  ASSERT_TRUE(vault_->read([&](Database& db) -> Status {
    EXPECT_TRUE(uploadsExpiredBy(db, 1000)->empty());  // complete: ingest owns it now
    EXPECT_EQ(*storedBytesOf(db, 1), 1000u) << "waiting for ingest still counts to the quota";
    return {};
  }));
  // Only a failed recording of one's own reopens.
  EXPECT_FALSE(reopenFailedRecording(*vault_, training_, 1, 60));
  ASSERT_TRUE(vault_->recordIngestFailure(training_, "corrupt", "broken at 3 s", 61));
  EXPECT_FALSE(reopenFailedRecording(*vault_, training_, 2, 62));
  ASSERT_TRUE(reopenFailedRecording(*vault_, training_, 1, 63));
  EXPECT_EQ(*vault_->status(training_), RecordingStatus::kUploading);
  EXPECT_FALSE(vault_->ingestFailure(training_)->has_value());
}

TEST_F(RecordingChangesTest, RecordingsPastTheirEndAreDue) {
  ASSERT_TRUE(vault_->read([&](Database& db) -> Status {
    EXPECT_TRUE(recordingsPastEnd(db, date("2027-03-01"))->empty());  // its last day
    EXPECT_EQ(*recordingsPastEnd(db, date("2027-03-02")), std::vector<Id>{training_});
    EXPECT_EQ(recordingsPastEnd(db, date("2027-06-02"))->size(), 2u);
    return {};
  }));
}

TEST_F(RecordingChangesTest, PeopleSearchFindsByAnyPartOfTheName) {
  ASSERT_TRUE(vault_->read([&](Database& db) -> Status {
    auto found = searchPeople(db, "de jong", 10);
    EXPECT_TRUE(found);
    EXPECT_EQ(found->size(), 2u);
    auto none = searchPeople(db, "%", 10);  // data, not a pattern
    EXPECT_TRUE(none->empty());
    auto staff = searchPeople(db, "a", 2);
    EXPECT_EQ(staff->size(), 2u);
    EXPECT_EQ(staff->at(0).roles, std::vector<acl::Role>{acl::Role::kStaff});
    return {};
  }));
}

}  // namespace
}  // namespace storage
