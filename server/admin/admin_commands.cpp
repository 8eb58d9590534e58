#include "server/admin/admin_commands.h"

#include <charconv>
#include <ctime>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <unistd.h>

#include <Poco/JSON/Object.h>

#include "media/probe.h"
#include "server/admin/account_commands.h"
#include "server/admin/backup_commands.h"
#include "server/admin/cli_support.h"
#include "server/admin/file_source.h"
#include "server/clock.h"
#include "server/ingest.h"
#include "server/person_export_json.h"
#include "server/processing_register.h"
#include "server/sweep.h"
#include "storage/roster.h"
#include "storage/vault.h"

namespace server::admin {
namespace {

int init(const Config& config, const std::vector<std::string>& args, std::ostream& out,
         std::ostream& err) {
  if (int usage = expectArgs(args, 0, err)) return usage;
  if (auto done = storage::Vault::initialize(vaultPaths(config)); !done) {
    return failWith(err, done.error());
  }
  auto vault = storage::Vault::open(vaultPaths(config));
  if (!vault) return failWith(err, vault.error());
  auto active = (*vault)->activeMasterKey();
  if (!active) return failWith(err, active.error());
  out << "ready: database " << config.database_path << ", data " << config.data_dir
      << ", active master key " << active->hex() << " in " << config.keys_dir << "\n";
  return kExitOk;
}

int listMasterKeys(const Config& config, const std::vector<std::string>& args, std::ostream& out,
                   std::ostream& err) {
  if (int usage = expectArgs(args, 0, err)) return usage;
  auto vault = storage::Vault::open(vaultPaths(config));
  if (!vault) return failWith(err, vault.error());
  auto active = (*vault)->activeMasterKey();
  if (!active) return failWith(err, active.error());
  for (const storage::Id& id : (*vault)->masterKeys()) {
    out << id.hex() << (id == *active ? "  active" : "") << "\n";
  }
  return kExitOk;
}

int rotateMasterKey(const Config& config, const std::vector<std::string>& args, std::ostream& out,
                    std::ostream& err) {
  if (int usage = expectArgs(args, 0, err)) return usage;
  auto vault = storage::Vault::open(vaultPaths(config));
  if (!vault) return failWith(err, vault.error());
  auto previous = (*vault)->activeMasterKey();
  if (!previous) return failWith(err, previous.error());
  auto rotation = (*vault)->rotateMasterKey(now(), cliActor());
  if (!rotation) return failWith(err, rotation.error());
  out << "new active master key " << rotation->new_key.hex() << "; re-wrapped "
      << rotation->rewrapped << " data key(s)\n";
  if (!rotation->wal_truncated) {
    out << "warning: a reader kept the WAL from being truncated; the old wrapped keys leave it "
           "at the next checkpoint\n";
  }
  out << "retire the previous key when no backup needs it any more:\n"
      << "  lessonvault-admin retire-master-key " << previous->hex() << "\n";
  return kExitOk;
}

int retireMasterKey(const Config& config, const std::vector<std::string>& args, std::ostream& out,
                    std::ostream& err) {
  if (int usage = expectArgs(args, 1, err)) return usage;
  auto id = storage::Id::parse(args[0]);
  if (!id) {
    err << "lessonvault-admin: \"" << args[0] << "\" is not a master key id (32 hex digits)\n";
    return kExitUsage;
  }
  auto vault = storage::Vault::open(vaultPaths(config));
  if (!vault) return failWith(err, vault.error());
  if (auto done = (*vault)->retireMasterKey(*id, now(), cliActor()); !done) {
    return failWith(err, done.error());
  }
  out << "retired master key " << id->hex() << " (its key file is deleted)\n";
  return kExitOk;
}

int auditVerify(const Config& config, const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err) {
  std::optional<storage::AuditHead> expected;
  if (args.size() == 2 && args[0] == "--expect-head") {
    expected = storage::AuditHead::parse(args[1]);
    if (!expected) {
      err << "lessonvault-admin: --expect-head wants SEQ:MAC as printed by audit-verify or the "
             "server log, got \""
          << args[1] << "\"\n";
      return kExitUsage;
    }
  } else if (int usage = expectArgs(args, 0, err)) {
    return usage;
  }
  auto vault = storage::Vault::open(vaultPaths(config));
  if (!vault) return failWith(err, vault.error());
  auto report = (*vault)->verifyAudit(expected);
  if (!report) return failWith(err, report.error());
  if (!report->ok()) {
    out << "BROKEN at entry " << *report->broken_at << ": " << report->problem << "\n"
        << report->entries << " entries before it verify\n";
    return kExitFailure;
  }
  out << "ok: " << report->entries << " entries, head " << report->head.toString() << "\n";
  return kExitOk;
}

int importRosterCommand(const Config& config, const std::vector<std::string>& args,
                        std::ostream& out, std::ostream& err) {
  if (int usage = expectArgs(args, 1, err)) return usage;
  std::ifstream file(args[0], std::ios::binary);
  if (!file) {
    err << "lessonvault-admin: cannot read " << args[0] << "\n";
    return kExitFailure;
  }
  std::string csv(storage::kMaxRosterBytes + 1, '\0');
  file.read(csv.data(), static_cast<std::streamsize>(csv.size()));
  csv.resize(static_cast<std::size_t>(file.gcount()));
  auto parsed = storage::parseRoster(csv, schoolToday(config));
  std::vector<storage::RosterProblem> problems = parsed.problems;
  storage::RosterImport result;
  if (problems.empty()) {
    auto vault = storage::Vault::open(vaultPaths(config));
    if (!vault) return failWith(err, vault.error());
    auto imported =
        storage::importRoster(**vault, parsed.entries, schoolToday(config), now(), cliActor());
    if (!imported) return failWith(err, imported.error());
    result = *imported;
    problems = result.problems;
  }
  if (!problems.empty()) {
    for (const auto& problem : problems) err << args[0] << ": " << problem.toString() << "\n";
    err << "lessonvault-admin: " << problems.size()
        << " problem(s); nothing was imported. Fix the file and run the import again.\n";
    return kExitFailure;
  }
  out << "roster imported: " << result.added << " added, " << result.updated << " updated, "
      << result.unchanged << " unchanged";
  if (result.skipped > 0) {
    out << ", " << result.skipped << " skipped (left more than 2 years ago)";
  }
  out << "\n";
  return kExitOk;
}

int exportPersonCommand(const Config& config, const std::vector<std::string>& args,
                        std::ostream& out, std::ostream& err) {
  if (int usage = expectArgs(args, 1, err)) return usage;
  auto vault = storage::Vault::open(vaultPaths(config));
  if (!vault) return failWith(err, vault.error());
  auto person = storage::exportPerson(**vault, args[0], now(), cliActor());
  if (!person) return failWith(err, person.error());
  out << personExportJson(*person) << "\n";
  return kExitOk;
}

int registerCommand(const Config& config, const std::vector<std::string>& args, std::ostream& out,
                    std::ostream& err) {
  if (int usage = expectArgs(args, 0, err)) return usage;
  auto vault = storage::Vault::open(vaultPaths(config));
  if (!vault) return failWith(err, vault.error());
  auto stats = storage::collectStatistics(**vault);
  if (!stats) return failWith(err, stats.error());
  if (auto audited = (*vault)->audit({now(), cliActor(), "read_register", "", "done", ""});
      !audited) {
    return failWith(err, audited.error());
  }
  out << processingRegister(config, *stats, acl::formatDate(schoolToday(config)));
  return kExitOk;
}

std::string mediaSummary(const media::MediaFacts& facts) {
  std::ostringstream out;
  out << "container " << facts.container << ", " << facts.duration_s << " s, " << facts.streams
      << " stream(s)";
  if (facts.video) {
    out << "; video " << facts.video->codec << " " << facts.video->width << "x"
        << facts.video->height << ", rotation " << facts.video->rotation;
  }
  if (facts.audio) {
    out << "; audio " << facts.audio->codec
        << (facts.audio->profile.empty() ? "" : " " + facts.audio->profile) << " "
        << facts.audio->sample_rate << " Hz, " << facts.audio->channels << " channel(s)";
  }
  return out.str();
}

Poco::JSON::Object::Ptr mediaJson(const media::MediaFacts& facts) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  json->set("container", facts.container);
  json->set("duration_s", facts.duration_s);
  json->set("streams", facts.streams);
  if (facts.video) {
    Poco::JSON::Object::Ptr video = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    video->set("codec", facts.video->codec);
    video->set("width", facts.video->width);
    video->set("height", facts.video->height);
    video->set("rotation", facts.video->rotation);
    json->set("video", video);
  }
  if (facts.audio) {
    Poco::JSON::Object::Ptr audio = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    audio->set("codec", facts.audio->codec);
    audio->set("profile", facts.audio->profile);
    audio->set("sample_rate", facts.audio->sample_rate);
    audio->set("channels", facts.audio->channels);
    json->set("audio", audio);
  }
  return json;
}

// Opens, validates and plans a local file exactly as ingest would, and stores nothing.
int checkMediaCommand(const Config& config, const std::vector<std::string>& args, std::ostream& out,
                      std::ostream& err) {
  const bool json = args.size() == 2 && args[1] == "--json";
  if (args.size() != 1 && !json) {
    err << "lessonvault-admin: check-media wants FILE [--json]; see --help\n";
    return kExitUsage;
  }
  auto source = FileSource::open(args[0]);
  if (!source) {
    err << "lessonvault-admin: cannot read " << args[0] << "\n";
    return kExitFailure;
  }
  const media::Limits limits = ingestSettings(config).limits;
  media::silenceLibavLog();  // the verdict says what matters
  const auto facts = media::probe(*source, limits);
  if (json) {
    Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("verdict", facts ? "accepted" : "refused");
    if (facts) {
      root.set("plan", std::string(facts->plan.action()));
      root.set("reason", facts->plan.reason);
      root.set("facts", mediaJson(*facts));
    } else {
      Poco::JSON::Object::Ptr error = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      error->set("code", std::string(media::errorCodeName(facts.error().code)));
      error->set("message", facts.error().message);
      root.set("error", error);
    }
    root.stringify(out, 2);
    out << "\n";
  } else if (facts) {
    out << "accepted: " << facts->plan.action() << " (" << facts->plan.reason << ")\n"
        << mediaSummary(*facts) << "\n";
  } else {
    out << "refused: " << facts.error().toString() << "\n";
  }
  return facts ? kExitOk : kExitFailure;
}

// "2027-03-01", "2027-03-01T02:30[:00]" (school-local) or "@1800000000".
std::optional<std::int64_t> parseSweepTime(const std::string& text) {
  if (text.starts_with('@')) {
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
  }
  std::tm local{};
  const char* rest = ::strptime(text.c_str(), "%Y-%m-%d", &local);
  if (rest == nullptr) return std::nullopt;
  if (*rest == 'T') {
    const char* time = ::strptime(rest + 1, "%H:%M", &local);
    if (time != nullptr && *time == ':') time = ::strptime(time + 1, "%S", &local);
    rest = time;
  }
  if (rest == nullptr || *rest != '\0') return std::nullopt;
  local.tm_isdst = -1;  // let mktime decide summer time in the school's zone
  return static_cast<std::int64_t>(::mktime(&local));
}

int sweepCommand(const Config& config, const std::vector<std::string>& args, std::ostream& out,
                 std::ostream& err) {
  // The school's zone, so that a date given here and "today" below are local.
  useTimeZone(config.time_zone);
  std::int64_t now = unixNow();
  if (args.size() == 2 && args[0] == "--now") {
    auto parsed = parseSweepTime(args[1]);
    if (!parsed) {
      err << "lessonvault-admin: --now takes YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS] or @UNIX\n";
      return kExitUsage;
    }
    now = *parsed;
  } else if (int usage = expectArgs(args, 0, err)) {
    return usage;
  }
  auto vault = storage::Vault::open(vaultPaths(config));
  if (!vault) return failWith(err, vault.error());
  auto report = sweepOnce(**vault, now, localDate(now), config.upload_expire_s, nullptr);
  if (!report) return failWith(err, report.error());
  out << "as of " << acl::formatDate(localDate(now)) << ": " << describe(*report) << "\n";
  return kExitOk;
}

}  // namespace

