// The primitives: HKDF, AES-GCM, ids, constant-time comparison.
#include "storage/crypto.h"

#include <atomic>
#include <stdexcept>
#include <thread>

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

// Every AES-GCM test runs under both engines; libipsec-mb's is skipped (and says so)
// on a CPU without AVX-512 VAES, where kAuto never picks it.
class Gcm : public ::testing::TestWithParam<GcmEngine> {
 protected:
  void SetUp() override {
    if (!AesGcm::engineAvailable(GetParam())) {
      GTEST_SKIP() << "not available here: " << AesGcm::autoEngineDescription();
    }
  }
  AesGcm make(const SecretKey& key) {
    auto aead = AesGcm::create(key, GetParam());
    // GoogleTest reports the exception as this test's failure.
    if (!aead) throw std::runtime_error(aead.error().toString());
    EXPECT_EQ(aead->engine(), GetParam());
    return std::move(*aead);
  }
};

TEST_P(Gcm, MatchesTheSpecificationsTestVectors) {
  // McGrew and Viega, "The Galois/Counter Mode of Operation", test cases 13 and 16.
  auto zero = SecretKey::fromBytes(std::vector<std::uint8_t>(kKeySize, 0));
  ASSERT_TRUE(zero);
  AesGcm empty = make(*zero);
  const std::vector<std::uint8_t> zero_nonce(kGcmNonceSize, 0);
  std::vector<std::uint8_t> tag(kGcmTagSize);
  ASSERT_TRUE(empty.seal(zero_nonce, {}, {}, {}, tag));
  EXPECT_EQ(tag, fromHexString("530f8afbc74536b9a963b4f1c4cb738b"));

  auto key = SecretKey::fromBytes(fromHexString(
      "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"));
  ASSERT_TRUE(key);
  AesGcm aead = make(*key);
  const auto nonce = fromHexString("cafebabefacedbaddecaf888");
  const auto ad = fromHexString("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const auto plain = fromHexString(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
  std::vector<std::uint8_t> sealed(plain.size());
  ASSERT_TRUE(aead.seal(nonce, ad, plain, sealed, tag));
  EXPECT_EQ(sealed, fromHexString("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                                  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"));
  EXPECT_EQ(tag, fromHexString("76fc6ece0f4e1768cddf8853bb2d551b"));
  std::vector<std::uint8_t> out(plain.size());
  ASSERT_TRUE(aead.open(nonce, ad, sealed, tag, out));
  EXPECT_EQ(out, plain);
}

TEST_P(Gcm, RejectsTamperingAndWipesTheOutput) {
  AesGcm aead = make(keyFromByte(1));
  const std::vector<std::uint8_t> nonce(kGcmNonceSize, 9), ad = {1, 2, 3};
  const auto plain = testing::pseudoRandom(100, 1);
  std::vector<std::uint8_t> sealed(plain.size()), tag(kGcmTagSize);
  ASSERT_TRUE(aead.seal(nonce, ad, plain, sealed, tag));
  std::vector<std::uint8_t> out(plain.size());
  ASSERT_TRUE(aead.open(nonce, ad, sealed, tag, out));
  EXPECT_EQ(out, plain);

  sealed[50] ^= 4;
  auto status = aead.open(nonce, ad, sealed, tag, out);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().code, ErrorCode::kSegmentAuth);
  EXPECT_EQ(out, std::vector<std::uint8_t>(plain.size(), 0)) << "unauthenticated plaintext leaked";
  sealed[50] ^= 4;
  const std::vector<std::uint8_t> zeros(plain.size(), 0);
  const auto refusedAndWiped = [&](const std::vector<std::uint8_t>& n,
                                   const std::vector<std::uint8_t>& a,
                                   const std::vector<std::uint8_t>& t) {
    out = plain;  // whatever was there must go
    auto opened = aead.open(n, a, sealed, t, out);
    return !opened && opened.error().code == ErrorCode::kSegmentAuth && out == zeros;
  };
  const std::vector<std::uint8_t> other_ad = {1, 2, 4};
  EXPECT_TRUE(refusedAndWiped(nonce, other_ad, tag)) << "other associated data";
  std::vector<std::uint8_t> other_tag = tag;
  other_tag[15] ^= 1;
  EXPECT_TRUE(refusedAndWiped(nonce, ad, other_tag)) << "another tag";
  std::vector<std::uint8_t> other_nonce = nonce;
  other_nonce[11] ^= 1;
  EXPECT_TRUE(refusedAndWiped(other_nonce, ad, tag)) << "another nonce";
  EXPECT_TRUE(aead.open(nonce, ad, sealed, tag, out));
  EXPECT_EQ(out, plain);
}

