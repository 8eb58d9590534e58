#include "server/password_hash.h"

#include <algorithm>
#include <charconv>
#include <memory>
#include <stdexcept>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "acl/name_check.h"
#include "acl/text_fold.h"
#include "storage/crypto.h"
#include "storage/hex.h"

namespace server {
namespace {

constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kHashSize = 32;
// Stored hashes asking for more than this are refused unread: a tampered row
// must not make the server allocate without bound.
constexpr std::uint64_t kMaxMemoryBytes = 1ull << 30;

struct KdfFree {
  void operator()(EVP_KDF* kdf) const { EVP_KDF_free(kdf); }
};
struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};

std::string opensslMessage(std::string_view what) {
  std::string message(what);
  while (unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    message += ": ";
    message += text;
  }
  return message;
}

// What OpenSSL's scrypt allocates (V and B), which maxmem_bytes must cover.
std::uint64_t memoryNeeded(std::uint64_t n, std::uint64_t r, std::uint64_t p) {
  return 128 * r * (n + 2) + 128 * r * p;
}

struct Parsed {
  ScryptParams params;
  std::vector<std::uint8_t> salt;
  std::vector<std::uint8_t> hash;
};

bool parseInt(std::string_view text, int& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

bool parseHex(std::string_view hex, std::vector<std::uint8_t>& out) {
  if (hex.size() % 2 != 0) return false;
  out.resize(hex.size() / 2);
  return storage::fromHex(hex, out);
}

// "$scrypt$ln=17,r=8,p=1$<salt hex>$<hash hex>"
std::optional<Parsed> parseEncoded(std::string_view encoded) {
  constexpr std::string_view kPrefix = "$scrypt$ln=";
  if (!encoded.starts_with(kPrefix)) return std::nullopt;
  encoded.remove_prefix(kPrefix.size());
  const auto comma1 = encoded.find(",r=");
  const auto comma2 = encoded.find(",p=");
  const auto dollar1 = encoded.find('$');
  if (comma1 == encoded.npos || comma2 == encoded.npos || dollar1 == encoded.npos ||
      !(comma1 < comma2 && comma2 < dollar1)) {
    return std::nullopt;
  }
  const auto dollar2 = encoded.find('$', dollar1 + 1);
  if (dollar2 == encoded.npos) return std::nullopt;
  Parsed parsed;
  if (!parseInt(encoded.substr(0, comma1), parsed.params.log_n) ||
      !parseInt(encoded.substr(comma1 + 3, comma2 - comma1 - 3), parsed.params.r) ||
      !parseInt(encoded.substr(comma2 + 3, dollar1 - comma2 - 3), parsed.params.p) ||
      !parseHex(encoded.substr(dollar1 + 1, dollar2 - dollar1 - 1), parsed.salt) ||
      !parseHex(encoded.substr(dollar2 + 1), parsed.hash)) {
    return std::nullopt;
  }
  const auto& p = parsed.params;
  if (p.log_n < 1 || p.log_n > 30 || p.r < 1 || p.r > 64 || p.p < 1 || p.p > 16 ||
      parsed.salt.size() < 8 || parsed.salt.size() > 64 || parsed.hash.size() < 16 ||
      parsed.hash.size() > 64 ||
      memoryNeeded(1ull << p.log_n, static_cast<std::uint64_t>(p.r),
                   static_cast<std::uint64_t>(p.p)) > kMaxMemoryBytes) {
    return std::nullopt;
  }
  return parsed;
}

std::string encode(const ScryptParams& params, std::span<const std::uint8_t> salt,
                   std::span<const std::uint8_t> hash) {
  return "$scrypt$ln=" + std::to_string(params.log_n) + ",r=" + std::to_string(params.r) +
         ",p=" + std::to_string(params.p) + "$" + storage::toHex(salt) + "$" +
         storage::toHex(hash);
}

// Counts a hash in while it runs, and records the peak.
class RunningHash {
 public:
  RunningHash(std::counting_semaphore<4096>& slots, std::atomic<int>& running,
              std::atomic<int>& peak)
      : slots_(slots), running_(running) {
    slots_.acquire();
    const int now = ++running_;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
  }
  ~RunningHash() {
    --running_;
    slots_.release();
  }
  RunningHash(const RunningHash&) = delete;
  RunningHash& operator=(const RunningHash&) = delete;

 private:
  std::counting_semaphore<4096>& slots_;
  std::atomic<int>& running_;
};

std::size_t codePoints(std::string_view text) {
  return static_cast<std::size_t>(std::ranges::count_if(
      text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Folded and with the word breaks removed: "Anne-Sophie de Vries" -> "annesophiedevries".
std::string squashed(std::string_view text) {
  std::string folded = acl::foldText(text);
  std::erase(folded, ' ');
  return folded;
}

}  // namespace

std::vector<std::uint8_t> scrypt(std::string_view password, std::span<const std::uint8_t> salt,
                                 std::uint64_t n, std::uint32_t r, std::uint32_t p,
                                 std::size_t length) {
  static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "SCRYPT", nullptr);
  if (kdf == nullptr) throw std::runtime_error(opensslMessage("EVP_KDF_fetch(SCRYPT)"));
  std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf));
  if (!ctx) throw std::runtime_error(opensslMessage("EVP_KDF_CTX_new"));
  std::uint64_t maxmem = memoryNeeded(n, r, p);
  // OSSL_PARAM wants non-const pointers; OpenSSL only reads these buffers. An
  // empty password or salt still needs a valid pointer.
  static char empty = '\0';
  auto* pass = password.empty() ? &empty : const_cast<char*>(password.data());
  auto* salt_ptr = salt.empty() ? reinterpret_cast<unsigned char*>(&empty)
                                : const_cast<std::uint8_t*>(salt.data());
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, pass, password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_ptr, salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end(),
  };
  std::vector<std::uint8_t> out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    throw std::runtime_error(opensslMessage("scrypt"));
  }
  return out;
}

