#include "storage/vault.h"

#include <cstdint>

#include "storage/schema.h"

namespace storage {
namespace {

constexpr std::string_view kObjectsDir = "objects";
constexpr std::string_view kUploadsDir = "uploads";
// Read connections: enough that the reads of concurrent requests (a few
// hundred microseconds each) rarely wait for one, few enough that their page
// caches (2 MiB each at most) stay small.
constexpr std::size_t kReadConnections = 8;
// Idle object readers: one per stream of a busy school (64 concurrent players) fits,
// at a few KiB each (descriptor, expanded file key); a minute covers a paused player.
constexpr std::size_t kIdleObjectReaders = 64;
constexpr std::chrono::milliseconds kObjectReaderIdleTime{60'000};

std::string_view kindName(ObjectKind kind) {
  return kind == ObjectKind::kMedia ? "media" : "poster";
}

}  // namespace

Vault::Vault(VaultPaths paths, FileSystem& fs, std::unique_ptr<DirLock> lock, KeyRing ring,
             std::unique_ptr<Database> db)
    : paths_(std::move(paths)),
      fs_(fs),
      lock_(std::move(lock)),
      ring_(std::move(ring)),
      db_(std::move(db)),
      readers_(paths_.database, kReadConnections),
      open_objects_(std::make_shared<ObjectReaderCache>(kIdleObjectReaders, kObjectReaderIdleTime)) {}

std::string Vault::objectsDir() const {
  return joinPath(paths_.data_dir, std::string(kObjectsDir));
}

std::string Vault::uploadsDir() const {
  return joinPath(paths_.data_dir, std::string(kUploadsDir));
}

Status Vault::initialize(const VaultPaths& paths) {
  FileSystem& fs = FileSystem::posix();
  LV_TRY(fs.createDirs(joinPath(paths.data_dir, std::string(kObjectsDir))));
  LV_TRY(fs.createDirs(joinPath(paths.data_dir, std::string(kUploadsDir))));
  LV_TRY(fs.createDirs(paths.keys_dir));
  LV_TRY(fs.createDirs(parentDir(paths.database)));
  auto dir_lock = DirLock::acquire(paths.data_dir);
  if (!dir_lock) return std::unexpected(dir_lock.error());
  auto ring = KeyRing::load(paths.keys_dir);
  if (!ring) return std::unexpected(ring.error());

  auto db = Database::open(paths.database);
  if (!db) return std::unexpected(db.error());
  LV_TRY(migrate(**db));
  auto active = (*db)->prepare("SELECT value FROM settings WHERE name = 'active_master_key'");
  if (!active) return std::unexpected(active.error());
  auto row = active->step();
  if (!row) return std::unexpected(row.error());
  if (*row) return {};

  // No active key yet: use the only key present, or make the first one.
  std::vector<Id> ids = ring->ids();
  if (ids.size() > 1) {
    return fail(ErrorCode::kKeyFile,
                "key directory holds several master keys but the database "
                "names none as active");
  }
  Id key_id = ids.empty() ? Id::fromBytes({}) : ids.front();
  if (ids.empty()) {
    auto generated = KeyRing::generate(paths.keys_dir);
    if (!generated) return std::unexpected(generated.error());
    key_id = *generated;
  }
  auto insert =
      (*db)->prepare("INSERT INTO settings (name, value) VALUES ('active_master_key', ?1)");
  if (!insert) return std::unexpected(insert.error());
  return insert->bind(1, key_id.hex()).run();
}

Result<std::unique_ptr<Vault>> Vault::open(const VaultPaths& paths, FileSystem& fs) {
  // open() never creates anything: a missing piece means an installation that
  // was never initialised, or a path that is wrong; say which, and the fix.
  for (const std::string& path : {paths.database, paths.keys_dir, paths.data_dir}) {
    auto exists = fs.exists(path);
    if (!exists) return std::unexpected(exists.error());
    if (!*exists) {
      return fail(ErrorCode::kNotFound,
                  path + " does not exist; run lessonvault-admin init (or fix the path)");
    }
  }
  auto dir_lock = DirLock::acquire(paths.data_dir);
  if (!dir_lock) return std::unexpected(dir_lock.error());
  auto ring = KeyRing::load(paths.keys_dir);
  if (!ring) return std::unexpected(ring.error());
  auto db = Database::open(paths.database);
  if (!db) return std::unexpected(db.error());
  LV_TRY(migrate(**db));
  std::unique_ptr<Vault> vault(
      new Vault(paths, fs, std::move(*dir_lock), std::move(*ring), std::move(*db)));
  auto active = vault->activeMasterKeyLocked();
  if (!active) return std::unexpected(active.error());
  if (vault->ring_.find(*active) == nullptr) {
    return fail(ErrorCode::kKeyFile,
                "the active master key " + active->hex() + " is not in " + paths.keys_dir);
  }
  // A reader holding the WAL (a backup running) must not stop the service from
  // starting: the pending recordings are already unreadable, and the next
  // open or sweep finishes them.
  if (auto pending = vault->finishPendingDeletions();
      !pending && pending.error().code != ErrorCode::kBusy) {
    return std::unexpected(pending.error());
  }
  LV_TRY(vault->removeOrphanFiles());
  LV_TRY(vault->loadAuditKey());
  LV_TRY(vault->reconcileDeletionJournal());
  return vault;
}

Status Vault::healthCheck() {
  std::lock_guard lock(mutex_);
  auto probe = db_->prepare("SELECT count(*) FROM settings");
  if (!probe) return std::unexpected(probe.error());
  return probe->run();
}

Result<Id> Vault::createRecording(const NewRecording& recording, std::int64_t now,
                                  const std::string& actor,
                                  const std::function<Status(Database&, const Id&)>& rows) {
  auto id = Id::random();
  if (!id) return std::unexpected(id.error());
  auto data_key = SecretKey::random();
  if (!data_key) return std::unexpected(data_key.error());
  std::lock_guard lock(mutex_);
  auto master_id = activeMasterKeyLocked();
  if (!master_id) return std::unexpected(master_id.error());
  const SecretKey* master = ring_.find(*master_id);
  if (master == nullptr) {
    return fail(ErrorCode::kKeyFile, "the active master key " + master_id->hex() +
                                         " is not loaded; restart after changing keys");
  }
  auto wrapped = wrapDataKey(*data_key, *id, *master_id, *master);
  if (!wrapped) return std::unexpected(wrapped.error());

  auto txn = Transaction::begin(*db_);
  if (!txn) return std::unexpected(txn.error());
  auto insert = db_->prepare(
      "INSERT INTO recordings (id, purpose, purpose_end, status, created_at) "
      "VALUES (?1, ?2, ?3, 'uploading', ?4)");
  if (!insert) return std::unexpected(insert.error());
  LV_TRY(insert->bind(1, id->hex())
             .bind(2, acl::purposeName(recording.purpose))
             .bind(3, acl::formatDate(recording.purpose_end))
             .bind(4, now)
             .run());
  auto key = db_->prepare(
      "INSERT INTO data_keys (recording_id, master_key_id, wrapped) VALUES (?1, ?2, ?3)");
  if (!key) return std::unexpected(key.error());
  LV_TRY(key->bind(1, id->hex()).bind(2, master_id->hex()).bindBlob(3, wrapped->blob).run());
  if (rows) LV_TRY(rows(*db_, *id));
  LV_TRY(auditLocked({now, actor, "create_recording", id->hex(), "done", ""}));
  LV_TRY(txn->commit());
  return *id;
}

Status Vault::setStatus(const Id& recording, RecordingStatus status) {
  std::lock_guard lock(mutex_);
  auto update =
      db_->prepare("UPDATE recordings SET status = ?2 WHERE id = ?1 AND status <> 'deleting'");
  if (!update) return std::unexpected(update.error());
  LV_TRY(update->bind(1, recording.hex()).bind(2, acl::recordingStatusName(status)).run());
  if (db_->changes() == 0) return fail(ErrorCode::kNotFound, "no such recording");
  return {};
}

Result<RecordingStatus> Vault::status(const Id& recording) {
  std::optional<RecordingStatus> status;
  LV_TRY(read([&](Database& db) -> Status {
    auto select = db.prepare("SELECT status FROM recordings WHERE id = ?1");
    if (!select) return std::unexpected(select.error());
    auto row = select->bind(1, recording.hex()).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::kNotFound, "no such recording");
    status = acl::parseRecordingStatus(select->columnText(0));
    if (!status) return fail(ErrorCode::kDatabase, "unknown recording status in database");
    return {};
  }));
  return *status;
}

Result<SecretKey> Vault::dataKeyLocked(const Id& recording) {
  auto select =
      db_->prepare("SELECT master_key_id, wrapped FROM data_keys WHERE recording_id = ?1");
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, recording.hex()).step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(ErrorCode::kNotFound, "recording has no data key (deleted?)");
  auto master = Id::parse(select->columnText(0));
  if (!master) return fail(ErrorCode::kDatabase, "malformed master key id in database");
  return unwrapDataKey(WrappedKey{*master, select->columnBlob(1)}, recording, ring_);
}

