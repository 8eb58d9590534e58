#include "storage/crypto.h"

#include <climits>
#include <cstring>
#include <utility>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "storage/gcm_ipsec.h"
#include "storage/openssl_util.h"

namespace storage {

using internal::opensslError;

// --- SecretKey -------------------------------------------------------------

Result<SecretKey> SecretKey::random() {
  SecretKey key;
  LV_TRY(randomBytes(key.bytes_));
  return key;
}

Result<SecretKey> SecretKey::fromBytes(Bytes bytes) {
  if (bytes.size() != kKeySize) {
    return fail(ErrorCode::kInvalidArgument, "a key must be " + std::to_string(kKeySize) +
                                                 " bytes, got " + std::to_string(bytes.size()));
  }
  SecretKey key;
  std::memcpy(key.bytes_.data(), bytes.data(), kKeySize);
  return key;
}

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(other.bytes_) { cleanse(other.bytes_); }

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    cleanse(other.bytes_);
  }
  return *this;
}

SecretKey::~SecretKey() { cleanse(bytes_); }

SecretKey SecretKey::clone() const {
  SecretKey copy;
  copy.bytes_ = bytes_;
  return copy;
}

// --- primitives ------------------------------------------------------------

Status randomBytes(MutableBytes out) {
  if (out.size() > INT_MAX || RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    return std::unexpected(opensslError("RAND_bytes"));
  }
  return {};
}

Result<SecretKey> hkdfSha256(const SecretKey& ikm, Bytes salt, Bytes info) {
  static EVP_KDF* const kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (kdf == nullptr) return std::unexpected(opensslError("EVP_KDF_fetch(HKDF)"));
  internal::EvpKdfCtxPtr ctx(EVP_KDF_CTX_new(kdf));
  if (!ctx) return std::unexpected(opensslError("EVP_KDF_CTX_new"));

  char digest[] = "SHA256";
  // OSSL_PARAM wants non-const pointers; OpenSSL only reads these buffers.
  auto* key = const_cast<std::uint8_t*>(ikm.bytes().data());
  auto* salt_ptr = const_cast<std::uint8_t*>(salt.data());
  auto* info_ptr = const_cast<std::uint8_t*>(info.data());
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, key, ikm.bytes().size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, salt_ptr, salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info_ptr, info.size()),
      OSSL_PARAM_construct_end(),
  };
  std::array<std::uint8_t, kKeySize> out{};
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    return std::unexpected(opensslError("HKDF-SHA256"));
  }
  auto derived = SecretKey::fromBytes(out);
  cleanse(out);
  return derived;
}

Result<Mac> hmacSha256(const SecretKey& key, Bytes data) {
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (hmac == nullptr) return std::unexpected(opensslError("EVP_MAC_fetch(HMAC)"));
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(hmac),
                                                                &EVP_MAC_CTX_free);
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  Mac out{};
  std::size_t length = 0;
  if (!ctx || EVP_MAC_init(ctx.get(), key.bytes().data(), key.bytes().size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &length, out.size()) != 1 || length != out.size()) {
    return std::unexpected(opensslError("HMAC-SHA256"));
  }
  return out;
}

bool constantTimeEqual(Bytes a, Bytes b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void cleanse(MutableBytes bytes) { OPENSSL_cleanse(bytes.data(), bytes.size()); }

// --- AesGcm ----------------------------------------------------------------

void AesGcm::CtxFree::operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }

AesGcm::AesGcm(CtxPtr encrypt, CtxPtr decrypt)
    : encrypt_(std::move(encrypt)), decrypt_(std::move(decrypt)) {}
AesGcm::AesGcm(std::unique_ptr<internal::IpsecGcmKey> fast) : fast_(std::move(fast)) {}
AesGcm::AesGcm(AesGcm&&) noexcept = default;
AesGcm& AesGcm::operator=(AesGcm&&) noexcept = default;
AesGcm::~AesGcm() = default;

bool AesGcm::engineAvailable(GcmEngine engine) {
  return engine != GcmEngine::kIpsecMb || internal::ipsecGcmAvailable();
}

std::string AesGcm::autoEngineDescription() {
  if (internal::ipsecGcmAvailable()) return internal::ipsecGcmDescription();
  return std::string(OpenSSL_version(OPENSSL_VERSION)) + " (" + internal::ipsecGcmDescription() +
         ")";
}

