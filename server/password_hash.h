// Password hashing (R17): scrypt (RFC 7914) through OpenSSL's EVP_KDF "SCRYPT",
// with maxmem_bytes set to exactly what the parameters need, and a bound on
// how many hashes run at once so that a flood of logins cannot exhaust memory
// (each hash at N=2^17, r=8 takes 128 MiB).
//
// Stored form, self-describing so that verification works for any parameters
// the hash was made with (docs/auth-passwords.md):
//
//   $scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt: 16 bytes, hex>$<hash: 32 bytes, hex>
//
// Also here: the password policy (length, not containing the username or the
// person's name) and the one-time passwords handed out by admins.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <semaphore>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace server {

struct ScryptParams {
  int log_n = 17;  // N = 2^log_n
  int r = 8;
  int p = 1;
};

// Raw scrypt into `length` bytes. Throws std::runtime_error when OpenSSL
// fails (out of memory, parameters OpenSSL refuses).
std::vector<std::uint8_t> scrypt(std::string_view password, std::span<const std::uint8_t> salt,
                                 std::uint64_t n, std::uint32_t r, std::uint32_t p,
                                 std::size_t length);

// Hashes and verifies under a bound on concurrent hashes. Thread-safe; one
// instance per process (the bound is per instance).
class PasswordHasher {
 public:
  // `max_concurrent` >= 1 hashes run at once; more callers wait their turn.
  PasswordHasher(ScryptParams params, int max_concurrent);

  // A new salted hash in the stored form above. Throws std::runtime_error on
  // an OpenSSL failure.
  std::string hash(std::string_view password);

  // Whether `password` matches `encoded` (compared in constant time). A
  // malformed `encoded`, or parameters beyond what this server accepts
  // (memory above 1 GiB), is a mismatch — and still costs a full hash, so
  // that the answer takes as long as for a real account.
  bool verify(std::string_view password, std::string_view encoded);

  // The same work as verify() against a real hash, for a username that has
  // no account, so that timing does not tell which usernames exist.
  void verifyDummy(std::string_view password);

  const ScryptParams& params() const { return params_; }
  // Hashes computed so far (hash, verify and verifyDummy each count one).
  std::uint64_t hashesComputed() const { return computed_; }
  // The most hashes that have run at the same moment since construction.
  int peakConcurrent() const { return peak_; }

 private:
  std::vector<std::uint8_t> boundedScrypt(std::string_view password,
                                          std::span<const std::uint8_t> salt,
                                          const ScryptParams& params, std::size_t length);

  const ScryptParams params_;
  std::counting_semaphore<4096> slots_;
  std::atomic<int> running_{0};
  std::atomic<int> peak_{0};
  std::atomic<std::uint64_t> computed_{0};
  std::string dummy_hash_;
};

struct PasswordPolicy {
  std::size_t min_length = 12;    // characters (UTF-8 code points)
  std::size_t max_bytes = 1024;  // bounds the work a client can ask for
};

// Nothing when `password` is acceptable for this account; otherwise a
// sentence for the user saying why not. Refused: shorter than the minimum,
// longer than the maximum, containing the username, or containing the
// person's name or one of its words of 3 letters or more (name particles such
// as "van" and "de" excepted); all compared case- and accent-insensitively.
std::optional<std::string> checkPassword(std::string_view password, const PasswordPolicy& policy,
                                         std::string_view username, std::string_view display_name);

// A random one-time password: 20 characters from an alphabet without look-alikes,
// in groups of 5 ("k7m2q-..."), about 99 bits.
std::string randomPassword();

}  // namespace server