Result<NewObject> Vault::startObject(const Id& recording) {
  auto id = Id::random();
  if (!id) return std::unexpected(id.error());
  std::unique_lock lock(mutex_);
  auto key = dataKeyLocked(recording);
  lock.unlock();
  if (!key) return std::unexpected(key.error());
  auto writer = ObjectWriter::create(fs_, objectsDir(), *id, *key);
  if (!writer) return std::unexpected(writer.error());
  return NewObject{*id, std::move(*writer)};
}

Status Vault::addObject(const Id& recording, const Id& object, ObjectKind kind, std::uint64_t size,
                        std::int64_t now) {
  if (size > static_cast<std::uint64_t>(INT64_MAX)) {
    return fail(ErrorCode::kInvalidArgument, "object size out of range");
  }
  std::lock_guard lock(mutex_);
  auto insert = db_->prepare(
      "INSERT INTO objects (id, recording_id, kind, size, created_at) "
      "SELECT ?1, id, ?3, ?4, ?5 FROM recordings WHERE id = ?2 AND status <> 'deleting'");
  if (!insert) return std::unexpected(insert.error());
  LV_TRY(insert->bind(1, object.hex())
             .bind(2, recording.hex())
             .bind(3, kindName(kind))
             .bind(4, static_cast<std::int64_t>(size))
             .bind(5, now)
             .run());
  if (db_->changes() == 0) {
    // The recording was deleted while this object was being written (an
    // erasure during transcoding): its file must not outlive it.
    (void)fs_.remove(objectPath(object));
    LV_TRY(fs_.syncDir(objectsDir()));
    return fail(ErrorCode::kNotFound, "no such recording (deleted while the object was written)");
  }
  return {};
}

