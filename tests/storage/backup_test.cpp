// Backups (backup.h): a snapshot is taken while another connection reads, a
// damaged backup is refused with the file named, and restore does not
// overwrite an installation unless told to.
#include "storage/backup.h"

#include <filesystem>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/storage/vault_fixture.h"

namespace storage {
namespace {

class BackupTest : public testing::VaultFixture {
 protected:
  BackupTest() {
    auto id = vault_->createRecording(
        {acl::Purpose::kTeacherTraining, *acl::parseDate("2030-01-01")}, 5, "1");
    EXPECT_TRUE(id);
    recording_ = *id;
    auto object = vault_->startObject(recording_);
    EXPECT_TRUE(object);
    plain_ = testing::pseudoRandom(100000, 3);
    EXPECT_TRUE(object->writer->append(plain_));
    EXPECT_TRUE(object->writer->finish());
    EXPECT_TRUE(vault_->addObject(recording_, object->id, ObjectKind::kMedia, plain_.size(), 6));
    object_ = object->id;
  }

  std::string backupDir() const { return dir_.file("backup"); }

  Id recording_ = Id::fromBytes({});
  Id object_ = Id::fromBytes({});
  std::vector<std::uint8_t> plain_;
};

TEST_F(BackupTest, SucceedsWhileAnotherConnectionHoldsAReadTransaction) {
  sqlite3* reader = nullptr;
  ASSERT_EQ(sqlite3_open_v2(paths_.database.c_str(), &reader, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(reader, "BEGIN; SELECT count(*) FROM recordings;", nullptr, nullptr, nullptr),
      SQLITE_OK);
  auto report = backupVault(paths_, backupDir(), 100);
  sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr);
  sqlite3_close(reader);
  ASSERT_TRUE(report) << report.error().toString();
  EXPECT_EQ(report->objects, 1u);
  EXPECT_TRUE(report->absent.empty());
  auto manifest = verifyBackup(FileSystem::posix(), backupDir());
  ASSERT_TRUE(manifest) << manifest.error().toString();
  EXPECT_EQ(manifest->files.size(), 2u);
  EXPECT_EQ(manifest->created_at, 100);
}

TEST_F(BackupTest, RefusesANonEmptyTargetDirectory) {
  std::filesystem::create_directories(backupDir());
  testing::writeFile(backupDir() + "/note", {1});
  auto report = backupVault(paths_, backupDir(), 100);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("is not empty"), std::string::npos);
}

TEST_F(BackupTest, ATamperedBlobMakesRestoreRefuseAndChangeNothing) {
  ASSERT_TRUE(backupVault(paths_, backupDir(), 100));
  const std::string blob = backupDir() + "/objects/" + object_.hex();
  auto bytes = testing::readFile(blob);
  bytes[bytes.size() / 2] ^= 1;
  testing::writeFile(blob, bytes);
  vault_.reset();
  const auto before = testing::readFile(paths_.database);
  auto restored = restoreVault(paths_, backupDir(), {.force = true});
  ASSERT_FALSE(restored);
  EXPECT_EQ(restored.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(restored.error().message.find("does not match its manifest: objects/" + object_.hex() +
                                          " has another SHA-256"),
            std::string::npos)
      << restored.error().message;
  EXPECT_EQ(testing::readFile(paths_.database), before);
}

TEST_F(BackupTest, AnUnlistedBlobOrAMissingManifestIsRefused) {
  ASSERT_TRUE(backupVault(paths_, backupDir(), 100));
  testing::writeFile(backupDir() + "/objects/" + std::string(32, 'a'), {1, 2});
  auto extra = verifyBackup(FileSystem::posix(), backupDir());
  ASSERT_FALSE(extra);
  EXPECT_NE(extra.error().message.find("is not in the manifest"), std::string::npos);
  std::filesystem::remove(backupDir() + "/MANIFEST");
  auto none = verifyBackup(FileSystem::posix(), backupDir());
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("holds no MANIFEST"), std::string::npos);
}

TEST_F(BackupTest, RestoreRefusesAnInstallationWithDataUnlessForced) {
  ASSERT_TRUE(backupVault(paths_, backupDir(), 100));
  vault_.reset();
  auto refused = restoreVault(paths_, backupDir(), {});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("without --force"), std::string::npos);
  auto forced = restoreVault(paths_, backupDir(), {.force = true});
  ASSERT_TRUE(forced) << forced.error().toString();
  auto vault = Vault::open(paths_);
  ASSERT_TRUE(vault) << vault.error().toString();
  auto reader = (*vault)->openObject(object_);
  ASSERT_TRUE(reader) << reader.error().toString();
  std::vector<std::uint8_t> out(plain_.size());
  ASSERT_TRUE((*reader)->read(0, out));
  EXPECT_EQ(out, plain_);
  auto missing = missingBlobs(**vault);
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->empty());
}

TEST_F(BackupTest, RestoreRefusesWhileTheVaultIsOpen) {
  ASSERT_TRUE(backupVault(paths_, backupDir(), 100));
  auto refused = restoreVault(paths_, backupDir(), {.force = true});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kBusy);
  EXPECT_NE(refused.error().message.find("stop it first"), std::string::npos);
}

TEST_F(BackupTest, ABlobDeletedDuringTheBackupIsListedAbsent) {
  // The state a deletion leaves between the snapshot and the copy: the row
  // still in the snapshot, the file gone.
  std::filesystem::remove(vault_->objectPath(object_));
  auto report = backupVault(paths_, backupDir(), 100);
  ASSERT_TRUE(report) << report.error().toString();
  EXPECT_EQ(report->absent, std::vector<std::string>{"objects/" + object_.hex()});
  auto manifest = verifyBackup(FileSystem::posix(), backupDir());
  ASSERT_TRUE(manifest) << manifest.error().toString();
  EXPECT_EQ(manifest->absent.size(), 1u);
}

}  // namespace
}  // namespace storage
