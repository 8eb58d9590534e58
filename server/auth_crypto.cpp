#include "server/auth_crypto.h"

#include <memory>
#include <stdexcept>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "storage/hex.h"

namespace server {
namespace {

struct MdFree {
  void operator()(EVP_MD* md) const { EVP_MD_free(md); }
};

// Fetched once: EVP_sha256() makes OpenSSL 3 look the implementation up again on
// every digest (a lock and a table search), and every request hashes its
// session token.
const EVP_MD* sha256Md() {
  static const std::unique_ptr<EVP_MD, MdFree> md(EVP_MD_fetch(nullptr, "SHA256", nullptr));
  if (!md) throw std::runtime_error("SHA-256 is not available");
  return md.get();
}

}  // namespace

storage::TokenHash sha256(std::string_view data) {
  storage::TokenHash out{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &size, sha256Md(), nullptr) != 1 ||
      size != out.size()) {
    throw std::runtime_error("SHA-256 failed");
  }
  return out;
}

std::string randomHex(std::size_t bytes) {
  std::vector<std::uint8_t> random(bytes);
  if (!storage::randomBytes(random)) throw std::runtime_error("RAND_bytes failed");
  std::string hex = storage::toHex(random);
  storage::cleanse(random);
  return hex;
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void wipe(std::string& secret) {
  OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

}  // namespace server
