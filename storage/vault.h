// The storage module's front door: recordings' keys, their encrypted files and
// their rows, kept consistent with each other.
//
// Layout under the data directory: objects/<id hex> (finished objects) and
// uploads/<id hex> (upload logs); nothing else, and no name that a client
// chose. The database and the key directory are configured separately.
//
// Thread safety: every method may be called from any thread. Writes are
// serialised on one connection; reads run side by side on a pool of read-only
// connections (reader_pool.h). Readers, writers and logs handed out are each
// for one thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "acl/purpose.h"
#include "acl/recording.h"
#include "storage/audit.h"
#include "storage/database.h"
#include "storage/deletion_journal.h"
#include "storage/dir_lock.h"
#include "storage/file_system.h"
#include "storage/ids.h"
#include "storage/keys.h"
#include "storage/object_reader.h"
#include "storage/object_reader_cache.h"
#include "storage/object_writer.h"
#include "storage/reader_pool.h"
#include "storage/upload_log.h"

namespace storage {

struct VaultPaths {
  std::string data_dir;
  std::string database;
  std::string keys_dir;
};

using RecordingStatus = acl::RecordingStatus;  // the one status type, from acl
enum class ObjectKind { kMedia, kPoster };

struct NewRecording {
  acl::Purpose purpose;
  acl::Date purpose_end;
};

struct NewObject {
  Id id;
  std::unique_ptr<ObjectWriter> writer;
};

struct StoredFragment {
  double duration_s = 0;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
};

// A recording's playable object as ingest describes it (media::MediaFacts and
// media::FragmentIndex in storage's own terms: storage does not depend on media).
struct StoredMedia {
  Id object = Id::fromBytes({});
  std::uint64_t size = 0;  // plaintext bytes of the object
  std::string container;
  double duration_s = 0;
  std::string video_codec;  // empty: no video
  int width = 0;
  int height = 0;
  double rotation = 0;
  std::string audio_codec;  // empty: no audio
  std::uint64_t init_size = 0;
  std::vector<StoredFragment> fragments;
};

struct RotationResult {
  Id new_key;
  std::size_t rewrapped;
  // False when a reader kept the WAL from being truncated: the old wrapped
  // forms stay in the WAL until the next checkpoint.
  bool wal_truncated;
};

class Vault {
 public:
  // First start: creates the directories (0700), a master key if the key
  // directory holds none, and the database with its schema. Idempotent;
  // kBusy while another process has the vault open.
  static Status initialize(const VaultPaths& paths);

  // Opens an initialised vault: takes the data directory's lock (kBusy while
  // another process has the vault open), loads the master keys (refusing
  // permissive files), migrates the schema, finishes deletions a crash
  // interrupted and removes files that no row refers to (left by a crash
  // between writing a file and recording it). Then it reconciles the deletion
  // journal (deletion_journal.h) with the database: every recording the
  // journal lists is deleted (again) — a database restored from a backup
  // cannot bring one back — and every tombstone missing from the journal is
  // added to it. A journal line that fails its MAC stops open() (kSegmentAuth).
  static Result<std::unique_ptr<Vault>> open(const VaultPaths& paths,
                                             FileSystem& fs = FileSystem::posix());

  // Every method that changes something appends its audit entry in the same
  // transaction; `actor` is the person id (or "system", or "cli:uid<n>").

  // --- recordings ---
  // Creates the row and a fresh data key wrapped under the active master key.
  // `rows`, if given, writes the recording's other rows (details,
  // participants, ...) inside the same transaction.
  Result<Id> createRecording(const NewRecording& recording, std::int64_t now,
                             const std::string& actor,
                             const std::function<Status(Database&, const Id&)>& rows = {});
  Status setStatus(const Id& recording, RecordingStatus status);
  Result<RecordingStatus> status(const Id& recording);

  // --- finished objects ---
  // Starts an object of `recording`; after writer->finish(), addObject() records it.
  Result<NewObject> startObject(const Id& recording);
  Status addObject(const Id& recording, const Id& object, ObjectKind kind, std::uint64_t size,
                   std::int64_t now);
  // A reader of `object`: one kept from an earlier request when there is one (the
  // handle gives it back), so a player's next range skips the key and header work.
  Result<ObjectHandle> openObject(const Id& object);

  // --- what ingest produced ---
  // Records a finished playable object with its facts and fragment index and
  // makes the recording ready, in one transaction (audited as ingest done).
  Status publishMedia(const Id& recording, const StoredMedia& media, std::int64_t now);
  // Marks the recording failed with the reason shown to its owner (audited as
  // ingest failed, with the code only).
  Status recordIngestFailure(const Id& recording, std::string_view code, std::string_view message,
                             std::int64_t now);
  Result<StoredMedia> media(const Id& recording);
  // Only the playable object's id (media().object) without the facts and the fragment
  // index: what each Range request needs. kNotFound when there is no playable media.
  Result<Id> mediaObject(const Id& recording);
  // The recording's poster object, if it has one.
  Result<std::optional<Id>> poster(const Id& recording);
  // The code and message of a failed ingest, if any.
  Result<std::optional<std::pair<std::string, std::string>>> ingestFailure(const Id& recording);

