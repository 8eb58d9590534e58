// A fresh vault (its database in a directory initialize() creates) with helpers
// for recordings and their objects: the fixture of the vault's own tests
// (vault_test.cpp) and of its deletion tests (vault_deletion_test.cpp).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>

#include "storage/vault.h"
#include "tests/storage/test_util.h"

namespace storage::testing {

// Descriptors this process holds on `path` (open, or open after the file was removed).
inline int descriptorsOf(const std::string& path) {
  int found = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ignored;
    const std::string target = std::filesystem::read_symlink(entry.path(), ignored).string();
    if (target == path || target == path + " (deleted)") ++found;
  }
  return found;
}

class VaultObjectsFixture : public ::testing::Test {
 protected:
  VaultObjectsFixture() {
    paths_ = {dir_.file("data"), dir_.file("db/lessonvault.db"), dir_.file("keys")};
    auto init = Vault::initialize(paths_);
    EXPECT_TRUE(init) << init.error().toString();
    reopen();
  }

  void reopen() {
    vault_.reset();
    auto vault = Vault::open(paths_);
    ASSERT_TRUE(vault) << vault.error().toString();
    vault_ = std::move(*vault);
  }

  Id newRecording() {
    auto id = vault_->createRecording(
        {acl::Purpose::kTeacherTraining, *acl::parseDate("2027-06-30")}, 1000, "p1");
    EXPECT_TRUE(id) << id.error().toString();
    return *id;
  }

  Id storeObject(const Id& recording, const std::vector<std::uint8_t>& plain) {
    auto object = vault_->startObject(recording);
    EXPECT_TRUE(object) << object.error().toString();
    EXPECT_TRUE(object->writer->append(plain));
    auto size = object->writer->finish();
    EXPECT_TRUE(size);
    EXPECT_TRUE(vault_->addObject(recording, object->id, ObjectKind::kMedia, *size, 1001));
    return object->id;
  }

  std::vector<std::uint8_t> readObject(const Id& object) {
    auto reader = vault_->openObject(object);
    EXPECT_TRUE(reader) << reader.error().toString();
    if (!reader) return {};
    std::vector<std::uint8_t> out((*reader)->size());
    EXPECT_TRUE((*reader)->read(0, out));
    return out;
  }

  std::vector<std::uint8_t> wrappedKeyOf(const Id& recording) {
    auto select =
        vault_->database().prepare("SELECT wrapped FROM data_keys WHERE recording_id = ?1");
    select->bind(1, recording.hex());
    EXPECT_TRUE(*select->step());
    return select->columnBlob(0);
  }

  // Every byte of the database, its WAL and its shared-memory index.
  std::vector<std::uint8_t> databaseBytes() {
    std::vector<std::uint8_t> all;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      const std::string path = paths_.database + suffix;
      if (!std::filesystem::exists(path)) continue;
      auto bytes = readFile(path);
      all.insert(all.end(), bytes.begin(), bytes.end());
    }
    return all;
  }

  TempDir dir_;
  VaultPaths paths_;
  std::unique_ptr<Vault> vault_;
};

}  // namespace storage::testing