Result<ObjectHandle> Vault::openObject(const Id& object) {
  if (ObjectHandle idle = open_objects_->take(object)) return idle;
  // Before the lookup: should a deletion commit after it, forget() makes this reader
  // close when its request ends instead of being kept.
  const std::uint64_t epoch = open_objects_->epoch();
  std::optional<Id> recording;
  std::optional<Id> master;
  std::vector<std::uint8_t> wrapped;
  std::uint64_t size = 0;
  LV_TRY(read([&](Database& db) -> Status {
    auto select = db.prepare(
        "SELECT o.recording_id, o.size, k.master_key_id, k.wrapped "
        "FROM objects o LEFT JOIN data_keys k ON k.recording_id = o.recording_id WHERE o.id = ?1");
    if (!select) return std::unexpected(select.error());
    auto row = select->bind(1, object.hex()).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::kNotFound, "no such object");
    recording = Id::parse(select->columnText(0));
    if (!recording) return fail(ErrorCode::kDatabase, "malformed recording id in database");
    size = static_cast<std::uint64_t>(select->columnInt(1));
    if (select->columnIsNull(2)) {
      return fail(ErrorCode::kNotFound, "recording has no data key (deleted?)");
    }
    master = Id::parse(select->columnText(2));
    if (!master) return fail(ErrorCode::kDatabase, "malformed master key id in database");
    wrapped = select->columnBlob(3);
    return {};
  }));
  Result<SecretKey> key = [&] {
    std::shared_lock ring(ring_mutex_);
    return unwrapDataKey(WrappedKey{*master, std::move(wrapped)}, *recording, ring_);
  }();
  if (!key) return std::unexpected(key.error());
  std::shared_ptr<const RandomAccessFile> file = open_objects_->sharedFile(object);
  if (!file) {
    auto opened = fs_.openMapped(objectPath(object));
    if (!opened) return std::unexpected(opened.error());
    file = std::move(*opened);
    open_objects_->shareFile(object, file);
  }
  auto reader = ObjectReader::open(std::move(file), object, *key, size);
  if (!reader) return std::unexpected(reader.error());
  return open_objects_->adopt(object, epoch, std::move(*reader));
}

