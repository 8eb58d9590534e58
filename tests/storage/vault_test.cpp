// The vault end to end on a real SQLite database and real files: rotation,
// shredding, crash-interrupted deletion, orphan cleanup, and no plaintext at rest.
#include "storage/vault.h"

#include <chrono>
#include <filesystem>
#include <sys/stat.h>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "storage/schema.h"
#include "tests/storage/test_util.h"

namespace storage {
namespace {

using testing::pseudoRandom;
using testing::readFile;

// A second connection in the middle of a read transaction (a backup, say): it holds the
// WAL, so the deletion's checkpoint cannot truncate it.
class WalHolder {
 public:
  explicit WalHolder(const std::string& database) {
    holding_ = sqlite3_open_v2(database.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
               sqlite3_exec(db_, "BEGIN; SELECT count(*) FROM recordings;", nullptr, nullptr,
                            nullptr) == SQLITE_OK;
  }
  ~WalHolder() {
    sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }
  WalHolder(const WalHolder&) = delete;
  WalHolder& operator=(const WalHolder&) = delete;
  bool holding() const { return holding_; }

 private:
  sqlite3* db_ = nullptr;
  bool holding_ = false;
};

class VaultTest : public ::testing::Test {
 protected:
  VaultTest() {
    paths_ = {dir_.file("data"), dir_.file("db/lessonvault.db"), dir_.file("keys")};
    auto init = Vault::initialize(paths_);
    EXPECT_TRUE(init) << init.error().toString();
    reopen();
  }

  void reopen() {
    vault_.reset();
    auto vault = Vault::open(paths_);
    ASSERT_TRUE(vault) << vault.error().toString();
    vault_ = std::move(*vault);
  }

  Id newRecording() {
    auto id = vault_->createRecording(
        {acl::Purpose::kTeacherTraining, *acl::parseDate("2027-06-30")}, 1000, "p1");
    EXPECT_TRUE(id) << id.error().toString();
    return *id;
  }

  Id storeObject(const Id& recording, const std::vector<std::uint8_t>& plain) {
    auto object = vault_->startObject(recording);
    EXPECT_TRUE(object) << object.error().toString();
    EXPECT_TRUE(object->writer->append(plain));
    auto size = object->writer->finish();
    EXPECT_TRUE(size);
    EXPECT_TRUE(vault_->addObject(recording, object->id, ObjectKind::kMedia, *size, 1001));
    return object->id;
  }

  std::vector<std::uint8_t> readObject(const Id& object) {
    auto reader = vault_->openObject(object);
    EXPECT_TRUE(reader) << reader.error().toString();
    if (!reader) return {};
    std::vector<std::uint8_t> out((*reader)->size());
    EXPECT_TRUE((*reader)->read(0, out));
    return out;
  }

  std::vector<std::uint8_t> wrappedKeyOf(const Id& recording) {
    auto select =
        vault_->database().prepare("SELECT wrapped FROM data_keys WHERE recording_id = ?1");
    select->bind(1, recording.hex());
    EXPECT_TRUE(*select->step());
    return select->columnBlob(0);
  }

  // Every byte of the database, its WAL and its shared-memory index.
  std::vector<std::uint8_t> databaseBytes() {
    std::vector<std::uint8_t> all;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const std::string path = paths_.database + suffix;
      if (!std::filesystem::exists(path)) continue;
      auto bytes = readFile(path);
      all.insert(all.end(), bytes.begin(), bytes.end());
    }
    return all;
  }

  testing::TempDir dir_;
  VaultPaths paths_;
  std::unique_ptr<Vault> vault_;
};

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

TEST_F(VaultTest, DeletionShredsTheKeyFilesAndRowsAndKeepsATombstone) {
  const Id keep = newRecording();
  const Id doomed = newRecording();
  const Id kept_object = storeObject(keep, pseudoRandom(5000, 4));
  const Id object = storeObject(doomed, pseudoRandom(5000, 5));
  auto upload = vault_->createUpload(doomed, 10, 1002, "p1");
  ASSERT_TRUE(upload);
  const auto wrapped_before = wrappedKeyOf(doomed);
  ASSERT_TRUE(vault_->rotateMasterKey(1500, "cli:uid0"));  // an older wrapped form existed too
  const auto wrapped = wrappedKeyOf(doomed);
  const std::string object_path = vault_->objectPath(object);
  const std::string upload_path = vault_->uploadPath(*upload);

  auto deleted = vault_->deleteRecording(doomed, "purpose_ended", 2000, "p1");
  ASSERT_TRUE(deleted) << deleted.error().toString();

  const auto bytes = databaseBytes();
  EXPECT_FALSE(testing::containsAnyWindow(bytes, wrapped, wrapped.size()))
      << "the wrapped key survives in the database or WAL";
  EXPECT_FALSE(testing::containsAnyWindow(bytes, wrapped_before, wrapped_before.size()))
      << "a pre-rotation wrapped key survives in the database or WAL";
  EXPECT_FALSE(std::filesystem::exists(object_path));
  EXPECT_FALSE(std::filesystem::exists(upload_path));
  auto reader = vault_->openObject(object);
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().code, ErrorCode::kNotFound);
  auto status = vault_->status(doomed);
  ASSERT_FALSE(status);