Result<AesGcm> AesGcm::create(const SecretKey& key, GcmEngine engine) {
  if (engine == GcmEngine::kIpsecMb ||
      (engine == GcmEngine::kAuto && internal::ipsecGcmAvailable())) {
    auto fast = internal::IpsecGcmKey::create(key);
    if (!fast) return std::unexpected(fast.error());
    return AesGcm(std::make_unique<internal::IpsecGcmKey>(std::move(*fast)));
  }
  const EVP_CIPHER* cipher = internal::aes256Gcm();
  if (cipher == nullptr) return std::unexpected(opensslError("fetching AES-256-GCM"));
  CtxPtr enc(EVP_CIPHER_CTX_new());
  CtxPtr dec(EVP_CIPHER_CTX_new());
  if (!enc || !dec) return std::unexpected(opensslError("EVP_CIPHER_CTX_new"));
  // The key schedule is computed here once; each message then only sets its nonce.
  if (EVP_EncryptInit_ex2(enc.get(), cipher, key.bytes().data(), nullptr, nullptr) != 1 ||
      EVP_DecryptInit_ex2(dec.get(), cipher, key.bytes().data(), nullptr, nullptr) != 1) {
    return std::unexpected(opensslError("AES-256-GCM key setup"));
  }
  return AesGcm(std::move(enc), std::move(dec));
}

namespace {

bool fitsInt(std::size_t n) { return n <= static_cast<std::size_t>(INT_MAX); }

}  // namespace

Status AesGcm::seal(Bytes nonce, Bytes associated, Bytes plaintext, MutableBytes ciphertext,
                    MutableBytes tag) {
  if (nonce.size() != kGcmNonceSize || tag.size() != kGcmTagSize ||
      ciphertext.size() != plaintext.size() || !fitsInt(plaintext.size()) ||
      !fitsInt(associated.size())) {
    return fail(ErrorCode::kInvalidArgument, "AES-GCM seal: bad buffer sizes");
  }
  if (fast_) {
    fast_->seal(nonce, associated, plaintext, ciphertext, tag);
    return {};
  }
  EVP_CIPHER_CTX* ctx = encrypt_.get();
  int len = 0;
  if (EVP_EncryptInit_ex2(ctx, nullptr, nullptr, nonce.data(), nullptr) != 1 ||
      (!associated.empty() && EVP_EncryptUpdate(ctx, nullptr, &len, associated.data(),
                                                static_cast<int>(associated.size())) != 1) ||
      EVP_EncryptUpdate(ctx, ciphertext.data(), &len, plaintext.data(),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx, ciphertext.data() + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kGcmTagSize, tag.data()) != 1) {
    return std::unexpected(opensslError("AES-256-GCM encrypt"));
  }
  return {};
}

Status AesGcm::open(Bytes nonce, Bytes associated, Bytes ciphertext, Bytes tag,
                    MutableBytes plaintext) {
  if (nonce.size() != kGcmNonceSize || tag.size() != kGcmTagSize ||
      ciphertext.size() != plaintext.size() || !fitsInt(ciphertext.size()) ||
      !fitsInt(associated.size())) {
    return fail(ErrorCode::kInvalidArgument, "AES-GCM open: bad buffer sizes");
  }
  if (fast_) {
    if (fast_->open(nonce, associated, ciphertext, tag, plaintext)) return {};
    cleanse(plaintext);
    return fail(ErrorCode::kSegmentAuth, "authentication failed");
  }
  EVP_CIPHER_CTX* ctx = decrypt_.get();
  int len = 0;
  if (EVP_DecryptInit_ex2(ctx, nullptr, nullptr, nonce.data(), nullptr) != 1 ||
      (!associated.empty() && EVP_DecryptUpdate(ctx, nullptr, &len, associated.data(),
                                                static_cast<int>(associated.size())) != 1) ||
      EVP_DecryptUpdate(ctx, plaintext.data(), &len, ciphertext.data(),
                        static_cast<int>(ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kGcmTagSize,
                          const_cast<std::uint8_t*>(tag.data())) != 1) {
    cleanse(plaintext);
    return std::unexpected(opensslError("AES-256-GCM decrypt"));
  }
  if (EVP_DecryptFinal_ex(ctx, plaintext.data() + len, &len) != 1) {
    cleanse(plaintext);
    // Anything a tag mismatch leaves on the queue is not news; keep it from
    // leaking into the next, unrelated error report.
    ERR_clear_error();
    return fail(ErrorCode::kSegmentAuth, "authentication failed");
  }
  return {};
}

}  // namespace storage
