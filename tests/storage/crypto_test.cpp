// The primitives: HKDF, AES-GCM, ids, constant-time comparison.
#include "storage/crypto.h"

#include <gtest/gtest.h>

#include "storage/ids.h"
#include "tests/storage/test_util.h"

namespace storage {
namespace {

using testing::fromHexString;
using testing::keyFromByte;

TEST(Crypto, HkdfMatchesAnIndependentImplementation) {
  // From Python's cryptography HKDF(SHA256), ikm = 00..1f, salt = "salt", info = "info".
  const std::string salt = "salt", info = "info";
  auto key = hkdfSha256(keyFromByte(0),
                        Bytes(reinterpret_cast<const std::uint8_t*>(salt.data()), salt.size()),
                        Bytes(reinterpret_cast<const std::uint8_t*>(info.data()), info.size()));
  ASSERT_TRUE(key);
  EXPECT_EQ(std::vector<std::uint8_t>(key->bytes().begin(), key->bytes().end()),
            fromHexString("64cc2a23b7a1da4310420350405fdf5d632cb9bda3700d753e96cbcfeb81d449"));
}

TEST(Crypto, GcmRejectsTamperingAndWipesTheOutput) {
  auto aead = AesGcm::create(keyFromByte(1));
  ASSERT_TRUE(aead);
  const std::vector<std::uint8_t> nonce(kGcmNonceSize, 9), ad = {1, 2, 3};
  const auto plain = testing::pseudoRandom(100, 1);
  std::vector<std::uint8_t> sealed(plain.size()), tag(kGcmTagSize);
  ASSERT_TRUE(aead->seal(nonce, ad, plain, sealed, tag));
  std::vector<std::uint8_t> out(plain.size());
  ASSERT_TRUE(aead->open(nonce, ad, sealed, tag, out));
  EXPECT_EQ(out, plain);

  sealed[50] ^= 4;
  auto status = aead->open(nonce, ad, sealed, tag, out);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kSegmentAuth);
  EXPECT_EQ(out, std::vector<std::uint8_t>(plain.size(), 0)) << "unauthenticated plaintext leaked";
  sealed[50] ^= 4;
  const std::vector<std::uint8_t> other_ad = {1, 2, 4};
  EXPECT_FALSE(aead->open(nonce, other_ad, sealed, tag, out));
}

TEST(Crypto, IdsParseOnlyTheirOwnHexForm) {
  const Id id = *Id::random();
  EXPECT_EQ(Id::parse(id.hex()), id);
  EXPECT_NE(*Id::random(), id);
  for (const char* bad :
       {"", "../../etc/passwd", "0123456789abcdef0123456789abcde",
        "0123456789ABCDEF0123456789abcdef", "0123456789abcdef0123456789abcdeg",
        "0123456789abcdef/123456789abcdef", "0123456789abcdef0123456789abcdef0"}) {
    EXPECT_FALSE(Id::parse(bad).has_value()) << bad;
  }
}

TEST(Crypto, ConstantTimeEqualComparesContentAndLength) {
  const std::vector<std::uint8_t> a = {1, 2, 3}, b = {1, 2, 3}, c = {1, 2, 4}, d = {1, 2};
  EXPECT_TRUE(constantTimeEqual(a, b));
  EXPECT_FALSE(constantTimeEqual(a, c));
  EXPECT_FALSE(constantTimeEqual(a, d));
}

// The plaintext scan of the no-plaintext-at-rest tests must itself be right.
TEST(TestUtil, ContainsAnyWindowFindsEveryOffsetAndNothingShorter) {
  const auto needle = testing::pseudoRandom(1000, 1);
  for (std::size_t at : {0u, 1u, 31u, 32u, 33u, 500u, 936u}) {
    auto haystack = testing::pseudoRandom(300, 2);
    haystack.insert(haystack.begin() + 100, needle.begin() + static_cast<std::ptrdiff_t>(at),
                    needle.begin() + static_cast<std::ptrdiff_t>(at) + 64);
    EXPECT_TRUE(testing::containsAnyWindow(haystack, needle, 64)) << at;
    haystack.erase(haystack.begin() + 163);  // now only 63 bytes match
    EXPECT_FALSE(testing::containsAnyWindow(haystack, needle, 64)) << at;
  }
}

}  // namespace
}  // namespace storage
