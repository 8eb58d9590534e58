// The vault end to end on a real SQLite database and real files: set-up, key
// rotation and retirement, kept readers, orphan cleanup, and no plaintext at rest.
// Deletion (invariant 3) has its own file, vault_deletion_test.cpp.
#include "storage/vault.h"

#include <filesystem>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "storage/schema.h"
#include "tests/storage/test_util.h"
#include "tests/storage/vault_objects_fixture.h"

namespace storage {
namespace {

using testing::descriptorsOf;
using testing::pseudoRandom;
using testing::readFile;

class VaultTest : public testing::VaultObjectsFixture {};

TEST_F(VaultTest, InitializeIsIdempotentAndSetsTheConnectionUp) {
  const auto keys = vault_->masterKeys();
  ASSERT_EQ(keys.size(), 1u);
  vault_.reset();
  ASSERT_TRUE(Vault::initialize(paths_));
  reopen();
  EXPECT_EQ(vault_->masterKeys(), keys) << "a second initialize must reuse the key";

  auto& db = vault_->database();
  for (auto [pragma, expected] :
       std::initializer_list<std::pair<const char*, const char*>>{{"PRAGMA journal_mode", "wal"},
                                                                  {"PRAGMA synchronous", "2"},
                                                                  {"PRAGMA foreign_keys", "1"},
                                                                  {"PRAGMA secure_delete", "1"},
                                                                  {"PRAGMA user_version", "7"}}) {
    auto stmt = db.prepare(pragma);
    ASSERT_TRUE(stmt && *stmt->step());
    EXPECT_EQ(stmt->columnText(0), expected) << pragma;
  }
  auto mode = [](const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 0777;
  };
  EXPECT_EQ(mode(paths_.keys_dir), 0700u);
  EXPECT_EQ(mode(paths_.data_dir), 0700u);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    EXPECT_EQ(mode(paths_.database + suffix), 0600u) << suffix;  // whatever the umask
  }
}

TEST_F(VaultTest, ANewerSchemaIsRefused) {
  ASSERT_TRUE(vault_->database().exec("PRAGMA user_version = 99"));
  vault_.reset();
  auto vault = Vault::open(paths_);
  ASSERT_FALSE(vault);
  EXPECT_NE(vault.error().message.find("newer than this program"), std::string::npos);
}

TEST_F(VaultTest, ObjectsRoundTripAndSurviveRotationAndRetirement) {
  const Id a = newRecording();
  const Id b = newRecording();
  const auto plain_a = pseudoRandom(300000, 1);
  const auto plain_b = pseudoRandom(1000, 2);
  const Id object_a = storeObject(a, plain_a);
  const Id object_b = storeObject(b, plain_b);
  const Id old_key = *vault_->activeMasterKey();
  const auto wrapped_before = wrappedKeyOf(a);

  auto rotation = vault_->rotateMasterKey(1500, "cli:uid0");
  ASSERT_TRUE(rotation) << rotation.error().toString();
  EXPECT_EQ(rotation->rewrapped, 2u);
  EXPECT_EQ(*vault_->activeMasterKey(), rotation->new_key);
  EXPECT_NE(wrappedKeyOf(a), wrapped_before);
  EXPECT_EQ(readObject(object_a), plain_a);

  ASSERT_TRUE(vault_->retireMasterKey(old_key, 1600, "cli:uid0"));
  EXPECT_FALSE(std::filesystem::exists(paths_.keys_dir + "/" + old_key.hex() + ".key"));
  reopen();  // and from a fresh start, with only the new key on disk
  EXPECT_EQ(readObject(object_a), plain_a);
  EXPECT_EQ(readObject(object_b), plain_b);
  EXPECT_EQ(vault_->masterKeys().size(), 1u);
}

TEST_F(VaultTest, TheActiveOrAStillNeededKeyCannotBeRetired) {
  newRecording();
  const Id old_key = *vault_->activeMasterKey();
  auto active = vault_->retireMasterKey(old_key, 1600, "cli:uid0");
  ASSERT_FALSE(active);
  EXPECT_NE(active.error().message.find("active key"), std::string::npos);
}

TEST_F(VaultTest, AWrappedKeyMovedToAnotherRecordingDoesNotOpen) {
  const Id a = newRecording();
  const Id b = newRecording();
  const Id object_b = storeObject(b, pseudoRandom(100, 3));
  auto update =
      vault_->database().prepare("UPDATE data_keys SET wrapped = ?1 WHERE recording_id = ?2");
  ASSERT_TRUE(update->bindBlob(1, wrappedKeyOf(a)).bind(2, b.hex()).run());
  auto reader = vault_->openObject(object_b);
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().code, ErrorCode::kKeyUnwrap);
}

