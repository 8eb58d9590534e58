// AES-256-GCM through Intel's Multi-Buffer Crypto for IPsec library (Debian's
// libipsec-mb), used by AesGcm where it is faster than OpenSSL 3.0: on CPUs with
// AVX-512, VAES and VPCLMULQDQ it decrypts 64 KiB segments about 2.8x as fast
// (docs/storage-aes-gcm-engines.md). Internal to storage.
#pragma once

#include <memory>
#include <string>

#include "storage/crypto.h"

namespace storage::internal {

// True when the library was built in and this CPU runs its AVX-512 VAES code.
bool ipsecGcmAvailable();
// "intel-ipsec-mb 1.3.0 (AVX-512, VAES)", or why it is not used.
std::string ipsecGcmDescription();

// One expanded key (round keys and GHASH powers, wiped on destruction). Not
// thread-safe, like AesGcm.
class IpsecGcmKey {
 public:
  static Result<IpsecGcmKey> create(const SecretKey& key);

  IpsecGcmKey(IpsecGcmKey&&) noexcept;
  IpsecGcmKey& operator=(IpsecGcmKey&&) noexcept;
  ~IpsecGcmKey();

  // Sizes are checked by AesGcm; these trust them.
  void seal(Bytes nonce, Bytes associated, Bytes plaintext, MutableBytes ciphertext,
            MutableBytes tag);
  // Decrypts into `plaintext` and returns whether the tag matched (in constant time);
  // the caller wipes the plaintext when it did not.
  bool open(Bytes nonce, Bytes associated, Bytes ciphertext, Bytes tag, MutableBytes plaintext);

 private:
  struct Expanded;
  struct ExpandedFree {
    void operator()(Expanded* expanded) const;
  };
  explicit IpsecGcmKey(std::unique_ptr<Expanded, ExpandedFree> expanded);
  std::unique_ptr<Expanded, ExpandedFree> expanded_;
};

}  // namespace storage::internal
