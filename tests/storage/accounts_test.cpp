// Accounts and sessions in storage: constraints, audit entries without names,
// sessions by token hash, lockout backoff, the TOTP secret encrypted at rest.
#include "storage/accounts.h"

#include <gtest/gtest.h>

#include "tests/storage/vault_fixture.h"

namespace storage {
namespace {

constexpr std::string_view kRoster =
    "external_id,display_name,role,birth_date,guardian_of,left_on\n"
    "t1,Anna de Wit,staff,,,\n"
    "a1,Bram Beheer,admin,,,\n";
constexpr std::string_view kHash = "$scrypt$ln=10,r=8,p=1$00$00";

TokenHash hashOf(std::uint8_t b) {
  TokenHash h{};
  h.fill(b);
  return h;
}

class AccountsTest : public testing::VaultFixture {
 protected:
  AccountsTest() { importPeople(kRoster, *acl::parseDate("2025-01-10")); }
};

TEST_F(AccountsTest, CreateFindAndRefuseDuplicates) {
  auto account = createAccount(*vault_, 1, "anna", kHash, true, 100, "cli:uid0");
  ASSERT_TRUE(account) << account.error().toString();
  EXPECT_EQ(account->id.size(), 32u);
  EXPECT_EQ(account->display_name, "Anna de Wit");
  EXPECT_TRUE(account->must_change_password);
  EXPECT_EQ(account->language, "nl");
  EXPECT_EQ(lastAudit(), "cli:uid0 create_account " + account->id + " done ");

  auto by_name = findAccountByUsername(*vault_, "anna");
  ASSERT_TRUE(by_name && *by_name);
  EXPECT_EQ((*by_name)->id, account->id);
  EXPECT_FALSE(findAccountByUsername(*vault_, "nobody")->has_value());

  auto taken = createAccount(*vault_, 2, "anna", kHash, true, 100, "cli:uid0");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code, ErrorCode::kConstraint);
  EXPECT_NE(taken.error().message.find("username is taken"), std::string::npos);
  auto second = createAccount(*vault_, 1, "anna2", kHash, true, 100, "cli:uid0");
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("already has an account"), std::string::npos);
  auto nobody = createAccount(*vault_, 99, "ghost", kHash, true, 100, "cli:uid0");
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().code, ErrorCode::kNotFound);
  for (const char* bad : {"An", "UPPER", "-dash", "with space", "x/../y", ""}) {
    SCOPED_TRACE(bad);
    auto refused = createAccount(*vault_, 2, bad, kHash, true, 100, "cli:uid0");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(count("SELECT count(*) FROM accounts"), 1);
}

TEST_F(AccountsTest, AdminExistsOnlyForAnActiveAdminAccount) {
  EXPECT_FALSE(*activeAdminExists(*vault_));
  ASSERT_TRUE(createAccount(*vault_, 1, "anna", kHash, false, 1, "system"));
  EXPECT_FALSE(*activeAdminExists(*vault_)) << "anna is staff";
  auto admin = createAccount(*vault_, 2, "bram", kHash, false, 1, "system");
  ASSERT_TRUE(admin);
  EXPECT_TRUE(*activeAdminExists(*vault_));
  ASSERT_TRUE(deactivateAccount(*vault_, admin->id, 2, "cli:uid0"));
  EXPECT_FALSE(*activeAdminExists(*vault_));
}

