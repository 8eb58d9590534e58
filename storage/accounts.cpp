// storage/accounts.h: accounts, login bookkeeping and sessions (the second factor is in
// account_totp.cpp).
#include "storage/accounts.h"

#include <algorithm>

namespace storage {
namespace {

constexpr std::string_view kAccountColumnList =
    "SELECT a.id, a.person_id, a.username, p.display_name, a.password_hash, "
    "a.must_change_password, a.active, a.language, a.totp_secret IS NOT NULL, a.totp_last_step, "
    "a.failed_logins, a.lockouts, a.locked_until, a.created_at, "
    "(SELECT group_concat(role, '|') FROM person_roles WHERE person_id = a.person_id)";
constexpr std::string_view kAccountFrom = " FROM accounts a JOIN people p ON p.id = a.person_id ";
const std::string kSelectAccount = std::string(kAccountColumnList) + std::string(kAccountFrom);
// Built once: every request looks its session up.
const std::string kSelectSession =
    std::string(kAccountColumnList) + ", s.created_at, s.last_seen, s.csrf_token" +
    std::string(kAccountFrom) + "JOIN sessions s ON s.account_id = a.id WHERE s.token_hash = ?1";
constexpr int kAccountColumns = 15;

Account accountFrom(const Statement& s, int first = 0) {
  Account a;
  a.id = s.columnText(first + 0);
  a.person = s.columnInt(first + 1);
  a.username = s.columnText(first + 2);
  a.display_name = s.columnText(first + 3);
  a.password_hash = s.columnText(first + 4);
  a.must_change_password = s.columnInt(first + 5) != 0;
  a.active = s.columnInt(first + 6) != 0;
  a.language = s.columnText(first + 7);
  a.totp_enrolled = s.columnInt(first + 8) != 0;
  a.totp_last_step = s.columnInt(first + 9);
  a.failed_logins = static_cast<int>(s.columnInt(first + 10));
  a.lockouts = static_cast<int>(s.columnInt(first + 11));
  a.locked_until = s.columnInt(first + 12);
  a.created_at = s.columnInt(first + 13);
  if (!s.columnIsNull(first + 14)) {
    const std::string roles = s.columnText(first + 14);
    for (std::size_t start = 0; start <= roles.size();) {
      const std::size_t bar = std::min(roles.find('|', start), roles.size());
      if (auto role = acl::parseRole(std::string_view(roles).substr(start, bar - start))) {
        a.roles.push_back(*role);
      }
      start = bar + 1;
    }
  }
  return a;
}

// One account selected by `where` (a clause with one parameter ?1).
template <typename Value>
Result<std::optional<Account>> findOne(Vault& vault, std::string_view where, const Value& value) {
  std::optional<Account> found;
  if (auto done = vault.read([&](Database& db) -> Status {
    auto select = db.prepare(kSelectAccount + std::string(where));
    if (!select) return std::unexpected(select.error());
    select->bind(1, value);
    auto row = select->step();
    if (!row) return std::unexpected(row.error());
    if (*row) found = accountFrom(*select);
    return {};
  }); !done) {
    return std::unexpected(done.error());
  }
  return found;
}

// Runs one UPDATE/DELETE with the account id as ?1 and `more` binding the
// rest; kNotFound when no row changed.
Status changeAccount(Database& db, std::string_view sql, std::string_view account,
                     const std::function<void(Statement&)>& more = {}) {
  auto update = db.prepare(sql);
  if (!update) return std::unexpected(update.error());
  update->bind(1, account);
  if (more) more(*update);
  LV_TRY(update->run());
  if (db.changes() == 0) return fail(ErrorCode::kNotFound, "no account " + std::string(account));
  return {};
}

Status deleteSessions(Database& db, std::string_view account,
                      const std::optional<TokenHash>& keep) {
  auto remove = db.prepare(
      "DELETE FROM sessions WHERE account_id = ?1 AND (?2 IS NULL OR token_hash <> ?2)");
  if (!remove) return std::unexpected(remove.error());
  remove->bind(1, account);
  if (keep) {
    remove->bindBlob(2, *keep);
  } else {
    remove->bindNull(2);
  }
  return remove->run();
}

}  // namespace

bool isValidUsername(std::string_view username) {
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  };
  return username.size() >= 3 && username.size() <= 64 && std::ranges::all_of(username, allowed) &&
         username.front() != '.' && username.front() != '_' && username.front() != '-';
}

