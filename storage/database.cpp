#include "storage/database.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <sqlite3.h>

namespace storage {
namespace {

// How long a statement waits for another connection's lock before kBusy.
constexpr int kBusyTimeoutMs = 5000;

}  // namespace

Error sqliteError(sqlite3* db, int rc, std::string_view what) {
  ErrorCode code = ErrorCode::kDatabase;
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      code = ErrorCode::kConstraint;
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = ErrorCode::kBusy;
      break;
    default:
      break;
  }
  std::string message(what);
  message += ": ";
  message += db != nullptr && sqlite3_errcode(db) == rc ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return Error{code, std::move(message)};
}

// --- Statement ---------------------------------------------------------------

// Idle prepared statements of one connection, by SQL text. Bounded: a statement beyond
// kMaxIdle is finalized instead of kept.
class StatementCache {
 public:
  ~StatementCache() {
    for (auto& [sql, stmts] : idle_) {
      for (sqlite3_stmt* stmt : stmts) sqlite3_finalize(stmt);
    }
  }
  sqlite3_stmt* take(std::string_view sql) {
    std::lock_guard lock(mutex_);
    auto found = idle_.find(sql);
    if (found == idle_.end() || found->second.empty()) return nullptr;
    sqlite3_stmt* stmt = found->second.back();
    found->second.pop_back();
    --count_;
    return stmt;
  }
  void give(sqlite3_stmt* stmt) {
    // Reset and unbound: nothing of the last use (a token, a key) stays bound in it.
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    const char* sql = sqlite3_sql(stmt);
    std::lock_guard lock(mutex_);
    if (sql == nullptr || count_ >= kMaxIdle) {
      sqlite3_finalize(stmt);
      return;
    }
    try {
      // Found without building a string: a text's key is allocated once, at first use.
      auto found = idle_.find(std::string_view(sql));
      if (found == idle_.end()) found = idle_.emplace(sql, std::vector<sqlite3_stmt*>{}).first;
      if (found->second.size() >= kMaxIdlePerText) {
        sqlite3_finalize(stmt);
        return;
      }
      found->second.push_back(stmt);
      ++count_;
    } catch (...) {
      sqlite3_finalize(stmt);
    }
  }

 private:
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  // Above the number of distinct SQL texts in the code base (about 140), so a statement
  // first used late still finds room; a few copies per text serve concurrent requests.
  static constexpr std::size_t kMaxIdle = 512;
  static constexpr std::size_t kMaxIdlePerText = 8;
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<sqlite3_stmt*>, TextHash, std::equal_to<>> idle_;
  std::size_t count_ = 0;  // statements in idle_
};

void Statement::Release::operator()(sqlite3_stmt* stmt) const {
  if (cache != nullptr) {
    cache->give(stmt);
  } else {
    sqlite3_finalize(stmt);
  }
}

Statement& Statement::bind(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_.get(), index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  int rc = sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::bindDouble(int index, double value) {
  int rc = sqlite3_bind_double(stmt_.get(), index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::bindBlob(int index, Bytes blob) {
  // A zero-length blob must still be a blob, not NULL; any non-null pointer does.
  static const std::uint8_t kEmpty = 0;
  int rc = sqlite3_bind_blob64(stmt_.get(), index, blob.empty() ? &kEmpty : blob.data(),
                               blob.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Statement& Statement::bindNull(int index) {
  int rc = sqlite3_bind_null(stmt_.get(), index);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
  return *this;
}

Result<bool> Statement::step() {
  if (bind_error_ != 0) return std::unexpected(sqliteError(db_, bind_error_, "bind"));
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(sqliteError(db_, rc, sqlite3_sql(stmt_.get())));
}

Status Statement::run() {
  auto more = step();
  while (more && *more) more = step();
  // Ready for the next bind-and-run, whichever way this one ended.
  sqlite3_reset(stmt_.get());
  bind_error_ = 0;
  if (!more) return std::unexpected(more.error());
  return {};
}

Status Statement::forEachRow(const std::function<Status(const Statement&)>& row) {
  for (;;) {
    auto more = step();
    if (!more) return std::unexpected(more.error());
    if (!*more) return {};
    LV_TRY(row(*this));
  }
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_error_ = 0;
}

std::int64_t Statement::columnInt(int index) const {
  return sqlite3_column_int64(stmt_.get(), index);
}

double Statement::columnDouble(int index) const {
  return sqlite3_column_double(stmt_.get(), index);
}

std::string Statement::columnText(int index) const {
  const auto* text = sqlite3_column_text(stmt_.get(), index);
  const int size = sqlite3_column_bytes(stmt_.get(), index);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text), size);
}

std::vector<std::uint8_t> Statement::columnBlob(int index) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_.get(), index));
  const int size = sqlite3_column_bytes(stmt_.get(), index);
  return data == nullptr ? std::vector<std::uint8_t>()
                         : std::vector<std::uint8_t>(data, data + size);
}

