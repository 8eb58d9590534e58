#include "server/auth_crypto.h"

#include <stdexcept>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "storage/hex.h"

namespace server {

storage::TokenHash sha256(std::string_view data) {
  storage::TokenHash out{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &size, EVP_sha256(), nullptr) != 1 ||
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
