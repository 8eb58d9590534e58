// Master key files and the wrapping of data keys.
#include "storage/keys.h"

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tests/storage/test_util.h"

namespace storage {
namespace {

using testing::keyFromByte;

class KeysTest : public ::testing::Test {
 protected:
  KeysTest() { ::chmod(dir_.path().c_str(), 0700); }
  testing::TempDir dir_;
};

TEST_F(KeysTest, GeneratedKeysLoadWithPrivatePermissions) {
  auto first = KeyRing::generate(dir_.path());
  auto second = KeyRing::generate(dir_.path());
  ASSERT_TRUE(first && second);
  const auto path = dir_.file(first->hex() + ".key");
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto ring = KeyRing::load(dir_.path());
  ASSERT_TRUE(ring) << ring.error().toString();
  EXPECT_EQ(ring->ids().size(), 2u);
  ASSERT_NE(ring->find(*first), nullptr);
  EXPECT_FALSE(constantTimeEqual(ring->find(*first)->bytes(), ring->find(*second)->bytes()));
}

TEST_F(KeysTest, AKeyFileReadableByOthersIsRefused) {
  for (mode_t mode : {0640, 0604, 0660, 0700}) {
    SCOPED_TRACE(mode);
    auto id = KeyRing::generate(dir_.path());
    ASSERT_TRUE(id);
    const auto path = dir_.file(id->hex() + ".key");
    ::chmod(path.c_str(), mode);
    auto ring = KeyRing::load(dir_.path());
    if (mode == 0700) {  // owner-only, even if executable, is private
      EXPECT_TRUE(ring);
      continue;
    }
    ASSERT_FALSE(ring);
    EXPECT_EQ(ring.error().code, ErrorCode::kKeyFile);
    EXPECT_NE(ring.error().message.find("chmod 600"), std::string::npos) << ring.error().message;
    EXPECT_NE(ring.error().message.find(id->hex()), std::string::npos);
    std::filesystem::remove(path);
  }
}

TEST_F(KeysTest, AGroupWritableKeyDirectoryIsRefused) {
  ASSERT_TRUE(KeyRing::generate(dir_.path()));
  ::chmod(dir_.path().c_str(), 0770);
  auto ring = KeyRing::load(dir_.path());
  ASSERT_FALSE(ring);
  EXPECT_NE(ring.error().message.find("chmod 700"), std::string::npos);
}

TEST_F(KeysTest, MalformedAndSymlinkedKeyFilesAreRefused) {
  const std::string name = std::string(32, 'a') + ".key";
  {
    std::ofstream out(dir_.file(name));
    out << "lessonvault-master-key v1 " << std::string(32, 'a') << " nothex\n";
  }
  ::chmod(dir_.file(name).c_str(), 0600);
  auto ring = KeyRing::load(dir_.path());
  ASSERT_FALSE(ring);
  EXPECT_NE(ring.error().message.find("malformed"), std::string::npos);
  std::filesystem::remove(dir_.file(name));

  auto id = KeyRing::generate(dir_.path());
  testing::TempDir elsewhere;
  std::filesystem::rename(dir_.file(id->hex() + ".key"), elsewhere.file("k"));
  std::filesystem::create_symlink(elsewhere.file("k"), dir_.file(id->hex() + ".key"));
  ring = KeyRing::load(dir_.path());
  ASSERT_FALSE(ring);
  EXPECT_EQ(ring.error().code, ErrorCode::kKeyFile);
}

TEST_F(KeysTest, WrappedKeysOpenOnlyForTheirRecordingAndMasterKey) {
  auto master = KeyRing::generate(dir_.path());
  auto other_master = KeyRing::generate(dir_.path());
  auto ring = KeyRing::load(dir_.path());
  ASSERT_TRUE(master && other_master && ring);
  const Id recording = *Id::random();
  const Id other_recording = *Id::random();
  const SecretKey data_key = keyFromByte(50);

  auto wrapped = wrapDataKey(data_key, recording, *master, *ring->find(*master));
  ASSERT_TRUE(wrapped);
  auto opened = unwrapDataKey(*wrapped, recording, *ring);
  ASSERT_TRUE(opened);
  EXPECT_TRUE(constantTimeEqual(opened->bytes(), data_key.bytes()));

  // Moved to another recording's row.
  auto moved = unwrapDataKey(*wrapped, other_recording, *ring);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, ErrorCode::kKeyUnwrap);
  // Relabelled as wrapped under another master key.
  auto relabelled = unwrapDataKey(WrappedKey{*other_master, wrapped->blob}, recording, *ring);
  ASSERT_FALSE(relabelled);
  EXPECT_EQ(relabelled.error().code, ErrorCode::kKeyUnwrap);
  // Altered.
  auto altered = *wrapped;
  altered.blob[20] ^= 1;
  EXPECT_FALSE(unwrapDataKey(altered, recording, *ring));
  // Its master key is gone.
  ASSERT_TRUE(KeyRing::removeKeyFile(dir_.path(), *master));
  auto smaller = KeyRing::load(dir_.path());
  auto missing = unwrapDataKey(*wrapped, recording, *smaller);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kKeyFile);
}

TEST_F(KeysTest, AKeyFileOwnedBySomeoneElseIsRefused) {
  auto id = KeyRing::generate(dir_.path());
  ASSERT_TRUE(id);
  const auto path = dir_.file(id->hex() + ".key");
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the file away";
  ASSERT_EQ(::chown(path.c_str(), 65534, 65534), 0);
  auto ring = KeyRing::load(dir_.path());
  ASSERT_FALSE(ring);
  EXPECT_NE(ring.error().message.find("owned by uid 65534"), std::string::npos)
      << ring.error().message;
}

}  // namespace
}  // namespace storage