TEST_F(VaultTest, AReaderIsKeptForTheNextRequestAndTwoRequestsGetTwoReaders) {
  const Id recording = newRecording();
  const auto plain = pseudoRandom(200000, 31);
  const Id object = storeObject(recording, plain);
  std::vector<std::uint8_t> out(1000);
  {
    auto first = vault_->openObject(object);
    ASSERT_TRUE(first);
    EXPECT_EQ((*first)->segmentsDecrypted(), 1u) << "a new reader authenticates the last segment";
    ASSERT_TRUE((*first)->read(70000, out));
  }
  auto again = vault_->openObject(object);
  ASSERT_TRUE(again);
  // The same reader: it counts on from the last request, and did not open the file again.
  EXPECT_EQ((*again)->segmentsDecrypted(), 2u);
  ASSERT_TRUE((*again)->read(0, out));
  EXPECT_TRUE(std::equal(out.begin(), out.end(), plain.begin()));
  auto concurrent = vault_->openObject(object);
  ASSERT_TRUE(concurrent);
  EXPECT_NE(concurrent->get(), again->get()) << "a reader serves one request at a time";
  EXPECT_EQ((*concurrent)->segmentsDecrypted(), 1u);
  // Both share the object's one open file, and with it one mapping.
  EXPECT_EQ(descriptorsOf(vault_->objectPath(object)), 1);
  again = ObjectHandle(nullptr, ObjectReaderReturn{});
  EXPECT_EQ(descriptorsOf(vault_->objectPath(object)), 1) << "closed under a reader still using it";
}

TEST_F(VaultTest, OnlyOneProcessOpensTheVaultAtATime) {
  auto second = Vault::open(paths_);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kBusy);
  EXPECT_NE(second.error().message.find("stop it first"), std::string::npos);
  auto init = Vault::initialize(paths_);
  ASSERT_FALSE(init);
  EXPECT_EQ(init.error().code, ErrorCode::kBusy);
  vault_.reset();
  EXPECT_TRUE(Vault::open(paths_)) << "the lock goes with the vault";
}

TEST_F(VaultTest, AKeyStillWrappingADataKeyCannotBeRetired) {
  newRecording();
  const Id old_key = *vault_->activeMasterKey();
  // A second key made active without re-wrapping (as after a rotation that
  // could not finish): the old key is no longer active but still needed.
  auto new_key = KeyRing::generate(paths_.keys_dir);
  ASSERT_TRUE(new_key);
  ASSERT_TRUE(vault_->database().exec("UPDATE settings SET value = '" + new_key->hex() +
                                      "' WHERE name = 'active_master_key'"));
  reopen();
  auto retired = vault_->retireMasterKey(old_key, 1600, "cli:uid0");
  ASSERT_FALSE(retired);
  EXPECT_NE(retired.error().message.find("still wrapped"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(paths_.keys_dir + "/" + old_key.hex() + ".key"));
}

TEST_F(VaultTest, ADatabaseLeftReadableByOthersIsTightenedAtOpen) {
  vault_.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (std::filesystem::exists(paths_.database + suffix))
      ::chmod((paths_.database + suffix).c_str(), 0644);
  }
  reopen();
  struct stat st {};
  ASSERT_EQ(::stat(paths_.database.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(VaultTest, OrphanFilesFromACrashAreRemovedAtOpen) {
  const Id recording = newRecording();
  auto object = vault_->startObject(recording);
  ASSERT_TRUE(object->writer->append(pseudoRandom(100, 7)));
  ASSERT_TRUE(object->writer->finish());  // published, but never recorded: a crash here
  const std::string orphan = vault_->objectPath(object->id);
  const std::string temp = vault_->objectsDir() + "/." + Id::random()->hex() + ".tmp";
  testing::writeFile(temp, {1, 2, 3});
  const Id kept = storeObject(recording, pseudoRandom(100, 8));
  reopen();
  EXPECT_FALSE(std::filesystem::exists(orphan));
  EXPECT_FALSE(std::filesystem::exists(temp));
  EXPECT_TRUE(std::filesystem::exists(vault_->objectPath(kept)));
}

TEST_F(VaultTest, NoPlaintextIsEverWrittenToDisk) {
  const Id recording = newRecording();
  const auto plain = pseudoRandom(2 * 1024 * 1024, 9);
  auto too_long = vault_->createUpload(recording, UINT64_MAX, 1003, "p1");
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, ErrorCode::kInvalidArgument);
  auto upload = vault_->createUpload(recording, plain.size(), 1003, "p1");
  ASSERT_TRUE(upload);
  {
    auto log = vault_->openUpload(*upload);
    ASSERT_TRUE(log);
    for (std::size_t at = 0; at < plain.size(); at += 300000) {
      ASSERT_TRUE((*log)->append(
          Bytes(plain).subspan(at, std::min<std::size_t>(300000, plain.size() - at))));
    }
  }
  auto reader = vault_->readUpload(*upload, plain.size());
  ASSERT_TRUE(reader);
  std::vector<std::uint8_t> copy(plain.size());
  ASSERT_TRUE((*reader)->read(0, copy));
  const Id object = storeObject(recording, copy);
  EXPECT_EQ(readObject(object), plain);

  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (!entry.is_regular_file()) continue;
    EXPECT_FALSE(testing::containsAnyWindow(readFile(entry.path()), plain, 64))
        << entry.path() << " holds plaintext";
  }
  ASSERT_TRUE(vault_->removeUpload(*upload));
  EXPECT_FALSE(std::filesystem::exists(vault_->uploadPath(*upload)));
}

TEST_F(VaultTest, ConstraintAndNotFoundErrorsHaveTheirOwnCodes) {
  const Id recording = newRecording();
  const Id object = storeObject(recording, pseudoRandom(10, 1));
  auto dup = vault_->addObject(recording, object, ObjectKind::kPoster, 10, 1);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConstraint);
  auto missing = vault_->startObject(*Id::random());
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace storage