TEST_F(AccountsTest, SessionsAreFoundByHashAndEndedByPasswordChanges) {
  auto account = *createAccount(*vault_, 1, "anna", kHash, false, 1, "system");
  std::string csrf(64, 'a');
  ASSERT_TRUE(startSession(*vault_, account, hashOf(1), csrf, 10, 0, 0, ""));
  EXPECT_EQ(lastAudit(), "1 login " + account.id + " done ");
  ASSERT_TRUE(startSession(*vault_, account, hashOf(2), csrf, 11, 0, 0, "totp"));
  auto found = findSession(*vault_, hashOf(1));
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->account.id, account.id);
  EXPECT_EQ((*found)->created_at, 10);
  EXPECT_EQ((*found)->csrf_token, csrf);
  EXPECT_FALSE(findSession(*vault_, hashOf(3))->has_value());

  ASSERT_TRUE(touchSession(*vault_, hashOf(1), 50));
  EXPECT_EQ((*findSession(*vault_, hashOf(1)))->last_seen, 50);

  ASSERT_TRUE(setPassword(*vault_, account.id, "$scrypt$new", false, hashOf(2), 60, "1",
                          "change_password"));
  EXPECT_FALSE(*findSession(*vault_, hashOf(1))) << "other sessions end";
  EXPECT_TRUE(*findSession(*vault_, hashOf(2))) << "the changing session stays";
  EXPECT_EQ((*findAccount(*vault_, account.id))->password_hash, "$scrypt$new");

  ASSERT_TRUE(endSession(*vault_, hashOf(2), 70, "1", "logout"));
  EXPECT_FALSE(*findSession(*vault_, hashOf(2)));
  EXPECT_EQ(lastAudit(), "1 logout " + account.id + " done ");
  EXPECT_EQ(count("SELECT count(*) FROM sessions"), 0);
  // The raw token is never in the database: only 32-byte hashes are.
  EXPECT_EQ(count("SELECT count(*) FROM sessions WHERE length(token_hash) <> 32"), 0);
}

TEST_F(AccountsTest, StartingASessionRemovesTheAccountsExpiredOnes) {
  auto account = *createAccount(*vault_, 1, "anna", kHash, false, 1, "system");
  const std::string csrf(64, 'b');
  ASSERT_TRUE(startSession(*vault_, account, hashOf(1), csrf, 100, 0, 0, ""));
  ASSERT_TRUE(startSession(*vault_, account, hashOf(2), csrf, 500, 0, 0, ""));
  // Idle before 200: session 1 (last seen 100) is over, session 2 is not.
  ASSERT_TRUE(startSession(*vault_, account, hashOf(3), csrf, 600, 200, 0, ""));
  EXPECT_FALSE(*findSession(*vault_, hashOf(1)));
  EXPECT_TRUE(*findSession(*vault_, hashOf(2)));
}

TEST_F(AccountsTest, FailuresLockWithDoublingBackoffAndSuccessResets) {
  auto account = *createAccount(*vault_, 1, "anna", kHash, false, 1, "system");
  const LockoutPolicy policy{3, 100, 250};
  EXPECT_EQ(*recordLoginFailure(*vault_, account.id, policy, 1000, "bad_password"), 0);
  EXPECT_EQ(*recordLoginFailure(*vault_, account.id, policy, 1001, "bad_password"), 0);
  EXPECT_EQ(lastAudit(), "system login " + account.id + " denied bad_password");
  EXPECT_EQ(*recordLoginFailure(*vault_, account.id, policy, 1002, "bad_password"), 1102);
  EXPECT_EQ(lastAudit(), "system login " + account.id + " denied bad_password_locked");
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(recordLoginFailure(*vault_, account.id, policy, 1200, "x"));
  EXPECT_EQ(*recordLoginFailure(*vault_, account.id, policy, 1200, "x"), 1400) << "doubled";
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(recordLoginFailure(*vault_, account.id, policy, 1500, "x"));
  EXPECT_EQ(*recordLoginFailure(*vault_, account.id, policy, 1500, "x"), 1750) << "capped";
  EXPECT_EQ((*findAccount(*vault_, account.id))->locked_until, 1750);

  ASSERT_TRUE(unlockAccount(*vault_, account.id, 1600, "cli:uid0"));
  auto unlocked = *findAccount(*vault_, account.id);
  EXPECT_EQ(unlocked->locked_until, 0);
  EXPECT_EQ(unlocked->lockouts, 0);
  EXPECT_EQ(unlocked->failed_logins, 0);
  ASSERT_TRUE(recordLoginFailure(*vault_, account.id, policy, 1700, "x"));
  ASSERT_TRUE(startSession(*vault_, account, hashOf(1), std::string(64, 'c'), 1701, 0, 0, ""));
  EXPECT_EQ((*findAccount(*vault_, account.id))->failed_logins, 0);
}

