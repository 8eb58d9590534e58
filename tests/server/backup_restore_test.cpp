// The test for backups: a backup made before an early erasure is
// restored with the real `lessonvault-admin backup` and `restore` commands,
// and the erased recording stays gone while another one plays (its object
// decrypts, its media facts are intact); one past its purpose end is swept.
#include <chrono>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "server/admin/backup_commands.h"
#include "server/clock.h"
#include "storage/recording_changes.h"
#include "storage/recording_repo.h"
#include "storage/roster.h"
#include "storage/vault.h"
#include "tests/storage/test_util.h"

namespace server {
namespace {

using storage::Id;

class BackupRestoreTest : public ::testing::Test {
 protected:
  BackupRestoreTest() {
    config_.data_dir = dir_.file("var/data");
    config_.database_path = dir_.file("var/lv.db");
    config_.keys_dir = dir_.file("keys");
    paths_ = {config_.data_dir, config_.database_path, config_.keys_dir};
    EXPECT_TRUE(storage::Vault::initialize(paths_));
    auto vault = storage::Vault::open(paths_);
    EXPECT_TRUE(vault) << vault.error().toString();
    vault_ = std::move(*vault);
    useTimeZone(config_.time_zone);
    today_ = localDate(unixNow());
    auto parsed = storage::parseRoster(
        "external_id,display_name,role,birth_date,guardian_of,left_on\n"
        "T-1,Anna Smit,staff,,,\nT-2,Bert Kok,staff,,,\n",
        today_);
    EXPECT_TRUE(parsed.problems.empty());
    auto imported = storage::importRoster(*vault_, parsed.entries, today_, 1, "cli:uid0");
    EXPECT_TRUE(imported && imported->problems.empty());
  }

  // A checked teacher-training recording of person 1, ending in 30 days.
  Id createRecording(const std::string& title) {
    storage::RecordingRequest request;
    request.title = title;
    request.written_purpose = "Feedback voor de opleiding";
    request.purpose_end = acl::Date(std::chrono::sys_days(today_) + std::chrono::days(30));
    request.participants = {{2, acl::Relation::kSupervisor, {true, true, false}, std::nullopt}};
    request.consultation = {{1}, today_};
    auto made =
        storage::createCheckedRecording(*vault_, 1, request, acl::PurposeCaps{}, today_, unixNow());
    EXPECT_TRUE(made && *made);
    return **made;
  }

  // Stores `plain` as the recording's playable object and publishes its facts.
  storage::StoredMedia publish(const Id& recording, const std::vector<std::uint8_t>& plain) {
    auto object = vault_->startObject(recording);
    EXPECT_TRUE(object) << object.error().toString();
    EXPECT_TRUE(object->writer->append(plain));
    EXPECT_TRUE(object->writer->finish());
    storage::StoredMedia media;
    media.object = object->id;
    media.size = plain.size();
    media.container = "mp4";
    media.duration_s = 12.5;
    media.video_codec = "h264";
    media.width = 1280;
    media.height = 720;
    media.audio_codec = "aac";
    media.init_size = 800;
    media.fragments = {{6.25, 800, 60000}, {6.25, 60800, plain.size() - 60800}};
    EXPECT_TRUE(vault_->publishMedia(recording, media, unixNow()));
    return media;
  }

  int run(int (*command)(const Config&, const std::vector<std::string>&, std::ostream&,
                         std::ostream&),
          const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    return command(config_, args, out_, err_);
  }

  storage::testing::TempDir dir_;
  Config config_;
  storage::VaultPaths paths_;
  std::unique_ptr<storage::Vault> vault_;
  acl::Date today_;
  std::ostringstream out_;
  std::ostringstream err_;
};

// Rows of `table` for `recording` in a database file, read by a plain connection.
int countIn(const std::string& db_path, const std::string& sql, const Id& recording) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK);
  sqlite3_bind_text(stmt, 1, recording.hex().c_str(), -1, SQLITE_TRANSIENT);
  const int n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return n;
}