Result<Id> Vault::createUpload(const Id& recording, std::uint64_t length, std::int64_t now,
                               const std::string& actor) {
  if (length > static_cast<std::uint64_t>(INT64_MAX)) {
    return fail(ErrorCode::kInvalidArgument, "upload length out of range");
  }
  auto id = Id::random();
  if (!id) return std::unexpected(id.error());
  std::lock_guard lock(mutex_);
  auto key = dataKeyLocked(recording);
  if (!key) return std::unexpected(key.error());
  // File first, then row: a crash in between leaves an orphan file that the
  // next open() removes, never a row without its log.
  auto log = UploadLog::create(fs_, uploadPath(*id), *id, *key);
  if (!log) return std::unexpected(log.error());
  auto recorded = [&]() -> Status {
    auto txn = Transaction::begin(*db_);
    if (!txn) return std::unexpected(txn.error());
    auto insert = db_->prepare(
        "INSERT INTO uploads (id, recording_id, length, created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!insert) return std::unexpected(insert.error());
    LV_TRY(insert->bind(1, id->hex())
               .bind(2, recording.hex())
               .bind(3, static_cast<std::int64_t>(length))
               .bind(4, now)
               .run());
    LV_TRY(auditLocked({now, actor, "create_upload", id->hex(), "done", ""}));
    return txn->commit();
  }();
  if (!recorded) {
    (void)fs_.remove(uploadPath(*id));
    return std::unexpected(recorded.error());
  }
  return *id;
}

Result<Id> Vault::uploadRecordingLocked(const Id& upload) {
  auto select = db_->prepare("SELECT recording_id FROM uploads WHERE id = ?1");
  if (!select) return std::unexpected(select.error());
  auto row = select->bind(1, upload.hex()).step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(ErrorCode::kNotFound, "no such upload");
  auto recording = Id::parse(select->columnText(0));
  if (!recording) return fail(ErrorCode::kDatabase, "malformed recording id in database");
  return *recording;
}

Result<std::unique_ptr<UploadLog>> Vault::openUpload(const Id& upload) {
  std::unique_lock lock(mutex_);
  auto recording = uploadRecordingLocked(upload);
  if (!recording) return std::unexpected(recording.error());
  auto key = dataKeyLocked(*recording);
  lock.unlock();
  if (!key) return std::unexpected(key.error());
  return UploadLog::open(fs_, uploadPath(upload), upload, *key);
}

Result<std::unique_ptr<UploadLogReader>> Vault::readUpload(const Id& upload, std::uint64_t size) {
  std::unique_lock lock(mutex_);
  auto recording = uploadRecordingLocked(upload);
  if (!recording) return std::unexpected(recording.error());
  auto key = dataKeyLocked(*recording);
  lock.unlock();
  if (!key) return std::unexpected(key.error());
  return UploadLogReader::open(fs_, uploadPath(upload), upload, *key, size);
}

Status Vault::removeUpload(const Id& upload) {
  std::lock_guard lock(mutex_);
  // Row first: a crash after it leaves an orphan file for open() to remove.
  auto remove = db_->prepare("DELETE FROM uploads WHERE id = ?1");
  if (!remove) return std::unexpected(remove.error());
  LV_TRY(remove->bind(1, upload.hex()).run());
  return removeUploadFileLocked(upload);
}

Status Vault::finishUpload(const Id& upload, std::int64_t answer_until) {
  std::lock_guard lock(mutex_);
  auto txn = Transaction::begin(*db_);
  if (!txn) return std::unexpected(txn.error());
  auto remember = db_->prepare(
      "INSERT OR REPLACE INTO finished_uploads (id, recording_id, length, answer_until) "
      "SELECT u.id, u.recording_id, u.length, max(u.expires_at, ?2) FROM uploads u "
      // Not for a recording on its way out: step 1 of its deletion removed these rows,
      // and a new one would make step 4's DELETE of the recording fail its foreign key.
      "JOIN recordings r ON r.id = u.recording_id WHERE u.id = ?1 AND r.status <> 'deleting'");
  if (!remember) return std::unexpected(remember.error());
  LV_TRY(remember->bind(1, upload.hex()).bind(2, answer_until).run());
  auto remove = db_->prepare("DELETE FROM uploads WHERE id = ?1");
  if (!remove) return std::unexpected(remove.error());
  LV_TRY(remove->bind(1, upload.hex()).run());
  LV_TRY(txn->commit());
  return removeUploadFileLocked(upload);
}

Status Vault::removeUploadFileLocked(const Id& upload) {
  if (auto gone = fs_.remove(uploadPath(upload));
      !gone && gone.error().code != ErrorCode::kNotFound) {
    return gone;
  }
  return fs_.syncDir(uploadsDir());
}

}  // namespace storage
