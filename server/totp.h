// TOTP (RFC 6238) over HOTP (RFC 4226), with HMAC from OpenSSL: the second
// factor for staff (required for admin and privacy_officer by default).
//
// Accounts use HMAC-SHA1, 30-second steps and 6 digits (what every
// authenticator app reads from an otpauth:// URI); SHA-256/512 and 8 digits are
// here for the RFC's test vectors. A code is accepted for the current step and
// one step either side (clock drift); the caller refuses a step that was
// already used (storage::claimTotpStep), so a code cannot be replayed.
// Secrets travel as base32 (RFC 4648, no padding), as the URI wants them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace server {

enum class TotpHash { kSha1, kSha256, kSha512 };

inline constexpr std::int64_t kTotpStepS = 30;
inline constexpr int kTotpDigits = 6;
inline constexpr std::size_t kTotpSecretSize = 20;  // 160 bits, as RFC 4226 recommends

// RFC 4648 base32, upper case, without padding.
std::string base32Encode(std::span<const std::uint8_t> bytes);
// Accepts upper or lower case, ignores spaces and trailing '='; nullopt on
// any other character or an impossible length.
std::optional<std::vector<std::uint8_t>> base32Decode(std::string_view text);

// The HOTP value for `counter` as `digits` decimal digits (leading zeros kept).
// Throws std::runtime_error when OpenSSL fails.
std::string hotp(std::span<const std::uint8_t> key, std::uint64_t counter, int digits = kTotpDigits,
                 TotpHash hash = TotpHash::kSha1);

// The time step of `unix_time` (floor(t / 30)).
std::int64_t totpStep(std::int64_t unix_time);
// The TOTP code at `unix_time`.
std::string totpAt(std::span<const std::uint8_t> key, std::int64_t unix_time,
                   int digits = kTotpDigits, TotpHash hash = TotpHash::kSha1);

// The step (current, previous or next) whose code equals `code`, compared in
// constant time; nullopt when none does or `code` is not 6 digits.
std::optional<std::int64_t> matchTotp(std::span<const std::uint8_t> key, std::string_view code,
                                      std::int64_t now);

// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string otpauthUri(std::string_view issuer, std::string_view account,
                       std::string_view secret_base32);

}  // namespace server
