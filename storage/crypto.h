// Keys and the small set of primitives the encrypted formats are built from:
// a wiping 256-bit key, the system CSPRNG, HKDF-SHA256 and AES-256-GCM.
//
// Nothing here is specific to a file format; storage/FORMAT.md says how the
// formats combine them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "storage/error.h"

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace storage {

namespace internal {
class IpsecGcmKey;
}

inline constexpr std::size_t kKeySize = 32;
inline constexpr std::size_t kGcmNonceSize = 12;
inline constexpr std::size_t kGcmTagSize = 16;

using Bytes = std::span<const std::uint8_t>;
using MutableBytes = std::span<std::uint8_t>;

// A 256-bit secret key. Move-only so that copies are deliberate (clone()); the
// bytes are wiped when the key is destroyed or moved from.
class SecretKey {
 public:
  static Result<SecretKey> random();
  static Result<SecretKey> fromBytes(Bytes bytes);  // exactly kKeySize bytes

  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();

  SecretKey clone() const;
  Bytes bytes() const { return bytes_; }

 private:
  SecretKey() = default;
  std::array<std::uint8_t, kKeySize> bytes_{};
};

// Fills `out` from OpenSSL's CSPRNG.
Status randomBytes(MutableBytes out);

// HKDF-SHA256 (RFC 5869) producing one 256-bit key.
Result<SecretKey> hkdfSha256(const SecretKey& ikm, Bytes salt, Bytes info);

inline constexpr std::size_t kSha256Size = 32;
using Mac = std::array<std::uint8_t, kSha256Size>;

// HMAC-SHA256 (RFC 2104) of `data` under `key`.
Result<Mac> hmacSha256(const SecretKey& key, Bytes data);

// Constant-time equality for secrets and tags.
bool constantTimeEqual(Bytes a, Bytes b);

// Wipes memory in a way the compiler may not elide.
void cleanse(MutableBytes bytes);

// Which implementation computes AES-256-GCM. Both produce the same bytes (crypto_test
// crosses them); kAuto takes libipsec-mb where this CPU runs its AVX-512 VAES code and
// OpenSSL elsewhere (docs/storage-aes-gcm-engines.md).
enum class GcmEngine { kAuto, kOpenSsl, kIpsecMb };

// AES-256-GCM under one key, with the key schedule done once. Not thread-safe:
// one instance per thread or per stream.
class AesGcm {
 public:
  // kIpsecMb fails with kCrypto where that engine is not available.
  static Result<AesGcm> create(const SecretKey& key, GcmEngine engine = GcmEngine::kAuto);

  // What kAuto means on this machine, for the start-up log:
  // "intel-ipsec-mb 1.3.0 (AVX-512, VAES, VPCLMULQDQ)" or "OpenSSL 3.0.x (...)".
  static std::string autoEngineDescription();
  static bool engineAvailable(GcmEngine engine);

  AesGcm(AesGcm&&) noexcept;
  AesGcm& operator=(AesGcm&&) noexcept;
  ~AesGcm();

  GcmEngine engine() const { return fast_ ? GcmEngine::kIpsecMb : GcmEngine::kOpenSsl; }

  // Encrypts `plaintext` into `ciphertext` (same size; may alias) and writes the tag.
  Status seal(Bytes nonce, Bytes associated, Bytes plaintext, MutableBytes ciphertext,
              MutableBytes tag);

  // Decrypts and authenticates. On an authentication failure returns
  // kSegmentAuth and wipes `plaintext`, so no unauthenticated byte escapes.
  Status open(Bytes nonce, Bytes associated, Bytes ciphertext, Bytes tag, MutableBytes plaintext);

 private:
  struct CtxFree {
    void operator()(EVP_CIPHER_CTX* ctx) const;
  };
  using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;
  AesGcm(CtxPtr encrypt, CtxPtr decrypt);
  explicit AesGcm(std::unique_ptr<internal::IpsecGcmKey> fast);

  // Exactly one engine is set: the OpenSSL contexts or the libipsec-mb key.
  CtxPtr encrypt_;
  CtxPtr decrypt_;
  std::unique_ptr<internal::IpsecGcmKey> fast_;
};

}  // namespace storage
