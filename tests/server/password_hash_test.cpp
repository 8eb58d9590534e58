// scrypt through EVP_KDF against RFC 7914's vectors; the stored form; the
// bound on concurrent hashes; the dummy hash; the password policy.
#include "server/password_hash.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "storage/hex.h"

namespace server {
namespace {

std::string scryptHex(std::string_view password, std::string_view salt, std::uint64_t n,
                      std::uint32_t r, std::uint32_t p) {
  const std::vector<std::uint8_t> salt_bytes(salt.begin(), salt.end());
  return storage::toHex(scrypt(password, salt_bytes, n, r, p, 64));
}

TEST(ScryptTest, Rfc7914Vectors) {
  // RFC 7914 section 12, the first two vectors (the others need 1 GiB).
  EXPECT_EQ(scryptHex("", "", 16, 1, 1),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
            "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
  EXPECT_EQ(scryptHex("password", "NaCl", 1024, 8, 16),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

TEST(PasswordHasherTest, HashesAreSelfDescribingAndVerify) {
  PasswordHasher hasher({10, 8, 1}, 2);
  const std::string hash = hasher.hash("correct horse battery");
  EXPECT_TRUE(hash.starts_with("$scrypt$ln=10,r=8,p=1$")) << hash;
  EXPECT_EQ(hash.size(), std::string("$scrypt$ln=10,r=8,p=1$").size() + 32 + 1 + 64);
  EXPECT_TRUE(hasher.verify("correct horse battery", hash));
  EXPECT_FALSE(hasher.verify("correct horse batterY", hash));
  EXPECT_FALSE(hasher.verify("", hash));
  EXPECT_NE(hasher.hash("correct horse battery"), hash) << "a fresh salt each time";
}

TEST(PasswordHasherTest, AHashKeepsItsOwnParameters) {
  PasswordHasher cheap({10, 8, 1}, 1);
  PasswordHasher other({11, 4, 2}, 1);
  const std::string hash = other.hash("a password of some length");
  EXPECT_TRUE(hash.starts_with("$scrypt$ln=11,r=4,p=2$")) << hash;
  EXPECT_TRUE(cheap.verify("a password of some length", hash));
}

TEST(PasswordHasherTest, MalformedOrExcessiveHashesNeverVerify) {
  PasswordHasher hasher({10, 8, 1}, 1);
  const std::string good = hasher.hash("pw");
  const std::string tail = good.substr(good.find("$", 8));
  for (const std::string& bad :
       {std::string(""), std::string("plain"), "$scrypt$ln=10,r=8$" + tail.substr(1),
        "$scrypt$ln=24,r=8,p=1" + tail /* 2 GiB */, "$scrypt$ln=x,r=8,p=1" + tail,
        good.substr(0, good.size() - 1), good + "0", "$argon2$" + good.substr(8)}) {
    SCOPED_TRACE(bad);
    const auto before = hasher.hashesComputed();
    EXPECT_FALSE(hasher.verify("pw", bad));
    EXPECT_EQ(hasher.hashesComputed(), before + 1) << "a refusal costs a hash like a match";
  }
}

TEST(PasswordHasherTest, TheDummyCostsOneHash) {
  PasswordHasher hasher({10, 8, 1}, 1);
  EXPECT_EQ(hasher.hashesComputed(), 0u);
  hasher.verifyDummy("anything");
  EXPECT_EQ(hasher.hashesComputed(), 1u);
}

TEST(PasswordHasherTest, NoMoreThanTheBoundRunAtOnce) {
  for (int bound : {1, 2}) {
    SCOPED_TRACE(bound);
    PasswordHasher hasher({14, 8, 1}, bound);  // ~16 MiB and some ms each
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
      threads.emplace_back([&hasher] { (void)hasher.hash("concurrent password"); });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(hasher.hashesComputed(), 6u);
    EXPECT_LE(hasher.peakConcurrent(), bound);
    EXPECT_EQ(hasher.peakConcurrent(), bound) << "six threads contend: the bound is reached";
  }
}

TEST(PasswordPolicyTest, LengthAndNames) {
  const PasswordPolicy policy;
  EXPECT_FALSE(checkPassword("correct horse battery", policy, "anna", "Anna de Wit"));
  struct Case {
    std::string password;
    std::string fragment;
  };
  for (const auto& [password, fragment] : std::vector<Case>{
           {"short", "too short"},
           {"elevenchars", "too short"},
           {std::string(1025, 'x'), "too long"},
           {"my-ANNA.B-password", "username"},
           {"xx Anna de Wit xx!", "your name"},
           {"AnnaDeWit-2025!!", "your name"},
           {"summer-wit-2025!", "your name"},
           {"zomer-WÏT-2025!!", "your name"},
       }) {
    SCOPED_TRACE(password);
    const auto problem = checkPassword(password, policy, "anna.b", "Anna de Wit");
    ASSERT_TRUE(problem);
    EXPECT_NE(problem->find(fragment), std::string::npos) << *problem;
  }
  // Twelve characters, counted as characters, not bytes; a particle alone is fine.
  EXPECT_TRUE(checkPassword("ééééééééééé", policy, "anna", "Anna de Wit"));
  EXPECT_FALSE(checkPassword("éééééééééééé", policy, "anna", "Anna de Wit"));
  EXPECT_FALSE(checkPassword("de-kat-de-hond", policy, "anna", "Anna de Wit"));
}

TEST(PasswordPolicyTest, RandomPasswordsAreLongAndDistinct) {
  const std::string a = randomPassword();
  const std::string b = randomPassword();
  EXPECT_EQ(a.size(), 23u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a[5], '-');
  EXPECT_EQ(a[17], '-');
  EXPECT_EQ(a.find_first_of("01ilo"), std::string::npos);
  EXPECT_FALSE(checkPassword(a, PasswordPolicy{}, "admin", "Beheerder"));
}

}  // namespace
}  // namespace server