TEST_F(AccountsTest, TotpSecretIsEncryptedAndStepsAreSingleUse) {
  auto account = *createAccount(*vault_, 1, "anna", kHash, false, 1, "system");
  const std::vector<std::uint8_t> secret = {'1', '2', '3', '4', '5', '6', '7', '8', '9', '0',
                                            '1', '2', '3', '4', '5', '6', '7', '8', '9', '0'};
  EXPECT_FALSE(*totpSecret(*vault_, account.id, true));
  ASSERT_TRUE(setPendingTotp(*vault_, account.id, secret, 5, "1"));
  auto pending = totpSecret(*vault_, account.id, true);
  ASSERT_TRUE(pending && *pending) << (pending ? "" : pending.error().toString());
  EXPECT_TRUE(std::ranges::equal((*pending)->bytes(), secret));
  EXPECT_FALSE((*findAccount(*vault_, account.id))->totp_enrolled);
  // At rest the secret is not there in clear.
  EXPECT_EQ(count("SELECT count(*) FROM accounts WHERE instr(totp_pending, "
                  "CAST('1234567890' AS BLOB)) > 0"),
            0);

  ASSERT_TRUE(confirmTotp(*vault_, account.id, 40, {hashOf(7), hashOf(8)}, 6, "1"));
  auto enrolled = *findAccount(*vault_, account.id);
  EXPECT_TRUE(enrolled->totp_enrolled);
  EXPECT_EQ(enrolled->totp_last_step, 40);
  EXPECT_TRUE(std::ranges::equal((**totpSecret(*vault_, account.id, false)).bytes(), secret));
  EXPECT_FALSE(*totpSecret(*vault_, account.id, true));
  EXPECT_EQ(confirmTotp(*vault_, account.id, 41, {}, 7, "1").error().code, ErrorCode::kNotFound);

  EXPECT_FALSE(*claimTotpStep(*vault_, account.id, 40)) << "a step already used";
  EXPECT_TRUE(*claimTotpStep(*vault_, account.id, 41));
  EXPECT_FALSE(*claimTotpStep(*vault_, account.id, 41));

  EXPECT_EQ(*recoveryCodesLeft(*vault_, account.id), 2);
  EXPECT_TRUE(*useRecoveryCode(*vault_, account.id, hashOf(7)));
  EXPECT_FALSE(*useRecoveryCode(*vault_, account.id, hashOf(7))) << "single use";
  EXPECT_FALSE(*useRecoveryCode(*vault_, account.id, hashOf(9)));
  EXPECT_EQ(*recoveryCodesLeft(*vault_, account.id), 1);

  // A blob moved to another account does not open there.
  auto other = *createAccount(*vault_, 2, "bram", kHash, false, 1, "system");
  ASSERT_TRUE(vault_->database().exec(
      "UPDATE accounts SET totp_secret = (SELECT totp_secret FROM accounts WHERE username = "
      "'anna') WHERE username = 'bram'"));
  auto moved = totpSecret(*vault_, other.id, false);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, ErrorCode::kKeyUnwrap);
}

TEST_F(AccountsTest, TheAccountsKeySurvivesMasterKeyRotation) {
  auto account = *createAccount(*vault_, 1, "anna", kHash, false, 1, "system");
  const std::vector<std::uint8_t> secret(20, 0x42);
  ASSERT_TRUE(setPendingTotp(*vault_, account.id, secret, 5, "1"));
  auto old_key = vault_->activeMasterKey();
  auto rotated = vault_->rotateMasterKey(10, "cli:uid0");
  ASSERT_TRUE(rotated) << rotated.error().toString();
  EXPECT_EQ(count("SELECT count(*) FROM secrets WHERE master_key_id = '" + old_key->hex() + "'"),
            0);
  ASSERT_TRUE(vault_->retireMasterKey(*old_key, 11, "cli:uid0"));
  auto reopened = totpSecret(*vault_, account.id, true);
  ASSERT_TRUE(reopened && *reopened);
  EXPECT_TRUE(std::ranges::equal((*reopened)->bytes(), secret));
}

TEST_F(AccountsTest, APurgedPersonTakesTheAccountAndSessionsAlong) {
  auto account = *createAccount(*vault_, 1, "anna", kHash, false, 1, "system");
  ASSERT_TRUE(startSession(*vault_, account, hashOf(1), std::string(64, 'd'), 10, 0, 0, ""));
  ASSERT_TRUE(vault_->database().exec("DELETE FROM people WHERE id = 1"));
  EXPECT_EQ(count("SELECT count(*) FROM accounts"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM sessions"), 0);
}

}  // namespace
}  // namespace storage