TEST_P(Gcm, ThreadsWithTheirOwnKeysRunSideBySide) {
  // The engines share process-wide state (OpenSSL's fetched cipher, libipsec-mb's
  // function table): four threads seal and open at once and must not disturb each other.
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (std::uint8_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto aead = AesGcm::create(keyFromByte(static_cast<std::uint8_t>(10 + t)), GetParam());
      if (!aead) {
        ++failures;
        return;
      }
      const auto plain = testing::pseudoRandom(65536, t);
      std::vector<std::uint8_t> sealed(plain.size()), out(plain.size()), tag(kGcmTagSize);
      for (std::uint32_t i = 0; i < 200; ++i) {
        std::vector<std::uint8_t> nonce(kGcmNonceSize, t);
        nonce[0] = static_cast<std::uint8_t>(i);
        if (!aead->seal(nonce, {}, plain, sealed, tag) || !aead->open(nonce, {}, sealed, tag, out) ||
            out != plain) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_P(Gcm, AgreesWithTheOtherEngineAndSealsInPlace) {
  const GcmEngine other =
      GetParam() == GcmEngine::kOpenSsl ? GcmEngine::kIpsecMb : GcmEngine::kOpenSsl;
  if (!AesGcm::engineAvailable(other)) GTEST_SKIP() << "only one engine on this machine";
  AesGcm aead = make(keyFromByte(7));
  auto theirs = AesGcm::create(keyFromByte(7), other);
  ASSERT_TRUE(theirs);
  // Lengths around the vector widths (16, 64, 256 and 768 bytes a round) and a segment.
  for (std::size_t size : {0, 1, 15, 16, 17, 63, 64, 255, 256, 767, 769, 4099, 65536}) {
    for (std::size_t ad_size : {0, 13, 67}) {
      SCOPED_TRACE("plaintext " + std::to_string(size) + ", associated " + std::to_string(ad_size));
      const auto plain = testing::pseudoRandom(size, size + ad_size);
      const auto ad = testing::pseudoRandom(ad_size, 3);
      const auto nonce = testing::pseudoRandom(kGcmNonceSize, size);
      std::vector<std::uint8_t> mine(size), tag(kGcmTagSize), their(size), their_tag(kGcmTagSize);
      ASSERT_TRUE(aead.seal(nonce, ad, plain, mine, tag));
      ASSERT_TRUE(theirs->seal(nonce, ad, plain, their, their_tag));
      EXPECT_EQ(mine, their);
      EXPECT_EQ(tag, their_tag);
      std::vector<std::uint8_t> in_place = plain;
      ASSERT_TRUE(aead.seal(nonce, ad, in_place, in_place, tag));
      EXPECT_EQ(in_place, their);
      std::vector<std::uint8_t> out(size);
      ASSERT_TRUE(theirs->open(nonce, ad, mine, tag, out));
      EXPECT_EQ(out, plain);
      ASSERT_TRUE(aead.open(nonce, ad, their, their_tag, in_place));
      EXPECT_EQ(in_place, plain);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, Gcm, ::testing::Values(GcmEngine::kOpenSsl, GcmEngine::kIpsecMb),
                         [](const auto& engine) {
                           return engine.param == GcmEngine::kOpenSsl ? "OpenSsl" : "IpsecMb";
                         });

TEST(Crypto, AutoTakesIpsecMbExactlyWhereItRunsItsFastCode) {
  auto aead = AesGcm::create(keyFromByte(1));
  ASSERT_TRUE(aead);
  EXPECT_EQ(aead->engine(), AesGcm::engineAvailable(GcmEngine::kIpsecMb) ? GcmEngine::kIpsecMb
                                                                         : GcmEngine::kOpenSsl);
  if (!AesGcm::engineAvailable(GcmEngine::kIpsecMb)) {
    auto refused = AesGcm::create(keyFromByte(1), GcmEngine::kIpsecMb);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, ErrorCode::kCrypto);
  }
  EXPECT_FALSE(AesGcm::autoEngineDescription().empty());
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
