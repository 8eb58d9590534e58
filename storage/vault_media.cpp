// Vault: what ingest produced — the playable object's facts and fragment
// index, or the reason ingest refused the upload.
#include "storage/vault.h"

namespace storage {
namespace {

std::optional<std::string> nonEmpty(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional(text);
}

}  // namespace

Status Vault::publishMedia(const Id& recording, const StoredMedia& m, std::int64_t now) {
  if (m.size > static_cast<std::uint64_t>(INT64_MAX) || m.fragments.empty() || m.init_size == 0) {
    return fail(ErrorCode::kInvalidArgument, "media without fragments or init section");
  }
  std::lock_guard lock(mutex_);
  auto txn = Transaction::begin(*db_);
  if (!txn) return std::unexpected(txn.error());
  auto object = db_->prepare(
      "INSERT INTO objects (id, recording_id, kind, size, created_at) "
      "SELECT ?1, id, 'media', ?3, ?4 FROM recordings WHERE id = ?2 AND status <> 'deleting'");
  if (!object) return std::unexpected(object.error());
  LV_TRY(object->bind(1, m.object.hex())
             .bind(2, recording.hex())
             .bind(3, static_cast<std::int64_t>(m.size))
             .bind(4, now)
             .run());
  if (db_->changes() == 0) return fail(ErrorCode::kNotFound, "no such recording");
  auto facts = db_->prepare(
      "INSERT INTO media (recording_id, object_id, container, duration_s, video_codec, width, "
      "height, rotation, audio_codec, init_size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  if (!facts) return std::unexpected(facts.error());
  facts->bind(1, recording.hex()).bind(2, m.object.hex()).bind(3, m.container);
  facts->bindDouble(4, m.duration_s);
  if (auto v = nonEmpty(m.video_codec)) {
    facts->bind(5, *v).bind(6, m.width).bind(7, m.height);
    facts->bindDouble(8, m.rotation);
  } else {
    facts->bindNull(5).bindNull(6).bindNull(7).bindNull(8);
  }
  if (auto a = nonEmpty(m.audio_codec)) {
    facts->bind(9, *a);
  } else {
    facts->bindNull(9);
  }
  LV_TRY(facts->bind(10, static_cast<std::int64_t>(m.init_size)).run());
  auto fragment = db_->prepare(
      "INSERT INTO fragments (object_id, seq, duration_s, offset, size) VALUES (?1, ?2, ?3, ?4, "
      "?5)");
  if (!fragment) return std::unexpected(fragment.error());
  for (std::size_t i = 0; i < m.fragments.size(); ++i) {
    fragment->bind(1, m.object.hex()).bind(2, static_cast<std::int64_t>(i));
    fragment->bindDouble(3, m.fragments[i].duration_s);
    LV_TRY(fragment->bind(4, static_cast<std::int64_t>(m.fragments[i].offset))
               .bind(5, static_cast<std::int64_t>(m.fragments[i].size))
               .run());
  }
  auto ready = db_->prepare("UPDATE recordings SET status = 'ready' WHERE id = ?1");
  if (!ready) return std::unexpected(ready.error());
  LV_TRY(ready->bind(1, recording.hex()).run());
  LV_TRY(auditLocked({now, "system", "ingest", recording.hex(), "done", ""}));
  return txn->commit();
}

Status Vault::recordIngestFailure(const Id& recording, std::string_view code,
                                  std::string_view message, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto txn = Transaction::begin(*db_);
  if (!txn) return std::unexpected(txn.error());
  auto failed = db_->prepare(
      "UPDATE recordings SET status = 'failed' WHERE id = ?1 AND status <> 'deleting'");
  if (!failed) return std::unexpected(failed.error());
  LV_TRY(failed->bind(1, recording.hex()).run());
  if (db_->changes() == 0) return fail(ErrorCode::kNotFound, "no such recording");
  auto reason = db_->prepare(
      "INSERT OR REPLACE INTO ingest_failures (recording_id, code, message, at) "
      "VALUES (?1, ?2, ?3, ?4)");
  if (!reason) return std::unexpected(reason.error());
  LV_TRY(reason->bind(1, recording.hex()).bind(2, code).bind(3, message).bind(4, now).run());
  LV_TRY(auditLocked({now, "system", "ingest", recording.hex(), "failed", std::string(code)}));
  return txn->commit();
}

Result<StoredMedia> Vault::media(const Id& recording) {
  StoredMedia m;
  LV_TRY(read([&](Database& db) -> Status {
    auto select = db.prepare(
        "SELECT m.object_id, o.size, m.container, m.duration_s, coalesce(m.video_codec, ''), "
        "coalesce(m.width, 0), coalesce(m.height, 0), coalesce(m.rotation, 0), "
        "coalesce(m.audio_codec, ''), m.init_size "
        "FROM media m JOIN objects o ON o.id = m.object_id WHERE m.recording_id = ?1");
    if (!select) return std::unexpected(select.error());
    auto row = select->bind(1, recording.hex()).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::kNotFound, "the recording has no playable media");
    auto object = Id::parse(select->columnText(0));
    if (!object) return fail(ErrorCode::kDatabase, "malformed object id in media");
    m = StoredMedia{*object,
                    static_cast<std::uint64_t>(select->columnInt(1)),
                    select->columnText(2),
                    select->columnDouble(3),
                    select->columnText(4),
                    static_cast<int>(select->columnInt(5)),
                    static_cast<int>(select->columnInt(6)),
                    select->columnDouble(7),
                    select->columnText(8),
                    static_cast<std::uint64_t>(select->columnInt(9)),
                    {}};
    auto fragments = db.prepare(
        "SELECT duration_s, offset, size FROM fragments WHERE object_id = ?1 ORDER BY seq");
    if (!fragments) return std::unexpected(fragments.error());
    return fragments->bind(1, object->hex()).forEachRow([&](const Statement& f) -> Status {
      m.fragments.push_back({f.columnDouble(0), static_cast<std::uint64_t>(f.columnInt(1)),
                             static_cast<std::uint64_t>(f.columnInt(2))});
      return {};
    });
  }));
  return m;
}

Result<Id> Vault::mediaObject(const Id& recording) {
  std::optional<Id> object;
  LV_TRY(read([&](Database& db) -> Status {
    auto select = db.prepare("SELECT object_id FROM media WHERE recording_id = ?1");
    if (!select) return std::unexpected(select.error());
    auto row = select->bind(1, recording.hex()).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::kNotFound, "the recording has no playable media");
    object = Id::parse(select->columnText(0));
    if (!object) return fail(ErrorCode::kDatabase, "malformed object id in media");
    return {};
  }));
  return *object;
}

Result<std::optional<std::pair<std::string, std::string>>> Vault::ingestFailure(
    const Id& recording) {
  std::optional<std::pair<std::string, std::string>> failure;
  LV_TRY(read([&](Database& db) -> Status {
    auto select = db.prepare("SELECT code, message FROM ingest_failures WHERE recording_id = ?1");
    if (!select) return std::unexpected(select.error());
    auto row = select->bind(1, recording.hex()).step();
    if (!row) return std::unexpected(row.error());
    if (*row) failure = std::pair{select->columnText(0), select->columnText(1)};
    return {};
  }));
  return failure;
}

Result<std::optional<Id>> Vault::poster(const Id& recording) {
  std::optional<Id> poster;
  LV_TRY(read([&](Database& db) -> Status {
    auto select =
        db.prepare("SELECT id FROM objects WHERE recording_id = ?1 AND kind = 'poster' LIMIT 1");
    if (!select) return std::unexpected(select.error());
    auto row = select->bind(1, recording.hex()).step();
    if (!row) return std::unexpected(row.error());
    if (*row) poster = Id::parse(select->columnText(0));
    return {};
  }));
  return poster;
}

}  // namespace storage
