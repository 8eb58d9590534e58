#include "storage/schema.h"

#include <array>
#include <string>

namespace storage {
namespace {

// Append only: a released migration is never edited, only followed by another.
constexpr std::array<std::string_view, 7> kMigrations = {
    // 1: the storage core — recordings' core columns, wrapped data keys,
    // finished objects, uploads in progress, tombstones of deleted recordings.
    R"sql(
CREATE TABLE settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE recordings (
  id          TEXT PRIMARY KEY CHECK (length(id) = 32),
  purpose     TEXT NOT NULL CHECK (purpose IN ('teacher_training', 'student_support')),
  purpose_end TEXT NOT NULL CHECK (purpose_end GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  status      TEXT NOT NULL CHECK (status IN ('uploading', 'processing', 'ready', 'failed', 'deleting')),
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE data_keys (
  recording_id  TEXT PRIMARY KEY REFERENCES recordings (id),
  master_key_id TEXT NOT NULL CHECK (length(master_key_id) = 32),
  wrapped       BLOB NOT NULL
) STRICT;

CREATE TABLE objects (
  id           TEXT PRIMARY KEY CHECK (length(id) = 32),
  recording_id TEXT NOT NULL REFERENCES recordings (id),
  kind         TEXT NOT NULL CHECK (kind IN ('media', 'poster')),
  size         INTEGER NOT NULL CHECK (size >= 0),
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX objects_by_recording ON objects (recording_id);

CREATE TABLE uploads (
  id           TEXT PRIMARY KEY CHECK (length(id) = 32),
  recording_id TEXT NOT NULL REFERENCES recordings (id),
  length       INTEGER NOT NULL CHECK (length >= 0),
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX uploads_by_recording ON uploads (recording_id);

-- What remains of a deleted recording: no title, no people, no key.
CREATE TABLE tombstones (
  recording_id TEXT PRIMARY KEY,
  purpose      TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  deleted_at   INTEGER NOT NULL,
  reason       TEXT NOT NULL
) STRICT;
)sql",
    // 2: the audit chain (audit.h) and secrets wrapped under the master key.
    R"sql(
CREATE TABLE secrets (
  name          TEXT PRIMARY KEY,
  master_key_id TEXT NOT NULL CHECK (length(master_key_id) = 32),
  wrapped       BLOB NOT NULL
) STRICT;

CREATE TABLE audit (
  seq     INTEGER PRIMARY KEY CHECK (seq > 0),
  at      INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  action  TEXT NOT NULL,
  object  TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason  TEXT NOT NULL,
  prev    BLOB NOT NULL,
  mac     BLOB NOT NULL
) STRICT;
CREATE INDEX audit_by_object ON audit (object, action);
CREATE INDEX audit_by_actor ON audit (actor);
)sql",
    // 3: people and the school's rules about them (acl/): roles, guardianships,
    // consent forms; a recording's details, participants, consultations and
    // comments. Person ids are row ids; external_id is the school's own.
    R"sql(
-- AUTOINCREMENT: a purged person's id is never given to someone else, because
-- audit entries keep ids forever.
CREATE TABLE people (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  external_id  TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  birth_date   TEXT,
  left_on      TEXT
) STRICT;

CREATE TABLE person_roles (
  person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  role      TEXT NOT NULL CHECK (role IN ('admin', 'privacy_officer', 'staff', 'guardian', 'pupil')),
  PRIMARY KEY (person_id, role)
) STRICT;

CREATE TABLE guardianships (
  guardian_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  pupil_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  PRIMARY KEY (guardian_id, pupil_id)
) STRICT;

CREATE TABLE consent_forms (
  id          INTEGER PRIMARY KEY,
  pupil_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  category    TEXT NOT NULL,
  given       INTEGER NOT NULL CHECK (given IN (0, 1)),
  form_date   TEXT NOT NULL,
  recorded_by INTEGER REFERENCES people (id) ON DELETE SET NULL,
  recorded_at INTEGER NOT NULL
) STRICT;
CREATE INDEX consent_by_pupil ON consent_forms (pupil_id, category);

CREATE TABLE recording_details (
  recording_id    TEXT PRIMARY KEY REFERENCES recordings (id),
  title           TEXT NOT NULL,
  description     TEXT NOT NULL,
  written_purpose TEXT NOT NULL,
  owner_id        INTEGER NOT NULL REFERENCES people (id),
  created_on      TEXT NOT NULL
) STRICT;

CREATE TABLE participants (
  recording_id TEXT NOT NULL REFERENCES recordings (id),
  person_id    INTEGER NOT NULL REFERENCES people (id),
  relation     TEXT NOT NULL,
  rights       TEXT NOT NULL,
  until        TEXT,
  PRIMARY KEY (recording_id, person_id)
) STRICT;
CREATE INDEX participants_by_person ON participants (person_id);

CREATE TABLE consultations (
  recording_id TEXT NOT NULL REFERENCES recordings (id),
  person_id    INTEGER NOT NULL REFERENCES people (id),
  consulted_on TEXT NOT NULL,
  PRIMARY KEY (recording_id, person_id)
) STRICT;

CREATE TABLE comments (
  id           INTEGER PRIMARY KEY,
  recording_id TEXT NOT NULL REFERENCES recordings (id),
  author_id    INTEGER NOT NULL REFERENCES people (id),
  position_ms  INTEGER NOT NULL CHECK (position_ms >= 0),
  body         TEXT NOT NULL,
  personal     INTEGER NOT NULL CHECK (personal IN (0, 1)),
  created_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX comments_by_recording ON comments (recording_id);
)sql",
    // 4: what ingest learned: a recording's playable object with its media
    // facts and fragment index (for HLS), or why ingest refused it.
    R"sql(
CREATE TABLE media (
  recording_id TEXT PRIMARY KEY REFERENCES recordings (id),
  object_id    TEXT NOT NULL UNIQUE REFERENCES objects (id),
  container    TEXT NOT NULL,
  duration_s   REAL NOT NULL,
  video_codec  TEXT,
  width        INTEGER,
  height       INTEGER,
  rotation     REAL,
  audio_codec  TEXT,
  init_size    INTEGER NOT NULL CHECK (init_size > 0)
) STRICT;

CREATE TABLE fragments (
  object_id  TEXT NOT NULL REFERENCES objects (id),
  seq        INTEGER NOT NULL,
  duration_s REAL NOT NULL,
  offset     INTEGER NOT NULL,
  size       INTEGER NOT NULL,
  PRIMARY KEY (object_id, seq)
) STRICT;

CREATE TABLE ingest_failures (
  recording_id TEXT PRIMARY KEY REFERENCES recordings (id),
  code         TEXT NOT NULL,
  message      TEXT NOT NULL,
  at           INTEGER NOT NULL
) STRICT;
)sql",
    // 5: accounts and sessions (storage/accounts.h). Secrets are never stored
    // as given: passwords as self-describing scrypt hashes, session tokens and
    // recovery codes as SHA-256 hashes, TOTP secrets encrypted under the
    // service key "accounts_key" (wrapped under the master key). A person's
    // account goes with the person (retention, R19).
    R"sql(
CREATE TABLE accounts (
  id                   TEXT PRIMARY KEY CHECK (length(id) = 32),
  person_id            INTEGER NOT NULL UNIQUE REFERENCES people (id) ON DELETE CASCADE,
  username             TEXT NOT NULL UNIQUE,
  password_hash        TEXT NOT NULL CHECK (password_hash GLOB '$scrypt$*'),
  must_change_password INTEGER NOT NULL CHECK (must_change_password IN (0, 1)),
  active               INTEGER NOT NULL CHECK (active IN (0, 1)),
  language             TEXT NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
  totp_secret          BLOB,
  totp_pending         BLOB,
  totp_last_step       INTEGER NOT NULL DEFAULT 0,
  failed_logins        INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
  lockouts             INTEGER NOT NULL DEFAULT 0 CHECK (lockouts >= 0),
  locked_until         INTEGER NOT NULL DEFAULT 0,
  created_at           INTEGER NOT NULL
) STRICT;

CREATE TABLE sessions (
  token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  csrf_token TEXT NOT NULL CHECK (length(csrf_token) = 64)
) STRICT;
CREATE INDEX sessions_by_account ON sessions (account_id);

CREATE TABLE recovery_codes (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  code_hash  BLOB NOT NULL CHECK (length(code_hash) = 32),
  PRIMARY KEY (account_id, code_hash)
) STRICT;
)sql",
    // 6: the service: tus uploads in progress, deletion receipts, erasure
    // requests (R14).
    R"sql(
ALTER TABLE uploads ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE uploads ADD COLUMN completed INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1));

-- What the privacy officer shows when asked "was it really deleted?": ids and
-- times only, like the tombstone, kept after every other row is gone.
CREATE TABLE deletion_receipts (
  recording_id  TEXT PRIMARY KEY,
  deleted_at    INTEGER NOT NULL,
  reason        TEXT NOT NULL,
  master_key_id TEXT NOT NULL,
  objects       TEXT NOT NULL,
  uploads       TEXT NOT NULL
) STRICT;

CREATE TABLE erasure_requests (
  id           TEXT PRIMARY KEY CHECK (length(id) = 32),
  recording_id TEXT NOT NULL REFERENCES recordings (id),
  requested_by INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  reason       TEXT NOT NULL,
  requested_at INTEGER NOT NULL
) STRICT;
CREATE INDEX erasure_by_recording ON erasure_requests (recording_id);
)sql",
    // 7: uploads ingest has consumed. Their log is gone (data minimisation), but a
    // client that lost the last response asks with HEAD, and must hear "complete",
    // not "unknown": tus-js-client would start a new upload, which is refused.
    R"sql(