Result<Account> createAccount(Vault& vault, acl::PersonId person, std::string_view username,
                              std::string_view password_hash, bool must_change_password,
                              std::int64_t now, const std::string& actor) {
  if (!isValidUsername(username)) {
    return fail(ErrorCode::kInvalidArgument,
                "a username is 3 to 64 of a-z, 0-9, '.', '_' and '-', starting with a letter or "
                "digit");
  }
  auto id = Id::random();
  if (!id) return std::unexpected(id.error());
  if (auto done = vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    auto exists = db.prepare(
        "SELECT (SELECT count(*) FROM people WHERE id = ?1), "
        "(SELECT count(*) FROM accounts WHERE person_id = ?1), "
        "(SELECT count(*) FROM accounts WHERE username = ?2)");
    if (!exists) return std::unexpected(exists.error());
    LV_TRY(exists->bind(1, person).bind(2, username).step());
    if (exists->columnInt(0) == 0) {
      return fail(ErrorCode::kNotFound, "no person " + std::to_string(person));
    }
    if (exists->columnInt(1) != 0) {
      return fail(ErrorCode::kConstraint,
                  "person " + std::to_string(person) + " already has an account");
    }
    if (exists->columnInt(2) != 0) {
      return fail(ErrorCode::kConstraint, "the username is taken");
    }
    exists->reset();
    auto insert = db.prepare(
        "INSERT INTO accounts (id, person_id, username, password_hash, must_change_password, "
        "active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)");
    if (!insert) return std::unexpected(insert.error());
    LV_TRY(insert->bind(1, id->hex())
               .bind(2, person)
               .bind(3, username)
               .bind(4, password_hash)
               .bind(5, must_change_password ? 1 : 0)
               .bind(6, now)
               .run());
    return audit({now, actor, "create_account", id->hex(), "done", ""});
  }); !done) {
    return std::unexpected(done.error());
  }
  auto account = findAccount(vault, id->hex());
  if (!account) return std::unexpected(account.error());
  if (!*account) return fail(ErrorCode::kDatabase, "the new account vanished");
  return std::move(**account);
}

Result<std::optional<Account>> findAccountByUsername(Vault& vault, std::string_view username) {
  return findOne(vault, "WHERE a.username = ?1", username);
}

Result<std::optional<Account>> findAccount(Vault& vault, std::string_view id) {
  return findOne(vault, "WHERE a.id = ?1", id);
}

Result<std::optional<Account>> findAccountOfPerson(Vault& vault, acl::PersonId person) {
  return findOne(vault, "WHERE a.person_id = ?1", person);
}

Result<std::vector<Account>> listAccounts(Vault& vault) {
  std::vector<Account> accounts;
  if (auto done = vault.read([&](Database& db) -> Status {
    auto select = db.prepare(kSelectAccount + "ORDER BY a.username");
    if (!select) return std::unexpected(select.error());
    return select->forEachRow([&](const Statement& s) -> Status {
      accounts.push_back(accountFrom(s));
      return {};
    });
  }); !done) {
    return std::unexpected(done.error());
  }
  return accounts;
}

Result<bool> activeAdminExists(Vault& vault) {
  bool exists = false;
  if (auto done = vault.read([&](Database& db) -> Status {
    auto select = db.prepare(
        "SELECT EXISTS (SELECT 1 FROM accounts a JOIN person_roles r ON r.person_id = a.person_id "
        "WHERE a.active = 1 AND r.role = 'admin')");
    if (!select) return std::unexpected(select.error());
    LV_TRY(select->step());
    exists = select->columnInt(0) != 0;
    return {};
  }); !done) {
    return std::unexpected(done.error());
  }
  return exists;
}

Status setPassword(Vault& vault, std::string_view account, std::string_view password_hash,
                   bool must_change_password, const std::optional<TokenHash>& keep,
                   std::int64_t now, const std::string& actor, std::string_view action) {
  return vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    LV_TRY(changeAccount(
        db, "UPDATE accounts SET password_hash = ?2, must_change_password = ?3 WHERE id = ?1",
        account, [&](Statement& s) {
          s.bind(2, password_hash).bind(3, must_change_password ? 1 : 0);
        }));
    LV_TRY(deleteSessions(db, account, keep));
    return audit({now, actor, std::string(action), std::string(account), "done", ""});
  });
}

Status unlockAccount(Vault& vault, std::string_view account, std::int64_t now,
                     const std::string& actor) {
  return vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    LV_TRY(changeAccount(
        db, "UPDATE accounts SET failed_logins = 0, lockouts = 0, locked_until = 0 WHERE id = ?1",
        account));
    return audit({now, actor, "unlock_account", std::string(account), "done", ""});
  });
}

Status deactivateAccount(Vault& vault, std::string_view account, std::int64_t now,
                         const std::string& actor) {
  return vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    LV_TRY(changeAccount(db, "UPDATE accounts SET active = 0 WHERE id = ?1", account));
    LV_TRY(deleteSessions(db, account, std::nullopt));
    return audit({now, actor, "deactivate_account", std::string(account), "done", ""});
  });
}

