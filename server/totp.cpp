#include "server/totp.h"

#include <array>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <Poco/URI.h>

namespace server {
namespace {

constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

const EVP_MD* digestOf(TotpHash hash) {
  switch (hash) {
    case TotpHash::kSha1:
      return EVP_sha1();
    case TotpHash::kSha256:
      return EVP_sha256();
    case TotpHash::kSha512:
      return EVP_sha512();
  }
  return EVP_sha1();
}

std::string uriEncode(std::string_view text) {
  std::string out;
  Poco::URI::encode(std::string(text), ":/?#[]@!$&'()*+,;= %", out);
  return out;
}

}  // namespace

std::string base32Encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (std::uint8_t byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += kBase32[(buffer >> (bits - 5)) & 0x1F];
      bits -= 5;
    }
  }
  if (bits > 0) out += kBase32[(buffer << (5 - bits)) & 0x1F];
  return out;
}

std::optional<std::vector<std::uint8_t>> base32Decode(std::string_view text) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::vector<std::uint8_t> out;
  unsigned buffer = 0;
  int bits = 0;
  std::size_t symbols = 0;
  for (char c : text) {
    if (c == ' ') continue;
    const char upper = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    const auto value = kBase32.find(upper);
    if (value == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 5) | static_cast<unsigned>(value);
    bits += 5;
    ++symbols;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
    buffer &= 0xFF;
  }
  // Lengths that no byte count produces (1, 3 or 6 symbols in the last group).
  const std::size_t rest = symbols % 8;
  if (rest == 1 || rest == 3 || rest == 6) return std::nullopt;
  return out;
}

std::string hotp(std::span<const std::uint8_t> key, std::uint64_t counter, int digits,
                 TotpHash hash) {
  std::array<std::uint8_t, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(counter & 0xFF);
    counter >>= 8;
  }
  std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  if (HMAC(digestOf(hash), key.data(), static_cast<int>(key.size()), message.data(),
           message.size(), mac.data(), &mac_size) == nullptr) {
    throw std::runtime_error("HMAC failed");
  }
  // Dynamic truncation (RFC 4226 section 5.3).
  const std::size_t offset = mac[mac_size - 1] & 0x0F;
  const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7F) << 24) |
                               (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                               (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                               static_cast<std::uint32_t>(mac[offset + 3]);
  OPENSSL_cleanse(mac.data(), mac.size());
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::int64_t totpStep(std::int64_t unix_time) {
  return unix_time >= 0 ? unix_time / kTotpStepS : (unix_time - kTotpStepS + 1) / kTotpStepS;
}

std::string totpAt(std::span<const std::uint8_t> key, std::int64_t unix_time, int digits,
                   TotpHash hash) {
  return hotp(key, static_cast<std::uint64_t>(totpStep(unix_time)), digits, hash);
}

std::optional<std::int64_t> matchTotp(std::span<const std::uint8_t> key, std::string_view code,
                                      std::int64_t now) {
  if (code.size() != static_cast<std::size_t>(kTotpDigits) ||
      code.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const std::int64_t current = totpStep(now);
  std::optional<std::int64_t> matched;
  // Every candidate is computed and compared, so the time does not say which matched.
  for (std::int64_t step = current - 1; step <= current + 1; ++step) {
    const std::string expected = hotp(key, static_cast<std::uint64_t>(step));
    if (CRYPTO_memcmp(expected.data(), code.data(), code.size()) == 0 && !matched) {
      matched = step;
    }
  }
  return matched;
}

std::string otpauthUri(std::string_view issuer, std::string_view account,
                       std::string_view secret_base32) {
  return "otpauth://totp/" + uriEncode(issuer) + ":" + uriEncode(account) +
         "?secret=" + std::string(secret_base32) + "&issuer=" + uriEncode(issuer) +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
         "&period=" + std::to_string(kTotpStepS);
}

}  // namespace server
