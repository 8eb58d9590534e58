// Owners for OpenSSL handles and the one adapter from OpenSSL's error queue to
// storage::Error. Internal to storage: public headers never include OpenSSL.
#pragma once

#include <memory>
#include <string_view>

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "storage/error.h"

namespace storage::internal {

struct EvpCipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
struct EvpCipherFree {
  void operator()(EVP_CIPHER* cipher) const { EVP_CIPHER_free(cipher); }
};
struct EvpKdfFree {
  void operator()(EVP_KDF* kdf) const { EVP_KDF_free(kdf); }
};
struct EvpKdfCtxFree {
  void operator()(EVP_KDF_CTX* ctx) const { EVP_KDF_CTX_free(ctx); }
};

using EvpCipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, EvpCipherCtxFree>;
using EvpCipherPtr = std::unique_ptr<EVP_CIPHER, EvpCipherFree>;
using EvpKdfPtr = std::unique_ptr<EVP_KDF, EvpKdfFree>;
using EvpKdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, EvpKdfCtxFree>;

// Drains this thread's OpenSSL error queue into an Error, so a later call never
// reports a stale error. `what` names the operation that failed.
Error opensslError(std::string_view what);

// AES-256-GCM fetched once per process; explicit fetching avoids the per-call
// lookup that the legacy EVP_aes_256_gcm() pointer costs in OpenSSL 3.
const EVP_CIPHER* aes256Gcm();

}  // namespace storage::internal
