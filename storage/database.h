// SQLite, the way storage uses it: one connection with WAL, synchronous=FULL,
// foreign keys, secure_delete and a busy timeout; prepared statements only;
// errors as values through one adapter (sqlite3_errmsg; constraint and busy
// get codes of their own).
//
// Thread safety: a Database and its Statements belong to one thread at a
// time; callers that share one serialise access. (A Statement may be destroyed
// on another thread: it goes back to its Database's cache under a lock.)
//
// Prepared statements are cached per Database by their SQL text: prepare() of a
// text prepared before reuses an idle statement, reset and with its bindings
// cleared, instead of parsing again (a request that checks access runs the same
// handful of queries every time).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/crypto.h"
#include "storage/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace storage {

class StatementCache;

class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bindDouble(int index, double value);
  Statement& bindBlob(int index, Bytes blob);
  Statement& bindNull(int index);

  // Advances: true when a row is available, false when done.
  Result<bool> step();
  // Runs to completion, ignoring rows, then resets so it can be bound and run again.
  Status run();
  // Steps through every row, calling `row` for each; stops at the first
  // error, from SQLite or from `row`. Leaves the statement done.
  Status forEachRow(const std::function<Status(const Statement&)>& row);
  // Makes the statement ready to bind and run again.
  void reset();

  std::int64_t columnInt(int index) const;
  double columnDouble(int index) const;
  std::string columnText(int index) const;
  std::vector<std::uint8_t> columnBlob(int index) const;
  bool columnIsNull(int index) const;

 private:
  friend class Database;
  // Hands the statement back to its database's cache (or finalizes it).
  struct Release {
    StatementCache* cache = nullptr;
    void operator()(sqlite3_stmt* stmt) const;
  };
  Statement(sqlite3* db, sqlite3_stmt* stmt, StatementCache* cache)
      : db_(db), stmt_(stmt, Release{cache}) {}

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Release> stmt_;
  int bind_error_ = 0;  // first failing bind, reported by step()
};

class Database {
 public:
  // Opens (creating if needed) and applies the connection settings above.
  static Result<std::unique_ptr<Database>> open(const std::string& path);
  // A second, read-only connection (query_only) to a database this process already has
  // open: no file of it is opened or closed outside SQLite, so the first connection's
  // POSIX locks stay intact (closing any descriptor of a file drops the process's locks on
  // it), and no PRAGMA changes anything.
  static Result<std::unique_ptr<Database>> openReader(const std::string& path);
  ~Database();  // every Statement must be gone by then
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Result<Statement> prepare(std::string_view sql);
  // For schema and pragmas only: statements without parameters.
  Status exec(std::string_view sql);
  // One statement without parameters, prepared once per connection and kept: for
  // BEGIN and COMMIT, which run on every request (sqlite3_exec parses them each time).
  Status execOne(std::string_view sql);

  // Copies the WAL into the database file and truncates the WAL to zero bytes,
  // so deleted rows survive in neither. A reader in another connection can
  // block it; it retries for at most `max_wait`, then fails with kBusy.
  Status checkpointTruncate(std::chrono::milliseconds max_wait = std::chrono::seconds(1));

  std::int64_t changes() const;
  std::int64_t lastInsertId() const;
  sqlite3* handle() { return db_.get(); }

 private:
  struct Close {
    void operator()(sqlite3* db) const;
  };
  explicit Database(sqlite3* db);
  Status checkpointOnce();
  std::unique_ptr<sqlite3, Close> db_;
  std::unique_ptr<StatementCache> cache_;  // finalized before db_ closes
};

// BEGIN IMMEDIATE on construction; rolls back on destruction unless committed.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  Status commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

// The adapter: turns an SQLite result code into an Error.
Error sqliteError(sqlite3* db, int rc, std::string_view what);

}  // namespace storage