Result<std::int64_t> recordLoginFailure(Vault& vault, std::string_view account,
                                        const LockoutPolicy& policy, std::int64_t now,
                                        std::string_view reason) {
  std::int64_t locked_until = 0;
  if (auto done = vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    auto select = db.prepare("SELECT failed_logins, lockouts FROM accounts WHERE id = ?1");
    if (!select) return std::unexpected(select.error());
    auto row = select->bind(1, account).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(ErrorCode::kNotFound, "no account " + std::string(account));
    std::int64_t failures = select->columnInt(0) + 1;
    std::int64_t lockouts = select->columnInt(1);
    select->reset();
    if (failures >= policy.threshold) {
      // Backoff: each lockout in a row lasts twice as long as the one before.
      std::int64_t duration = policy.lockout_s;
      for (std::int64_t i = 0; i < lockouts && duration < policy.max_lockout_s; ++i) duration *= 2;
      locked_until = now + std::min(duration, policy.max_lockout_s);
      failures = 0;
      ++lockouts;
    }
    LV_TRY(changeAccount(db,
                         "UPDATE accounts SET failed_logins = ?2, lockouts = ?3, "
                         "locked_until = max(locked_until, ?4) WHERE id = ?1",
                         account, [&](Statement& s) {
                           s.bind(2, failures).bind(3, lockouts).bind(4, locked_until);
                         }));
    return audit({now, "system", "login", std::string(account), "denied",
                  locked_until != 0 ? std::string(reason) + "_locked" : std::string(reason)});
  }); !done) {
    return std::unexpected(done.error());
  }
  return locked_until;
}

Status startSession(Vault& vault, const Account& account, const TokenHash& token_hash,
                    std::string_view csrf_token, std::int64_t now, std::int64_t idle_before,
                    std::int64_t absolute_before, std::string_view reason) {
  return vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    LV_TRY(changeAccount(
        db, "UPDATE accounts SET failed_logins = 0, lockouts = 0, locked_until = 0 WHERE id = ?1",
        account.id));
    auto expired = db.prepare(
        "DELETE FROM sessions WHERE account_id = ?1 AND (last_seen < ?2 OR created_at < ?3)");
    if (!expired) return std::unexpected(expired.error());
    LV_TRY(expired->bind(1, account.id).bind(2, idle_before).bind(3, absolute_before).run());
    auto insert = db.prepare(
        "INSERT INTO sessions (token_hash, account_id, created_at, last_seen, csrf_token) "
        "VALUES (?1, ?2, ?3, ?3, ?4)");
    if (!insert) return std::unexpected(insert.error());
    LV_TRY(insert->bindBlob(1, token_hash).bind(2, account.id).bind(3, now).bind(4, csrf_token).run());
    return audit(
        {now, std::to_string(account.person), "login", account.id, "done", std::string(reason)});
  });
}

Result<std::optional<Session>> findSession(Vault& vault, const TokenHash& token_hash) {
  std::optional<Session> found;
  if (auto done = vault.read([&](Database& db) -> Status {
    auto select = db.prepare(kSelectSession);
    if (!select) return std::unexpected(select.error());
    auto row = select->bindBlob(1, token_hash).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};
    Session session;
    session.account = accountFrom(*select);
    session.created_at = select->columnInt(kAccountColumns);
    session.last_seen = select->columnInt(kAccountColumns + 1);
    session.csrf_token = select->columnText(kAccountColumns + 2);
    found = std::move(session);
    return {};
  }); !done) {
    return std::unexpected(done.error());
  }
  return found;
}

Status touchSession(Vault& vault, const TokenHash& token_hash, std::int64_t now) {
  return vault.transact([&](Database& db, const Vault::Auditor&) -> Status {
    auto update = db.prepare("UPDATE sessions SET last_seen = max(last_seen, ?2) WHERE token_hash = ?1");
    if (!update) return std::unexpected(update.error());
    return update->bindBlob(1, token_hash).bind(2, now).run();
  });
}

Status endSession(Vault& vault, const TokenHash& token_hash, std::int64_t now,
                  const std::string& actor, std::string_view action) {
  return vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    auto select = db.prepare("SELECT account_id FROM sessions WHERE token_hash = ?1");
    if (!select) return std::unexpected(select.error());
    auto row = select->bindBlob(1, token_hash).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return {};  // already gone: ending it again changes nothing
    const std::string account = select->columnText(0);
    select->reset();
    auto remove = db.prepare("DELETE FROM sessions WHERE token_hash = ?1");
    if (!remove) return std::unexpected(remove.error());
    LV_TRY(remove->bindBlob(1, token_hash).run());
    return audit({now, actor, std::string(action), account, "done", ""});
  });
}

Result<std::optional<acl::PersonId>> personByExternalId(Vault& vault,
                                                       std::string_view external_id) {
  std::optional<acl::PersonId> person;
  if (auto done = vault.read([&](Database& db) -> Status {
        auto select = db.prepare("SELECT id FROM people WHERE external_id = ?1");
        if (!select) return std::unexpected(select.error());
        auto row = select->bind(1, external_id).step();
        if (!row) return std::unexpected(row.error());
        if (*row) person = select->columnInt(0);
        return {};
      });
      !done) {
    return std::unexpected(done.error());
  }
  return person;
}

Status grantRole(Vault& vault, acl::PersonId person, acl::Role role, std::int64_t now,
                 const std::string& actor) {
  return vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    auto insert = db.prepare("INSERT OR IGNORE INTO person_roles (person_id, role) VALUES (?1, ?2)");
    if (!insert) return std::unexpected(insert.error());
    LV_TRY(insert->bind(1, person).bind(2, acl::roleName(role)).run());
    if (db.changes() == 0) return {};
    return audit({now, actor, "grant_role", std::to_string(person), "done",
                  std::string(acl::roleName(role))});
  });
}

}  // namespace storage
