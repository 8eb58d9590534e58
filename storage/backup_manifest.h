// The manifest of a backup directory (docs/backup-and-restore.md): which files
// it holds, with their sizes and SHA-256, and which blobs were already gone
// when the backup copied them. It detects damage and mistakes (a truncated
// copy, a file swapped or edited), not a forger: the blobs are authenticated
// by their own encryption, and erasures are enforced by the deletion journal.
//
//   lessonvault-backup 1
//   created <unix seconds>
//   file <sha256 hex> <size> <path>      path: lessonvault.db, objects/<id>, uploads/<id>
//   absent <path>                        a blob deleted while the backup ran
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/file_system.h"

namespace storage {

inline constexpr std::string_view kManifestName = "MANIFEST";
inline constexpr std::string_view kBackupDatabaseName = "lessonvault.db";

struct ManifestFile {
  std::string path;  // relative to the backup directory
  std::uint64_t size = 0;
  std::string sha256;  // lowercase hex
};

struct Manifest {
  std::int64_t created_at = 0;
  std::vector<ManifestFile> files;
  std::vector<std::string> absent;  // relative paths
};

// True for the only relative paths a manifest may name (no traversal possible).
bool isBackupPath(std::string_view path);

// Copies `from` to `to` (which must not exist) through a temporary name in the
// same directory, fsyncs it and renames it; the caller fsyncs the directory.
// Returns the copy's size and SHA-256. kNotFound when `from` is missing.
Result<ManifestFile> copyFileHashed(FileSystem& fs, const std::string& from, const std::string& to);

// The size and SHA-256 of a file.
Result<ManifestFile> hashFile(FileSystem& fs, const std::string& path);

// Writes <dir>/MANIFEST durably (temporary name, fsync, rename, fsync dir).
Status writeManifest(FileSystem& fs, const std::string& dir, const Manifest& manifest);

// Reads <dir>/MANIFEST and checks that every file it lists has its size and
// SHA-256, and that the backup holds no blob it does not list. The message of
// an error names the first file that differs.
Result<Manifest> verifyBackup(FileSystem& fs, const std::string& dir);

}  // namespace storage