  auto tomb = vault_->database().prepare(
      "SELECT purpose, deleted_at, reason FROM tombstones WHERE recording_id = ?1");
  tomb->bind(1, doomed.hex());
  ASSERT_TRUE(*tomb->step());
  EXPECT_EQ(tomb->columnText(0), "teacher_training");
  EXPECT_EQ(tomb->columnInt(1), 2000);
  EXPECT_EQ(tomb->columnText(2), "purpose_ended");

  EXPECT_TRUE(vault_->deleteRecording(doomed, "purpose_ended", 2001, "p1")) << "must be idempotent";
  EXPECT_EQ(readObject(kept_object), pseudoRandom(5000, 4)) << "another recording was harmed";
}

// The real file system, except that removing a file fails: a deletion stops
// after its first step, as a crash there would leave it.
class NoRemoveFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> createNew(const std::string& p) override {
    return real().createNew(p);
  }
  Result<std::unique_ptr<WritableFile>> openAppend(const std::string& p) override {
    return real().openAppend(p);
  }
  Result<std::unique_ptr<RandomAccessFile>> openRead(const std::string& p) override {
    return real().openRead(p);
  }
  Status rename(const std::string& a, const std::string& b) override { return real().rename(a, b); }
  Status remove(const std::string& p) override {
    return fail(ErrorCode::kIo, "remove refused: " + p);
  }
  Status truncate(const std::string& p, std::uint64_t n) override { return real().truncate(p, n); }
  Status syncDir(const std::string& d) override { return real().syncDir(d); }
  Status createDirs(const std::string& p) override { return real().createDirs(p); }
  Result<bool> exists(const std::string& p) override { return real().exists(p); }
  Result<std::vector<std::string>> list(const std::string& d) override { return real().list(d); }

 private:
  static FileSystem& real() { return FileSystem::posix(); }
};

TEST_F(VaultTest, ADeletionInterruptedAfterTheKeyIsGoneFinishesAtTheNextStart) {
  const Id doomed = newRecording();
  const Id object = storeObject(doomed, pseudoRandom(5000, 6));
  const auto wrapped = wrappedKeyOf(doomed);
  const std::string path = vault_->objectPath(object);
  vault_.reset();
  NoRemoveFileSystem no_remove;
  {
    auto vault = Vault::open(paths_, no_remove);
    ASSERT_TRUE(vault) << vault.error().toString();
    auto deleted = (*vault)->deleteRecording(doomed, "erasure_request", 3000, "p1");
    ASSERT_FALSE(deleted);
    EXPECT_EQ(deleted.error().code, ErrorCode::kIo);
    // Half-way: key gone, files still there, and nothing readable.
    EXPECT_TRUE(std::filesystem::exists(path));
    EXPECT_EQ((*vault)->status(doomed), RecordingStatus::kDeleting);
    auto reader = (*vault)->openObject(object);
    ASSERT_FALSE(reader);
    EXPECT_EQ(reader.error().code, ErrorCode::kNotFound);
    EXPECT_FALSE(testing::containsAnyWindow(databaseBytes(), wrapped, wrapped.size()));
  }
  reopen();  // the next start finishes it
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(vault_->status(doomed));
  auto tomb = vault_->database().prepare("SELECT reason FROM tombstones WHERE recording_id = ?1");
  tomb->bind(1, doomed.hex());
  ASSERT_TRUE(*tomb->step());
  EXPECT_EQ(tomb->columnText(0), "erasure_request");
  EXPECT_FALSE(testing::containsAnyWindow(databaseBytes(), wrapped, wrapped.size()));
}

