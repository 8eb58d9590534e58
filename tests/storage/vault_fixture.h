// A fresh, initialised vault in a temporary directory, for the storage tests
// that work on people and recordings; with the few helpers they share.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "storage/roster.h"
#include "storage/vault.h"
#include "tests/storage/test_util.h"

namespace storage::testing {

class VaultFixture : public ::testing::Test {
 protected:
  VaultFixture() {
    paths_ = {dir_.file("data"), dir_.file("lv.db"), dir_.file("keys")};
    EXPECT_TRUE(Vault::initialize(paths_));
    auto vault = Vault::open(paths_);
    EXPECT_TRUE(vault) << vault.error().toString();
    if (vault) vault_ = std::move(*vault);
  }

  // Imports a roster CSV that must be valid; people get row ids 1, 2, ... in file order.
  void importPeople(std::string_view csv, acl::Date today) {
    auto parsed = parseRoster(csv, today);
    ASSERT_TRUE(parsed.problems.empty()) << parsed.problems.front().toString();
    auto imported = importRoster(*vault_, parsed.entries, today, 1, "cli:uid0");
    ASSERT_TRUE(imported && imported->problems.empty());
  }

  // The newest audit entry as "actor action object outcome reason".
  std::string lastAudit() {
    std::string entry;
    EXPECT_TRUE(vault_->read([&](Database& db) -> Status {
      auto s = db.prepare(
          "SELECT actor || ' ' || action || ' ' || object || ' ' || outcome || ' ' || reason "
          "FROM audit ORDER BY seq DESC LIMIT 1");
      if (!s) return std::unexpected(s.error());
      LV_TRY(s->step());
      entry = s->columnText(0);
      return {};
    }));
    return entry;
  }

  // The first column of the first row of `sql`.
  std::int64_t count(const std::string& sql) {
    std::int64_t n = -1;
    EXPECT_TRUE(vault_->read([&](Database& db) -> Status {
      auto s = db.prepare(sql);
      if (!s) return std::unexpected(s.error());
      LV_TRY(s->step());
      n = s->columnInt(0);
      return {};
    }));
    return n;
  }

  TempDir dir_;
  VaultPaths paths_;
  std::unique_ptr<Vault> vault_;
};

}  // namespace storage::testing
