#include "server/admin/backup_commands.h"

#include "server/admin/admin_commands.h"
#include "server/admin/cli_support.h"
#include "server/clock.h"
#include "server/sweep.h"
#include "storage/backup.h"

namespace server::admin {

int backupCommand(const Config& config, const std::vector<std::string>& args, std::ostream& out,
                  std::ostream& err) {
  if (args.size() != 1 || args[0].starts_with('-')) {
    err << "lessonvault-admin: backup wants one argument, DIR; see --help\n";
    return kExitUsage;
  }
  auto report = storage::backupVault(vaultPaths(config), args[0], unixNow());
  if (!report) return failWith(err, report.error());
  out << "backed up the database, " << report->objects << " object(s) and " << report->uploads
      << " upload(s) (" << report->bytes << " bytes) to " << args[0] << "\n";
  if (!report->absent.empty()) {
    out << report->absent.size()
        << " file(s) were deleted while the backup ran and are listed as absent; the deletion "
           "journal finishes their recordings at restore\n";
  }
  out << "the master keys are not in it: back up " << config.keys_dir
      << " separately, after every rotation\n";
  return kExitOk;
}

int restoreCommand(const Config& config, const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err) {
  storage::RestoreOptions options;
  std::vector<std::string> positional;
  for (const std::string& arg : args) {
    if (arg == "--force") {
      options.force = true;
    } else if (arg.starts_with('-')) {
      err << "lessonvault-admin: restore: unknown option " << arg << "\n";
      return kExitUsage;
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 1) {
    err << "lessonvault-admin: restore wants DIR [--force]; see --help\n";
    return kExitUsage;
  }
  const storage::VaultPaths paths = vaultPaths(config);
  auto manifest = storage::restoreVault(paths, positional[0], options);
  if (!manifest) return failWith(err, manifest.error());
  out << "restored " << manifest->files.size() << " file(s) from " << positional[0] << "\n";

  // Opening replays the deletion journal: nothing erased since comes back.
  auto vault = storage::Vault::open(paths);
  if (!vault) {
    err << "lessonvault-admin: the files are back but the vault does not open; do not start "
           "the server until this is fixed: "
        << vault.error().toString() << "\n";
    return kExitFailure;
  }
  // Then the sweep: nothing past its purpose end comes back either.
  useTimeZone(config.time_zone);
  const std::int64_t now = unixNow();
  auto swept = sweepOnce(**vault, now, localDate(now), config.upload_expire_s, nullptr);
  if (!swept) {
    err << "lessonvault-admin: the expiry sweep after the restore failed; do not start the "
           "server before `lessonvault-admin sweep` succeeds: "
        << swept.error().toString() << "\n";
    return kExitFailure;
  }
  out << "replayed the deletion journal; sweep: " << describe(*swept) << "\n";
  auto missing = storage::missingBlobs(**vault);
  if (!missing) return failWith(err, missing.error());
  if (!missing->empty()) {
    err << "lessonvault-admin: " << missing->size()
        << " blob(s) the restored database names are missing, first " << missing->front()
        << "; those recordings will not play\n";
    return kExitFailure;
  }
  out << "done: the server may be started\n";
  return kExitOk;
}

}  // namespace server::admin