bool Statement::columnIsNull(int index) const {
  return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

// --- Database ----------------------------------------------------------------

void Database::Close::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

namespace {

// SQLite keeps allocation statistics by default, behind one process-wide mutex taken on every
// allocation and free of every connection. With the read connections working at once it was
// the process's most contended lock (64 concurrent streams: about 60 % of all futex calls,
// 51 per request). Nothing here reads those statistics. Only possible before SQLite
// initialises, which the first open does; a later call changes nothing (SQLITE_MISUSE).
void configureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

Result<std::unique_ptr<Database>> Database::open(const std::string& path) {
  configureSqliteOnce();
  // The database holds personal data and wrapped keys: create it 0600 whatever
  // the umask. SQLite gives the -wal and -shm files the database file's mode.
  // An existing file, or its -wal and -shm, left more open (by an older
  // version, or a copy made by hand) is tightened.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    const std::string file = path + suffix;
    const int flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC | (*suffix == '\0' ? O_CREAT : 0);
    int fd = ::open(file.c_str(), flags, 0600);
    if (fd < 0) {
      if (errno == ENOENT && *suffix != '\0') continue;
      return fail(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                  "open " + file + ": " + std::strerror(errno));
    }
    struct stat st {};
    const bool ok = ::fstat(fd, &st) == 0 && ((st.st_mode & 077) == 0 || ::fchmod(fd, 0600) == 0);
    const int err = errno;
    ::close(fd);
    if (!ok) return fail(ErrorCode::kIo, "chmod 600 " + file + ": " + std::strerror(err));
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &raw,
      // FULLMUTEX: a statement may go back to the cache (sqlite3_reset) on another thread.
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE |
          SQLITE_OPEN_FULLMUTEX,
      nullptr);
  // sqlite3_open_v2 hands back a handle even on failure; it must still be closed.
  std::unique_ptr<Database> db(new Database(raw));
  if (rc != SQLITE_OK) return std::unexpected(sqliteError(raw, rc, "open " + path));
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  // secure_delete overwrites deleted content (wrapped keys) with zeros instead
  // of leaving it in free pages; FULL syncs the WAL on every commit.
  LV_TRY(
      db->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
               "PRAGMA secure_delete=ON; PRAGMA trusted_schema=OFF;"));
  auto mode = db->prepare("PRAGMA journal_mode");
  if (!mode) return std::unexpected(mode.error());
  auto row = mode->step();
  if (!row) return std::unexpected(row.error());
  if (!*row || mode->columnText(0) != "wal") {
    return fail(ErrorCode::kDatabase, "open " + path + ": could not switch to WAL mode");
  }
  return db;
}

Database::Database(sqlite3* db) : db_(db), cache_(std::make_unique<StatementCache>()) {}

Database::~Database() { cache_.reset(); }

Result<std::unique_ptr<Database>> Database::openReader(const std::string& path) {
  configureSqliteOnce();
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW |
                                     SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  std::unique_ptr<Database> db(new Database(raw));
  if (rc != SQLITE_OK) return std::unexpected(sqliteError(raw, rc, "open " + path));
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  // READWRITE only because a WAL reader maps and locks the -shm file; nothing is written.
  LV_TRY(db->exec("PRAGMA query_only=ON; PRAGMA trusted_schema=OFF;"));
  return db;
}

Result<Statement> Database::prepare(std::string_view sql) {
  if (sqlite3_stmt* cached = cache_->take(sql)) return Statement(db_.get(), cached, cache_.get());
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(sqliteError(db_.get(), rc, "prepare"));
  return Statement(db_.get(), stmt, cache_.get());
}

Status Database::exec(std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(sqliteError(db_.get(), rc, "exec"));
  return {};
}

Status Database::checkpointOnce() {
  int log_frames = -1;
  int checkpointed = -1;
  int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log_frames,
                                     &checkpointed);
  if (rc != SQLITE_OK) return std::unexpected(sqliteError(db_.get(), rc, "WAL checkpoint"));
  if (log_frames != 0) {
    return fail(ErrorCode::kBusy, "WAL checkpoint left " + std::to_string(log_frames) +
                                      " frames: a reader is still active");
  }
  return {};
}

Status Database::checkpointTruncate(std::chrono::milliseconds max_wait) {
  // Without this, each attempt would sit in the busy handler for the full
  // busy timeout; the retries below bound the whole wait instead.
  sqlite3_busy_timeout(db_.get(), 0);
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  Status status = checkpointOnce();
  while (!status && status.error().code == ErrorCode::kBusy &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    status = checkpointOnce();
  }
  sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
  return status;
}

Status Database::execOne(std::string_view sql) {
  auto statement = prepare(sql);
  if (!statement) return std::unexpected(statement.error());
  return statement->run();
}

std::int64_t Database::changes() const { return sqlite3_changes64(db_.get()); }

std::int64_t Database::lastInsertId() const { return sqlite3_last_insert_rowid(db_.get()); }

// --- Transaction ---------------------------------------------------------------

Result<Transaction> Transaction::begin(Database& db) {
  LV_TRY(db.execOne("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->execOne("ROLLBACK");
}

Status Transaction::commit() {
  Database* db = db_;
  db_ = nullptr;
  if (auto done = db->execOne("COMMIT"); !done) {
    (void)db->execOne("ROLLBACK");
    return done;
  }
  return {};
}

}  // namespace storage