PasswordHasher::PasswordHasher(ScryptParams params, int max_concurrent)
    : params_(params), slots_(std::clamp(max_concurrent, 1, 4096)) {
  // The dummy is a real hash of a random password with the configured
  // parameters, so verifying against it costs exactly what a real one does.
  std::array<std::uint8_t, 32> random{};
  if (!storage::randomBytes(random)) throw std::runtime_error("RAND_bytes failed");
  std::string secret = storage::toHex(random);
  dummy_hash_ = hash(secret);
  storage::cleanse(storage::MutableBytes(reinterpret_cast<std::uint8_t*>(secret.data()),
                                         secret.size()));
  storage::cleanse(random);
  computed_ = 0;  // the dummy is not a client's hash
}

std::vector<std::uint8_t> PasswordHasher::boundedScrypt(std::string_view password,
                                                        std::span<const std::uint8_t> salt,
                                                        const ScryptParams& params,
                                                        std::size_t length) {
  RunningHash slot(slots_, running_, peak_);
  ++computed_;
  return scrypt(password, salt, 1ull << params.log_n, static_cast<std::uint32_t>(params.r),
                static_cast<std::uint32_t>(params.p), length);
}

std::string PasswordHasher::hash(std::string_view password) {
  std::array<std::uint8_t, kSaltSize> salt{};
  if (!storage::randomBytes(salt)) throw std::runtime_error("RAND_bytes failed");
  auto derived = boundedScrypt(password, salt, params_, kHashSize);
  std::string encoded = encode(params_, salt, derived);
  storage::cleanse(derived);
  return encoded;
}

bool PasswordHasher::verify(std::string_view password, std::string_view encoded) {
  const auto parsed = parseEncoded(encoded);
  if (!parsed) {
    verifyDummy(password);
    return false;
  }
  auto derived = boundedScrypt(password, parsed->salt, parsed->params, parsed->hash.size());
  const bool same = CRYPTO_memcmp(derived.data(), parsed->hash.data(), derived.size()) == 0;
  storage::cleanse(derived);
  return same;
}

void PasswordHasher::verifyDummy(std::string_view password) {
  const auto parsed = parseEncoded(dummy_hash_);
  auto derived = boundedScrypt(password, parsed->salt, parsed->params, parsed->hash.size());
  // Compared like a real hash, so the two paths do the same work.
  volatile bool same = CRYPTO_memcmp(derived.data(), parsed->hash.data(), derived.size()) == 0;
  (void)same;
  storage::cleanse(derived);
}

std::optional<std::string> checkPassword(std::string_view password, const PasswordPolicy& policy,
                                         std::string_view username,
                                         std::string_view display_name) {
  if (password.size() > policy.max_bytes) {
    return "The password is too long: at most " + std::to_string(policy.max_bytes) + " bytes.";
  }
  if (codePoints(password) < policy.min_length) {
    return "The password is too short: use at least " + std::to_string(policy.min_length) +
           " characters.";
  }
  const std::string folded = squashed(password);
  const std::string user = squashed(username);
  if (!user.empty() && folded.find(user) != std::string::npos) {
    return "The password must not contain the username.";
  }
  const std::string name = squashed(display_name);
  if (!name.empty() && folded.find(name) != std::string::npos) {
    return "The password must not contain your name.";
  }
  for (const auto& word : acl::splitWords(display_name)) {
    if (word.folded.size() >= 3 && !acl::isNameParticle(word.folded) &&
        folded.find(word.folded) != std::string::npos) {
      return "The password must not contain your name.";
    }
  }
  return std::nullopt;
}

std::string randomPassword() {
  // 31 characters: no 0/o, 1/l/i look-alikes. Rejection sampling keeps the
  // choice uniform.
  constexpr std::string_view kAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  std::string password;
  while (password.size() < 23) {
    std::array<std::uint8_t, 32> random{};
    if (!storage::randomBytes(random)) throw std::runtime_error("RAND_bytes failed");
    for (std::uint8_t byte : random) {
      const unsigned value = byte & 0x1F;
      if (value >= kAlphabet.size() || password.size() >= 23) continue;
      if (password.size() % 6 == 5) password += '-';
      password += kAlphabet[value];
    }
    storage::cleanse(random);
  }
  return password;
}

}  // namespace server