const std::vector<Command>& commands() {
  static const std::vector<Command> kCommands = {
      {"init", "",
       "create the data and key directories, the first master key and the database "
       "(idempotent: an existing installation is left as it is)",
       init},
      {"list-master-keys", "", "list the master keys in the key directory and which is active",
       listMasterKeys},
      {"rotate-master-key", "",
       "add a master key, make it active and re-wrap every recording's data key under it "
       "in one transaction",
       rotateMasterKey},
      {"retire-master-key", "ID",
       "delete a master key file that no data key needs any more (refuses the active key)",
       retireMasterKey},
      {"import-roster", "FILE.csv",
       "add or update people from the school's roster (columns: external_id, display_name, "
       "role, birth_date, guardian_of, left_on); any bad line imports nothing",
       importRosterCommand},
      {"export-person", "EXTERNAL_ID",
       "print everything stored about one person as JSON (R12, R15), without other people's "
       "data or personal comments",
       exportPersonCommand},
      {"register", "",
       "print the processing register (R15): what is processed, why, for how long and shared "
       "with whom, with live counts",
       registerCommand},
      {"check-media", "FILE [--json]",
       "say whether an upload of this file would be accepted (remux or transcode, and why) or "
       "refused (code and message), with its media facts; stores nothing",
       checkMediaCommand},
      {"create-account", "PERSON_EXTERNAL_ID USERNAME [--role ROLE]...",
       "create an account for a roster person and print its one-time password (changed at "
       "first login); --role also gives the person that role (until the next roster import "
       "says otherwise)",
       createAccountCommand},
      {"reset-password", "USERNAME",
       "give the account a new one-time password (printed; must be changed at the next login) "
       "and end its sessions",
       resetPasswordCommand},
      {"unlock", "USERNAME", "clear the account's failed logins and lockout", unlockCommand},
      {"deactivate", "USERNAME", "deactivate the account and end its sessions",
       deactivateCommand},
      {"bootstrap-admin", "",
       "on first start: create the roster person \"Beheerder\" with role admin and the account "
       "admin, printing its one-time password; does nothing when an active admin account exists",
       bootstrapAdminCommand},
      {"audit-verify", "[--expect-head SEQ:MAC]",
       "check every link of the audit chain; with the head noted in the server log, also "
       "notice a cut-off tail",
       auditVerify},
      {"sweep", "[--now TIME]",
       "run the expiry sweep once (as the server does every server.sweep_interval_s): delete "
       "recordings past their purpose end, expired uploads, failed ingests and people due "
       "under R19; --now runs it as if at TIME (YYYY-MM-DD[THH:MM[:SS]] school-local, or @UNIX)",
       sweepCommand},
      {"backup", "DIR",
       "copy the database (SQLite online backup: a consistent snapshot, also while the server "
       "runs) and the encrypted blobs into the new directory DIR, with a MANIFEST of sizes and "
       "SHA-256; the master keys are not included: back the key directory up separately",
       backupCommand},
      {"restore", "DIR [--force]",
       "with the server stopped: check DIR against its MANIFEST, put the database and blobs "
       "back (--force replaces an installation that has some), replay the deletion journal and "
       "run the expiry sweep, so nothing erased or expired comes back",
       restoreCommand},
  };
  return kCommands;
}

}  // namespace server::admin
