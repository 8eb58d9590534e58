// Backups of an installation's database and blobs, and putting one back
// (docs/backup-and-restore.md). Master keys and the deletion journal are not
// part of a backup: a stolen backup alone opens nothing, and the journal of
// the live installation decides what stays deleted after a restore.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/backup_manifest.h"
#include "storage/vault.h"

namespace storage {

struct BackupReport {
  std::size_t objects = 0;
  std::size_t uploads = 0;
  std::uint64_t bytes = 0;
  std::vector<std::string> absent;  // blobs deleted while the backup ran
};

// Copies the database through SQLite's online backup API (one consistent
// snapshot, taken while the server may be running and other connections
// reading or writing), then every object and upload file that snapshot
// names, into `dir`, which must not exist or be empty; then writes the
// manifest. Does not take the vault's lock. A blob deleted between the
// snapshot and its copy is listed as absent: its recording is on its way out
// and the journal finishes it at restore. On failure `dir` may hold a partial
// backup without a manifest, which restore refuses.
Result<BackupReport> backupVault(const VaultPaths& paths, const std::string& dir, std::int64_t now);

struct RestoreOptions {
  // Replace an installation that already has a database or blobs.
  bool force = false;
};

// Checks the backup against its manifest, then — holding the data
// directory's lock, so never while the server runs — puts the database and
// the blobs in place. kInvalidArgument when the backup does not match its
// manifest or the installation is not empty (without force); nothing is
// changed then. Does not open the vault: the caller opens it next, which
// replays the deletion journal (Vault::open), and runs the sweep.
Result<Manifest> restoreVault(const VaultPaths& paths, const std::string& dir,
                              const RestoreOptions& options);

// Object and upload rows whose file is missing, as "objects/<id>" paths; after
// a restore and the journal's replay there should be none.
Result<std::vector<std::string>> missingBlobs(Vault& vault);

}  // namespace storage