TEST_F(VaultTest, AReaderBlockingTheCheckpointLeavesTheRecordingOnItsWayOut) {
  const Id doomed = newRecording();
  const Id object = storeObject(doomed, pseudoRandom(100, 12));
  // Another connection (a backup, say) in the middle of a read transaction.
  auto reader = std::make_unique<WalHolder>(paths_.database);
  ASSERT_TRUE(reader->holding());
  const auto start = std::chrono::steady_clock::now();
  auto deleted = vault_->deleteRecording(doomed, "purpose_ended", 4000, "p1");
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().code, ErrorCode::kBusy);
  EXPECT_LT(waited, std::chrono::seconds(3)) << "the wait for the reader must be bounded";
  EXPECT_FALSE(vault_->openObject(object)) << "unreadable while on its way out";
  ASSERT_TRUE(vault_->healthCheck()) << "the vault stays usable";
  reader.reset();
  ASSERT_TRUE(vault_->finishPendingDeletions());
  EXPECT_FALSE(std::filesystem::exists(vault_->objectPath(object)));
  EXPECT_FALSE(vault_->status(doomed));
}

// Descriptors this process holds on `path` (open, or open after the file was removed).
int descriptorsOf(const std::string& path) {
  int found = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ignored;
    const std::string target = std::filesystem::read_symlink(entry.path(), ignored).string();
    if (target == path || target == path + " (deleted)") ++found;
  }
  return found;
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
  EXPECT_EQ(descriptorsOf(vault_->objectPath(object)), 2);
}

TEST_F(VaultTest, DeletionClosesKeptReadersAndOnesStillInARequest) {
  const Id doomed = newRecording();
  const Id object = storeObject(doomed, pseudoRandom(5000, 32));
  const Id kept_recording = newRecording();
  const Id kept = storeObject(kept_recording, pseudoRandom(5000, 33));
  ASSERT_EQ(readObject(kept).size(), 5000u);
  // Two requests at once; one ends (its reader is kept), one is under way at the deletion.
  auto streaming = vault_->openObject(object);
  auto ended = vault_->openObject(object);
  ASSERT_TRUE(streaming && ended);
  *ended = ObjectHandle(nullptr, ObjectReaderReturn{});
  ASSERT_EQ(descriptorsOf(vault_->objectPath(object)), 2);

  ASSERT_TRUE(vault_->deleteRecording(doomed, "erasure_request", 5000, "p1"));
  EXPECT_EQ(descriptorsOf(vault_->objectPath(object)), 1) << "the kept reader was not closed";
  streaming = ObjectHandle(nullptr, ObjectReaderReturn{});  // the request ends
  EXPECT_EQ(descriptorsOf(vault_->objectPath(object)), 0)
      << "a reader from before the deletion was kept after it";
  auto after = vault_->openObject(object);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(readObject(kept).size(), 5000u) << "other recordings still play";
}

TEST_F(VaultTest, AFinishedUploadIsNotRememberedForARecordingOnItsWayOut) {
  const Id doomed = newRecording();
  auto upload = vault_->createUpload(doomed, 10, 1002, "p1");
  ASSERT_TRUE(upload);
  // The deletion stops after step 1 (a reader holds the WAL): "deleting", key gone.
  {
    const WalHolder reader(paths_.database);
    ASSERT_TRUE(reader.holding());
    ASSERT_FALSE(vault_->deleteRecording(doomed, "erasure_request", 4000, "p1"));
  }
  // An ingest finishing now removes its log and remembers nothing...
  ASSERT_TRUE(vault_->finishUpload(*upload, 9999));
  EXPECT_FALSE(std::filesystem::exists(vault_->uploadPath(*upload)));
  auto count = vault_->database().prepare("SELECT count(*) FROM finished_uploads");
  ASSERT_TRUE(count);
  ASSERT_TRUE(count->step());
  EXPECT_EQ(count->columnInt(0), 0);
  count->reset();
  // ...so the recording's row can still go (a remembered upload would hold it by its key).
  ASSERT_TRUE(vault_->finishPendingDeletions());
  EXPECT_FALSE(vault_->status(doomed));
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

TEST_F(VaultTest, AnObjectFinishedAfterItsRecordingWasDeletedIsRemoved) {
  const Id recording = newRecording();
  auto object = vault_->startObject(recording);
  ASSERT_TRUE(object);
  ASSERT_TRUE(object->writer->append(pseudoRandom(1000, 13)));
  ASSERT_TRUE(vault_->deleteRecording(recording, "erasure_request", 5000, "p1"));
  auto size = object->writer->finish();
  ASSERT_TRUE(size);
  auto added = vault_->addObject(recording, object->id, ObjectKind::kMedia, *size, 5001);
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(vault_->objectPath(object->id)));
  EXPECT_FALSE(vault_->setStatus(recording, RecordingStatus::kReady));
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
