// storage/accounts.h, the second factor: the TOTP secret (sealed under the
// service key "accounts_key") and the single-use recovery codes.
#include "storage/accounts.h"

namespace storage {
namespace {

constexpr std::string_view kAccountsKey = "accounts_key";
constexpr std::string_view kTotpLabel = "lessonvault totp v1";

std::vector<std::uint8_t> totpAssociated(std::string_view account) {
  const std::string text = std::string(kTotpLabel) + std::string(account);
  return std::vector<std::uint8_t>(text.begin(), text.end());
}

// nonce || ciphertext || tag
Result<std::vector<std::uint8_t>> sealTotp(Vault& vault, std::string_view account, Bytes secret) {
  auto key = vault.serviceKey(kAccountsKey);
  if (!key) return std::unexpected(key.error());
  auto aead = AesGcm::create(*key);
  if (!aead) return std::unexpected(aead.error());
  std::vector<std::uint8_t> blob(kGcmNonceSize + secret.size() + kGcmTagSize);
  MutableBytes out(blob);
  LV_TRY(randomBytes(out.first(kGcmNonceSize)));
  LV_TRY(aead->seal(out.first(kGcmNonceSize), totpAssociated(account), secret,
                    out.subspan(kGcmNonceSize, secret.size()),
                    out.subspan(kGcmNonceSize + secret.size())));
  return blob;
}

Result<WipedBytes> openTotp(Vault& vault, std::string_view account,
                            const std::vector<std::uint8_t>& blob) {
  if (blob.size() < kGcmNonceSize + kGcmTagSize) {
    return fail(ErrorCode::kDatabase, "malformed TOTP secret of account " + std::string(account));
  }
  auto key = vault.serviceKey(kAccountsKey);
  if (!key) return std::unexpected(key.error());
  auto aead = AesGcm::create(*key);
  if (!aead) return std::unexpected(aead.error());
  const std::size_t size = blob.size() - kGcmNonceSize - kGcmTagSize;
  std::vector<std::uint8_t> secret(size);
  Bytes in(blob);
  if (!aead->open(in.first(kGcmNonceSize), totpAssociated(account), in.subspan(kGcmNonceSize, size),
                  in.subspan(kGcmNonceSize + size), secret)) {
    return fail(ErrorCode::kKeyUnwrap,
                "the TOTP secret of account " + std::string(account) + " does not open");
  }
  return WipedBytes(std::move(secret));
}

}  // namespace

Status setPendingTotp(Vault& vault, std::string_view account, Bytes secret, std::int64_t now,
                      const std::string& actor) {
  auto blob = sealTotp(vault, account, secret);
  if (!blob) return std::unexpected(blob.error());
  return vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    auto update = db.prepare("UPDATE accounts SET totp_pending = ?2 WHERE id = ?1");
    if (!update) return std::unexpected(update.error());
    LV_TRY(update->bind(1, account).bindBlob(2, *blob).run());
    if (db.changes() == 0) return fail(ErrorCode::kNotFound, "no account " + std::string(account));
    return audit({now, actor, "start_totp_enrolment", std::string(account), "done", ""});
  });
}

Result<std::optional<WipedBytes>> totpSecret(Vault& vault, std::string_view account,
                                             bool pending) {
  std::optional<std::vector<std::uint8_t>> blob;
  if (auto done = vault.read([&](Database& db) -> Status {
    auto select = db.prepare(pending ? "SELECT totp_pending FROM accounts WHERE id = ?1"
                                     : "SELECT totp_secret FROM accounts WHERE id = ?1");
    if (!select) return std::unexpected(select.error());
    auto row = select->bind(1, account).step();
    if (!row) return std::unexpected(row.error());
    if (*row && !select->columnIsNull(0)) blob = select->columnBlob(0);
    return {};
  }); !done) {
    return std::unexpected(done.error());
  }
  if (!blob) return std::nullopt;
  auto secret = openTotp(vault, account, *blob);
  if (!secret) return std::unexpected(secret.error());
  return std::optional<WipedBytes>(std::move(*secret));
}

Status confirmTotp(Vault& vault, std::string_view account, std::int64_t step,
                   const std::vector<TokenHash>& recovery_hashes, std::int64_t now,
                   const std::string& actor) {
  return vault.transact([&](Database& db, const Vault::Auditor& audit) -> Status {
    auto update = db.prepare(
        "UPDATE accounts SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = ?2 "
        "WHERE id = ?1 AND totp_pending IS NOT NULL");
    if (!update) return std::unexpected(update.error());
    LV_TRY(update->bind(1, account).bind(2, step).run());
    if (db.changes() == 0) {
      return fail(ErrorCode::kNotFound, "no TOTP enrolment pending for this account");
    }
    auto clear = db.prepare("DELETE FROM recovery_codes WHERE account_id = ?1");
    if (!clear) return std::unexpected(clear.error());
    LV_TRY(clear->bind(1, account).run());
    auto insert = db.prepare("INSERT INTO recovery_codes (account_id, code_hash) VALUES (?1, ?2)");
    if (!insert) return std::unexpected(insert.error());
    for (const TokenHash& hash : recovery_hashes) {
      LV_TRY(insert->bind(1, account).bindBlob(2, hash).run());
    }
    return audit({now, actor, "enrol_totp", std::string(account), "done", ""});
  });
}

Result<bool> claimTotpStep(Vault& vault, std::string_view account, std::int64_t step) {
  bool claimed = false;
  if (auto done = vault.transact([&](Database& db, const Vault::Auditor&) -> Status {
    // One statement: two logins racing with the same code cannot both win.
    auto update = db.prepare(
        "UPDATE accounts SET totp_last_step = ?2 WHERE id = ?1 AND totp_last_step < ?2");
    if (!update) return std::unexpected(update.error());
    LV_TRY(update->bind(1, account).bind(2, step).run());
    claimed = db.changes() == 1;
    return {};
  }); !done) {
    return std::unexpected(done.error());
  }
  return claimed;
}

Result<bool> useRecoveryCode(Vault& vault, std::string_view account, const TokenHash& code_hash) {
  bool used = false;
  if (auto done = vault.transact([&](Database& db, const Vault::Auditor&) -> Status {
    auto remove = db.prepare("DELETE FROM recovery_codes WHERE account_id = ?1 AND code_hash = ?2");
    if (!remove) return std::unexpected(remove.error());
    LV_TRY(remove->bind(1, account).bindBlob(2, code_hash).run());
    used = db.changes() == 1;
    return {};
  }); !done) {
    return std::unexpected(done.error());
  }
  return used;
}

Result<int> recoveryCodesLeft(Vault& vault, std::string_view account) {
  int left = 0;
  if (auto done = vault.read([&](Database& db) -> Status {
    auto select = db.prepare("SELECT count(*) FROM recovery_codes WHERE account_id = ?1");
    if (!select) return std::unexpected(select.error());
    LV_TRY(select->bind(1, account).step());
    left = static_cast<int>(select->columnInt(0));
    return {};
  }); !done) {
    return std::unexpected(done.error());
  }
  return left;
}

}  // namespace storage
