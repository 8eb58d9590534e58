// TOTP against RFC 6238 appendix B, HOTP against RFC 4226 appendix D, base32
// against RFC 4648 section 10; the window and the URI.
#include "server/totp.h"

#include <gtest/gtest.h>

namespace server {
namespace {

std::vector<std::uint8_t> ascii(std::string_view text) { return {text.begin(), text.end()}; }

TEST(TotpTest, Rfc6238AppendixB) {
  const auto sha1 = ascii("12345678901234567890");
  const auto sha256 = ascii("12345678901234567890123456789012");
  const auto sha512 = ascii("1234567890123456789012345678901234567890123456789012345678901234");
  struct Vector {
    std::int64_t time;
    const char* sha1;
    const char* sha256;
    const char* sha512;
  };
  for (const auto& v : std::vector<Vector>{
           {59, "94287082", "46119246", "90693936"},
           {1111111109, "07081804", "68084774", "25091201"},
           {1111111111, "14050471", "67062674", "99943326"},
           {1234567890, "89005924", "91819424", "93441116"},
           {2000000000, "69279037", "90698825", "38618901"},
           {20000000000, "65353130", "77737706", "47863826"},
       }) {
    SCOPED_TRACE(v.time);
    EXPECT_EQ(totpAt(sha1, v.time, 8, TotpHash::kSha1), v.sha1);
    EXPECT_EQ(totpAt(sha256, v.time, 8, TotpHash::kSha256), v.sha256);
    EXPECT_EQ(totpAt(sha512, v.time, 8, TotpHash::kSha512), v.sha512);
  }
}

TEST(TotpTest, Rfc4226AppendixD) {
  const auto key = ascii("12345678901234567890");
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(hotp(key, counter), expected[counter]) << counter;
  }
}

TEST(TotpTest, Base32Rfc4648) {
  for (auto [plain, encoded] : std::vector<std::pair<std::string, std::string>>{
           {"", ""},
           {"f", "MY"},
           {"fo", "MZXQ"},
           {"foo", "MZXW6"},
           {"foob", "MZXW6YQ"},
           {"fooba", "MZXW6YTB"},
           {"foobar", "MZXW6YTBOI"}}) {
    SCOPED_TRACE(plain);
    EXPECT_EQ(base32Encode(ascii(plain)), encoded);
    EXPECT_EQ(base32Decode(encoded), ascii(plain));
  }
  EXPECT_EQ(base32Decode("mzxw 6ytb oi======"), ascii("foobar"));
  EXPECT_FALSE(base32Decode("MZXW1"));  // '1' is not base32
  EXPECT_FALSE(base32Decode("M"));      // no byte count gives one symbol
}

TEST(TotpTest, OneStepEitherSideIsAccepted) {
  const auto key = ascii("12345678901234567890");
  const std::int64_t now = 1111111111;  // step 37037037
  const std::int64_t step = totpStep(now);
  EXPECT_EQ(matchTotp(key, totpAt(key, now), now), step);
  EXPECT_EQ(matchTotp(key, totpAt(key, now - 30), now), step - 1);
  EXPECT_EQ(matchTotp(key, totpAt(key, now + 30), now), step + 1);
  EXPECT_FALSE(matchTotp(key, totpAt(key, now - 60), now));
  EXPECT_FALSE(matchTotp(key, totpAt(key, now + 60), now));
  EXPECT_FALSE(matchTotp(key, "12345", now));
  EXPECT_FALSE(matchTotp(key, "12345a", now));
  EXPECT_FALSE(matchTotp(key, "", now));
}

TEST(TotpTest, EnrolmentUri) {
  EXPECT_EQ(otpauthUri("LessonVault", "anna.b", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/LessonVault:anna.b?secret=JBSWY3DPEHPK3PXP&issuer=LessonVault"
            "&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(otpauthUri("De School", "a:b", "AA"),
            "otpauth://totp/De%20School:a%3Ab?secret=AA&issuer=De%20School"
            "&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace server