CREATE TABLE finished_uploads (
  id           TEXT PRIMARY KEY CHECK (length(id) = 32),
  recording_id TEXT NOT NULL REFERENCES recordings (id),
  length       INTEGER NOT NULL,
  answer_until INTEGER NOT NULL
) STRICT;
CREATE INDEX finished_uploads_by_recording ON finished_uploads (recording_id);
)sql",
};

Result<int> userVersion(Database& db) {
  auto stmt = db.prepare("PRAGMA user_version");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  return static_cast<int>(stmt->columnInt(0));
}

}  // namespace

int schemaVersion() { return static_cast<int>(kMigrations.size()); }

Status migrate(Database& db) {
  auto version = userVersion(db);
  if (!version) return std::unexpected(version.error());
  if (*version > schemaVersion()) {
    return fail(ErrorCode::kDatabase, "database schema version " + std::to_string(*version) +
                                          " is newer than this program's (" +
                                          std::to_string(schemaVersion()) + ")");
  }
  for (int next = *version; next < schemaVersion(); ++next) {
    auto txn = Transaction::begin(db);
    if (!txn) return std::unexpected(txn.error());
    LV_TRY(db.exec(kMigrations[static_cast<std::size_t>(next)]));
    // PRAGMA takes no parameters; the value is our own integer, not input.
    LV_TRY(db.exec("PRAGMA user_version = " + std::to_string(next + 1)));
    LV_TRY(txn->commit());
  }
  return {};
}

}  // namespace storage