TEST_F(BackupRestoreTest, AnErasedRecordingStaysGoneAfterARestoreWhileAnotherPlays) {
  const Id erased = createRecording("Rekenles");
  const Id kept = createRecording("Taalles");
  const auto erased_plain = storage::testing::pseudoRandom(150000, 1);
  const auto kept_plain = storage::testing::pseudoRandom(200000, 2);
  const storage::StoredMedia erased_media = publish(erased, erased_plain);
  const storage::StoredMedia kept_media = publish(kept, kept_plain);
  // A recording whose purpose ended long ago and that no sweep has reached yet.
  auto overdue = vault_->createRecording(
      {acl::Purpose::kTeacherTraining, *acl::parseDate("2020-01-31")}, 5, "1");
  ASSERT_TRUE(overdue);

  const std::string backup = dir_.file("backup");
  ASSERT_EQ(run(admin::backupCommand, {backup}), 0) << err_.str();
  EXPECT_NE(out_.str().find("2 object(s)"), std::string::npos) << out_.str();

  // The early erasure, after the backup.
  auto ended =
      storage::endPurposeNow(*vault_, 1, erased, acl::Action::kEndPurpose, today_, unixNow());
  ASSERT_TRUE(ended && *ended);
  ASSERT_FALSE(std::filesystem::exists(vault_->objectPath(erased_media.object)));
  // The backup still holds it: only the journal can keep it from coming back.
  EXPECT_EQ(countIn(backup + "/lessonvault.db",
                    "SELECT count(*) FROM data_keys "
                    "WHERE recording_id = ?1",
                    erased),
            1);
  EXPECT_TRUE(std::filesystem::exists(backup + "/objects/" + erased_media.object.hex()));

  // The server is stopped; the restore refuses to overwrite without --force.
  vault_.reset();
  ASSERT_EQ(run(admin::restoreCommand, {backup}), 1);
  EXPECT_NE(err_.str().find("without --force"), std::string::npos) << err_.str();
  ASSERT_EQ(run(admin::restoreCommand, {backup, "--force"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("deleted 1 recording"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("done: the server may be started"), std::string::npos);

  auto vault = storage::Vault::open(paths_);
  ASSERT_TRUE(vault) << vault.error().toString();
  vault_ = std::move(*vault);
  // The erased one: no row, no key, no file, its tombstone under the original reason.
  EXPECT_EQ(vault_->status(erased).error().code, storage::ErrorCode::kNotFound);
  EXPECT_FALSE(vault_->openObject(erased_media.object));
  EXPECT_FALSE(std::filesystem::exists(vault_->objectPath(erased_media.object)));
  EXPECT_EQ(countIn(config_.database_path,
                    "SELECT count(*) FROM tombstones WHERE recording_id = ?1 "
                    "AND reason = 'purpose_ended_early'",
                    erased),
            1);
  EXPECT_EQ(countIn(config_.database_path, "SELECT count(*) FROM data_keys WHERE recording_id = ?1",
                    erased),
            0);
  // The overdue one was swept.
  EXPECT_EQ(vault_->status(*overdue).error().code, storage::ErrorCode::kNotFound);

  // The kept one plays: ready, its object decrypts to what was stored, its facts intact.
  auto status = vault_->status(kept);
  ASSERT_TRUE(status);
  EXPECT_EQ(*status, storage::RecordingStatus::kReady);
  auto reader = vault_->openObject(kept_media.object);
  ASSERT_TRUE(reader) << reader.error().toString();
  std::vector<std::uint8_t> plain(kept_plain.size());
  ASSERT_TRUE((*reader)->read(0, plain));
  EXPECT_EQ(plain, kept_plain);
  auto media = vault_->media(kept);
  ASSERT_TRUE(media) << media.error().toString();
  EXPECT_EQ(media->object, kept_media.object);
  EXPECT_EQ(media->size, kept_media.size);
  EXPECT_EQ(media->video_codec, "h264");
  EXPECT_EQ(media->width, 1280);
  EXPECT_EQ(media->height, 720);
  EXPECT_EQ(media->audio_codec, "aac");
  EXPECT_DOUBLE_EQ(media->duration_s, 12.5);
  ASSERT_EQ(media->fragments.size(), 2u);
  EXPECT_EQ(media->fragments[1].offset, 60800u);
}

TEST_F(BackupRestoreTest, RestoreRefusesATamperedBackupWithTheFileNamed) {
  const Id recording = createRecording("Rekenles");
  const storage::StoredMedia media = publish(recording, storage::testing::pseudoRandom(70000, 4));
  const std::string backup = dir_.file("backup");
  ASSERT_EQ(run(admin::backupCommand, {backup}), 0) << err_.str();
  const std::string blob = backup + "/objects/" + media.object.hex();
  auto bytes = storage::testing::readFile(blob);
  bytes.back() ^= 0x80;
  storage::testing::writeFile(blob, bytes);
  vault_.reset();
  ASSERT_EQ(run(admin::restoreCommand, {backup, "--force"}), 1);
  EXPECT_NE(err_.str().find("does not match its manifest: objects/" + media.object.hex()),
            std::string::npos)
      << err_.str();
  // Nothing was touched: the installation still opens and plays.
  auto vault = storage::Vault::open(paths_);
  ASSERT_TRUE(vault);
  EXPECT_TRUE((*vault)->openObject(media.object));
}

}  // namespace
}  // namespace server