  // --- uploads in progress ---
  Result<Id> createUpload(const Id& recording, std::uint64_t length, std::int64_t now,
                          const std::string& actor);
  // Recovers the log (see UploadLog::open) for further appends.
  Result<std::unique_ptr<UploadLog>> openUpload(const Id& upload);
  Result<std::unique_ptr<UploadLogReader>> readUpload(const Id& upload, std::uint64_t size);
  // Removes a log and its row: terminated, expired or replaced.
  Status removeUpload(const Id& upload);
  // Removes a log ingest has consumed (data minimisation) but remembers, until
  // `answer_until`, that the upload finished: its HEAD still answers at full length.
  Status finishUpload(const Id& upload, std::int64_t answer_until);

  // --- keys ---
  // Adds a master key and re-wraps every data key under it in one transaction.
  // The audit key is re-wrapped with them.
  Result<RotationResult> rotateMasterKey(std::int64_t now, const std::string& actor);
  // Deletes a master key file that no data key needs any more.
  Status retireMasterKey(const Id& key, std::int64_t now, const std::string& actor);
  Result<Id> activeMasterKey();
  std::vector<Id> masterKeys();
  // A random 256-bit key for a service of the program (`name` is a code, e.g.
  // "accounts_key"), created on first use and stored only wrapped under the
  // active master key in the secrets table; rotation re-wraps it with the
  // others. The same key for the same name for the life of the database.
  Result<SecretKey> serviceKey(std::string_view name);

  // --- deletion ---
  // Destroys the recording for good, in an order a crash cannot reverse: the
  // wrapped key goes first (secure_delete, WAL truncated), then its files,
  // then its rows; a tombstone remains. `reason` is a code ([a-z_]), never
  // free text, so that the tombstone holds no personal data. Idempotent.
  // Before the key goes, the deletion is appended to the deletion journal
  // beside the master keys and fsync'd; if that fails, nothing is deleted.
  Status deleteRecording(const Id& recording, std::string_view reason, std::int64_t now,
                         const std::string& actor);

  // --- transactions for repositories (people, consent, details, ...) ---
  // Appends one audit entry inside the current transaction.
  using Auditor = std::function<Status(const AuditRecord&)>;
  // Runs `work` in one transaction under the vault's lock; audit entries made
  // through the Auditor commit or roll back with it. An error from `work`
  // rolls everything back.
  Status transact(const std::function<Status(Database&, const Auditor&)>& work);
  // Runs `work` in one read transaction on a read-only connection of the pool:
  // it sees everything committed before it started, and writes fail.
  Status read(const std::function<Status(Database&)>& work);

  // --- audit ---
  // Appends one entry in its own transaction (denials, views: events that
  // change nothing else).
  Status audit(const AuditRecord& record);
  Result<AuditVerification> verifyAudit(const std::optional<AuditHead>& expected);
  Result<AuditHead> auditHead();
  // Completes every deletion a crash interrupted.
  Status finishPendingDeletions();

  // A cheap query through the shared connection, for /healthz.
  Status healthCheck();

  // Direct access for tests; repositories go through transact() and read().
  Database& database() { return *db_; }

  std::string objectsDir() const;
  std::string uploadsDir() const;
  std::string objectPath(const Id& object) const { return joinPath(objectsDir(), object.hex()); }
  std::string uploadPath(const Id& upload) const { return joinPath(uploadsDir(), upload.hex()); }

 private:
  Vault(VaultPaths paths, FileSystem& fs, std::unique_ptr<DirLock> lock, KeyRing ring,
        std::unique_ptr<Database> db);
  Result<SecretKey> dataKeyLocked(const Id& recording);
  Result<Id> activeMasterKeyLocked();
  // Re-wraps every service key (serviceKey()) under `new_key`, inside the
  // rotation's transaction.
  Status rewrapServiceKeysLocked(const KeyRing& ring, const Id& new_id, const SecretKey& new_key);
  Result<Id> uploadRecordingLocked(const Id& upload);
  Status removeUploadFileLocked(const Id& upload);
  // deleteRecording() without the lock; `journal` false when replaying the journal.
  Status deleteLocked(const Id& recording, std::string_view reason, std::int64_t now,
                      const std::string& actor, bool journal);
  Status removeFilesAndRowsLocked(const Id& recording);
  // Opens the deletion journal and reconciles it with the database (see open()).
  Status reconcileDeletionJournal();
  Status removeOrphanFiles();
  // Loads the audit key, creating and wrapping it on first use.
  Status loadAuditKey();
  Status auditLocked(const AuditRecord& record) { return appendAudit(*db_, *audit_key_, record); }
  Status auditInTransactionLocked(const AuditRecord& record);

  const VaultPaths paths_;
  FileSystem& fs_;
  const std::unique_ptr<DirLock> lock_;
  std::mutex mutex_;  // the writing connection, and whatever changes with it
  // ring_ is replaced (rotation, retirement) under mutex_ and ring_mutex_ both;
  // code under mutex_ reads it freely, code outside takes ring_mutex_ shared.
  std::shared_mutex ring_mutex_;
  KeyRing ring_;
  std::unique_ptr<Database> db_;
  ReaderPool readers_;
  // Readers of recently streamed objects; deletion empties it (forget()).
  const std::shared_ptr<ObjectReaderCache> open_objects_;
  std::optional<SecretKey> audit_key_;
  std::unique_ptr<DeletionJournal> journal_;  // set by open()
};

}  // namespace storage
