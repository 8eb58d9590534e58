// Deletion is final (invariant 3), on a real SQLite database and real files: the
// key first, then the files; a tombstone stays; a crash or a reader holding the WAL
// leaves the recording on its way out, finished later; kept readers close.
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "storage/vault.h"
#include "tests/storage/test_util.h"
#include "tests/storage/vault_objects_fixture.h"

namespace storage {
namespace {

using testing::descriptorsOf;
using testing::pseudoRandom;

class VaultDeletionTest : public testing::VaultObjectsFixture {};

// A second connection in the middle of a read transaction (a backup, say): it holds the
// WAL, so the deletion's checkpoint cannot truncate it.
class WalHolder {
 public:
  explicit WalHolder(const std::string& database) {
    holding_ =
        sqlite3_open_v2(database.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
        sqlite3_exec(db_, "BEGIN; SELECT count(*) FROM recordings;", nullptr, nullptr, nullptr) ==
            SQLITE_OK;
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

TEST_F(VaultDeletionTest, DeletionShredsTheKeyFilesAndRowsAndKeepsATombstone) {
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
class NoRemoveFileSystem final : public testing::PosixForwardingFileSystem {
 public:
  Status remove(const std::string& p) override {
    return fail(ErrorCode::kIo, "remove refused: " + p);
  }
};

TEST_F(VaultDeletionTest, ADeletionInterruptedAfterTheKeyIsGoneFinishesAtTheNextStart) {
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

TEST_F(VaultDeletionTest, AReaderBlockingTheCheckpointLeavesTheRecordingOnItsWayOut) {
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

TEST_F(VaultDeletionTest, DeletionClosesKeptReadersAndOnesStillInARequest) {
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
  // Readers of one object share its open file: one descriptor, one mapping.
  ASSERT_EQ(descriptorsOf(vault_->objectPath(object)), 1);

  ASSERT_TRUE(vault_->deleteRecording(doomed, "erasure_request", 5000, "p1"));
  EXPECT_EQ(descriptorsOf(vault_->objectPath(object)), 1) << "the request under way lost its file";
  streaming = ObjectHandle(nullptr, ObjectReaderReturn{});  // the request ends
  // Zero only if the kept reader was closed at the deletion too, and this one on its return.
  EXPECT_EQ(descriptorsOf(vault_->objectPath(object)), 0)
      << "a reader kept, or one from before the deletion, still holds the file";
  auto after = vault_->openObject(object);
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(readObject(kept).size(), 5000u) << "other recordings still play";
}

TEST_F(VaultDeletionTest, AFinishedUploadIsNotRememberedForARecordingOnItsWayOut) {
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

TEST_F(VaultDeletionTest, AnObjectFinishedAfterItsRecordingWasDeletedIsRemoved) {
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

}  // namespace
}  // namespace storage
