#include "storage/backup.h"

#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include <sqlite3.h>

namespace storage {
namespace {

constexpr int kBackupBusyRetries = 600;  // x 50 ms: half a minute of writers in the way

struct BackupFinish {
  void operator()(sqlite3_backup* backup) const { sqlite3_backup_finish(backup); }
};
using BackupPtr = std::unique_ptr<sqlite3_backup, BackupFinish>;

// One consistent copy of `source` into `dest` (a new file). step(-1) copies
// every page under one read transaction, so the copy is a snapshot even while
// the server writes; a busy source is retried.
Status copyDatabase(const std::string& source, const std::string& dest) {
  auto from = Database::open(source);
  if (!from) return std::unexpected(from.error());
  auto to = Database::open(dest);
  if (!to) return std::unexpected(to.error());
  BackupPtr backup(sqlite3_backup_init((*to)->handle(), "main", (*from)->handle(), "main"));
  if (!backup) {
    const int rc = sqlite3_errcode((*to)->handle());
    return std::unexpected(sqliteError((*to)->handle(), rc, "backup of " + source));
  }
  for (int attempt = 0;; ++attempt) {
    const int rc = sqlite3_backup_step(backup.get(), -1);
    if (rc == SQLITE_DONE) break;
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && attempt < kBackupBusyRetries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    return std::unexpected(sqliteError((*to)->handle(), rc, "backup of " + source));
  }
  const int rc = sqlite3_backup_finish(backup.release());
  if (rc != SQLITE_OK) return std::unexpected(sqliteError((*to)->handle(), rc, "backup finish"));
  return {};
}

Result<std::vector<std::string>> blobIds(Database& db, std::string_view table) {
  auto select = db.prepare("SELECT id FROM " + std::string(table) + " ORDER BY id");
  if (!select) return std::unexpected(select.error());
  std::vector<std::string> ids;
  LV_TRY(select->forEachRow([&](const Statement& s) -> Status {
    if (!Id::parse(s.columnText(0))) return fail(ErrorCode::kDatabase, "malformed blob id");
    ids.push_back(s.columnText(0));
    return {};
  }));
  return ids;
}

Result<bool> isEmptyDir(FileSystem& fs, const std::string& dir) {
  auto exists = fs.exists(dir);
  if (!exists) return std::unexpected(exists.error());
  if (!*exists) return true;
  auto names = fs.list(dir);
  if (!names) return std::unexpected(names.error());
  return names->empty();
}

// What an installation holds that a restore would replace: the database and blobs.
Result<bool> installationEmpty(FileSystem& fs, const VaultPaths& paths) {
  auto db = fs.exists(paths.database);
  if (!db) return std::unexpected(db.error());
  if (*db) return false;
  for (std::string_view sub : {"objects", "uploads"}) {
    auto empty = isEmptyDir(fs, joinPath(paths.data_dir, std::string(sub)));
    if (!empty) return std::unexpected(empty.error());
    if (!*empty) return false;
  }
  return true;
}

Status clearInstallation(FileSystem& fs, const VaultPaths& paths) {
  for (const char* suffix : {"", "-wal", "-shm"}) {
    auto gone = fs.remove(paths.database + suffix);
    if (!gone && gone.error().code != ErrorCode::kNotFound) return gone;
  }
  LV_TRY(fs.syncDir(parentDir(paths.database)));
  for (std::string_view sub : {"objects", "uploads"}) {
    const std::string dir = joinPath(paths.data_dir, std::string(sub));
    auto names = fs.list(dir);
    if (!names) return std::unexpected(names.error());
    for (const std::string& name : *names) LV_TRY(fs.remove(joinPath(dir, name)));
    LV_TRY(fs.syncDir(dir));
  }
  return {};
}

}  // namespace

Result<BackupReport> backupVault(const VaultPaths& paths, const std::string& dir,
                                 std::int64_t now) {
  FileSystem& fs = FileSystem::posix();
  auto source = fs.exists(paths.database);
  if (!source) return std::unexpected(source.error());
  if (!*source) return fail(ErrorCode::kNotFound, paths.database + " does not exist");
  auto empty = isEmptyDir(fs, dir);
  if (!empty) return std::unexpected(empty.error());
  if (!*empty)
    return fail(ErrorCode::kInvalidArgument, dir + " is not empty; back up into a new directory");
  for (std::string_view sub : {"objects", "uploads"}) {
    LV_TRY(fs.createDirs(joinPath(dir, std::string(sub))));
  }
  const std::string db_copy = joinPath(dir, std::string(kBackupDatabaseName));
  LV_TRY(copyDatabase(paths.database, db_copy));

  // The blobs the snapshot names; files written after it are not its business.
  std::map<std::string, std::vector<std::string>> ids;
  {
    auto copy = Database::open(db_copy);
    if (!copy) return std::unexpected(copy.error());
    for (std::string_view table : {"objects", "uploads"}) {
      auto found = blobIds(**copy, table);
      if (!found) return std::unexpected(found.error());
      ids[std::string(table)] = std::move(*found);
    }
  }
  Manifest manifest;
  manifest.created_at = now;
  auto db_file = hashFile(fs, db_copy);
  if (!db_file) return std::unexpected(db_file.error());
  db_file->path = std::string(kBackupDatabaseName);
  manifest.files.push_back(*db_file);
  BackupReport report;
  report.bytes = db_file->size;
  for (const auto& [sub, list] : ids) {
    for (const std::string& id : list) {
      const std::string path = sub + "/" + id;
      auto copied =
          copyFileHashed(fs, joinPath(joinPath(paths.data_dir, sub), id), joinPath(dir, path));
      if (!copied && copied.error().code == ErrorCode::kNotFound) {
        manifest.absent.push_back(path);
        continue;
      }
      if (!copied) return std::unexpected(copied.error());
      copied->path = path;
      report.bytes += copied->size;
      (sub == "objects" ? report.objects : report.uploads) += 1;
      manifest.files.push_back(*copied);
    }
    LV_TRY(fs.syncDir(joinPath(dir, sub)));
  }
  report.absent = manifest.absent;
  LV_TRY(writeManifest(fs, dir, manifest));
  return report;
}

Result<Manifest> restoreVault(const VaultPaths& paths, const std::string& dir,
                              const RestoreOptions& options) {
  FileSystem& fs = FileSystem::posix();
  auto manifest = verifyBackup(fs, dir);
  if (!manifest) return std::unexpected(manifest.error());
  for (std::string_view sub : {"objects", "uploads"}) {
    LV_TRY(fs.createDirs(joinPath(paths.data_dir, std::string(sub))));
  }
  LV_TRY(fs.createDirs(parentDir(paths.database)));
  auto lock = DirLock::acquire(paths.data_dir);
  if (!lock) return std::unexpected(lock.error());
  auto empty = installationEmpty(fs, paths);
  if (!empty) return std::unexpected(empty.error());
  if (!*empty && !options.force) {
    return fail(ErrorCode::kInvalidArgument,
                "the installation already has a database or blobs (" + paths.database + ", " +
                    paths.data_dir + "); restore refuses to overwrite it without --force");
  }
  if (!*empty) LV_TRY(clearInstallation(fs, paths));
  for (const ManifestFile& file : manifest->files) {
    const bool is_db = file.path == kBackupDatabaseName;
    const std::string to = is_db ? paths.database : joinPath(paths.data_dir, file.path);
    auto copied = copyFileHashed(fs, joinPath(dir, file.path), to);
    if (!copied) return std::unexpected(copied.error());
    // Checked again as copied: the backup may have changed since it was verified.
    if (copied->sha256 != file.sha256 || copied->size != file.size) {
      return fail(ErrorCode::kInvalidArgument,
                  file.path + " changed while it was restored; run restore again");
    }
  }
  LV_TRY(fs.syncDir(parentDir(paths.database)));
  for (std::string_view sub : {"objects", "uploads"}) {
    LV_TRY(fs.syncDir(joinPath(paths.data_dir, std::string(sub))));
  }
  return manifest;
}

Result<std::vector<std::string>> missingBlobs(Vault& vault) {
  std::vector<std::string> missing;
  FileSystem& fs = FileSystem::posix();
  LV_TRY(vault.read([&](Database& db) -> Status {
    for (std::string_view table : {"objects", "uploads"}) {
      auto ids = blobIds(db, table);
      if (!ids) return std::unexpected(ids.error());
      for (const std::string& hex : *ids) {
        const Id id = *Id::parse(hex);
        const bool object = table == "objects";
        auto exists = fs.exists(object ? vault.objectPath(id) : vault.uploadPath(id));
        if (!exists) return std::unexpected(exists.error());
        if (!*exists) missing.push_back(std::string(table) + "/" + hex);
      }
    }
    return {};
  }));
  return missing;
}

}  // namespace storage
