#include "storage/gcm_ipsec.h"

#include <array>
#include <cstdint>
#include <new>

#if LV_HAVE_IPSEC_MB
#include <intel-ipsec-mb.h>
#endif

namespace storage::internal {

#if LV_HAVE_IPSEC_MB

namespace {

// The manager only supplies function pointers for the direct GCM API, chosen once for
// this CPU; after initialisation it is read, never written, so threads share it.
struct Library {
  IMB_MGR* manager = nullptr;
  IMB_ARCH arch = IMB_ARCH_NONE;
  bool fast = false;

  Library() {
    manager = alloc_mb_mgr(0);
    if (manager == nullptr) return;
    init_mb_mgr_auto(manager, &arch);
    constexpr std::uint64_t kNeeded = IMB_FEATURE_AESNI | IMB_FEATURE_PCLMULQDQ | IMB_FEATURE_VAES |
                                      IMB_FEATURE_VPCLMULQDQ;
    // Only the AVX-512 VAES code beats OpenSSL 3.0's stitched AES-NI/AVX2 GCM; on
    // other CPUs OpenSSL stays, rather than an engine nobody measured there.
    fast = imb_get_errno(manager) == 0 && arch == IMB_ARCH_AVX512 &&
           (manager->features & kNeeded) == kNeeded;
  }
};

const Library& library() {
  // Never destroyed: a thread still encrypting while the process exits must not find
  // the function pointers freed under it.
  static const Library* const instance = new Library;
  return *instance;
}

// GCM's direct API wants non-null pointers even for empty inputs.
const std::uint8_t* orDummy(const std::uint8_t* p) {
  static const std::uint8_t dummy = 0;
  return p != nullptr ? p : &dummy;
}
std::uint8_t* orDummy(std::uint8_t* p) {
  static thread_local std::uint8_t dummy = 0;
  return p != nullptr ? p : &dummy;
}

}  // namespace

bool ipsecGcmAvailable() { return library().fast; }

std::string ipsecGcmDescription() {
  const Library& lib = library();
  const std::string name = std::string("intel-ipsec-mb ") + imb_get_version_str();
  if (lib.fast) return name + " (AVX-512, VAES, VPCLMULQDQ)";
  return name + " present but not used: this CPU lacks AVX-512 with VAES and VPCLMULQDQ";
}

// 64-byte aligned for the vector code (intel-ipsec-mb.h asks for it only on some
// platforms; its VAES code loads unaligned, but aligned loads never split a cache line).
struct alignas(64) IpsecGcmKey::Expanded {
  gcm_key_data key;
  gcm_context_data context;
};

void IpsecGcmKey::ExpandedFree::operator()(Expanded* expanded) const {
  cleanse(MutableBytes(reinterpret_cast<std::uint8_t*>(expanded), sizeof(Expanded)));
  ::operator delete(expanded, std::align_val_t{alignof(Expanded)});
}

Result<IpsecGcmKey> IpsecGcmKey::create(const SecretKey& key) {
  if (!ipsecGcmAvailable()) {
    return fail(ErrorCode::kCrypto, "AES-256-GCM: " + ipsecGcmDescription());
  }
  // gcm_key_data is over-aligned (64 bytes) for the vector loads.
  void* memory = ::operator new(sizeof(Expanded), std::align_val_t{alignof(Expanded)});
  std::unique_ptr<Expanded, ExpandedFree> expanded(new (memory) Expanded{});
  IMB_AES256_GCM_PRE(library().manager, key.bytes().data(), &expanded->key);
  return IpsecGcmKey(std::move(expanded));
}

IpsecGcmKey::IpsecGcmKey(std::unique_ptr<Expanded, ExpandedFree> expanded)
    : expanded_(std::move(expanded)) {}
IpsecGcmKey::IpsecGcmKey(IpsecGcmKey&&) noexcept = default;
IpsecGcmKey& IpsecGcmKey::operator=(IpsecGcmKey&&) noexcept = default;
IpsecGcmKey::~IpsecGcmKey() = default;

// Sizes are AesGcm's to check (the library would skip the work silently).
void IpsecGcmKey::seal(Bytes nonce, Bytes associated, Bytes plaintext, MutableBytes ciphertext,
                       MutableBytes tag) {
  IMB_AES256_GCM_ENC(library().manager, &expanded_->key, &expanded_->context,
                     orDummy(ciphertext.data()), orDummy(plaintext.data()), plaintext.size(),
                     nonce.data(), orDummy(associated.data()), associated.size(), tag.data(),
                     tag.size());
}

bool IpsecGcmKey::open(Bytes nonce, Bytes associated, Bytes ciphertext, Bytes tag,
                       MutableBytes plaintext) {
  // The library returns without a word when it rejects a parameter (AesGcm checks every
  // size first, so it never should); starting from the tag's complement, a computation
  // that did not happen can never match.
  std::array<std::uint8_t, kGcmTagSize> computed{};
  for (std::size_t i = 0; i < computed.size(); ++i) computed[i] = static_cast<std::uint8_t>(~tag[i]);
  IMB_AES256_GCM_DEC(library().manager, &expanded_->key, &expanded_->context,
                     orDummy(plaintext.data()), orDummy(ciphertext.data()), ciphertext.size(),
                     nonce.data(), orDummy(associated.data()), associated.size(), computed.data(),
                     computed.size());
  return constantTimeEqual(computed, tag);
}

#else  // built without libipsec-mb

bool ipsecGcmAvailable() { return false; }
std::string ipsecGcmDescription() { return "intel-ipsec-mb not built in"; }

struct IpsecGcmKey::Expanded {};
void IpsecGcmKey::ExpandedFree::operator()(Expanded* expanded) const { delete expanded; }

Result<IpsecGcmKey> IpsecGcmKey::create(const SecretKey&) {
  return fail(ErrorCode::kCrypto, "AES-256-GCM: " + ipsecGcmDescription());
}
IpsecGcmKey::IpsecGcmKey(std::unique_ptr<Expanded, ExpandedFree> expanded)
    : expanded_(std::move(expanded)) {}
IpsecGcmKey::IpsecGcmKey(IpsecGcmKey&&) noexcept = default;
IpsecGcmKey& IpsecGcmKey::operator=(IpsecGcmKey&&) noexcept = default;
IpsecGcmKey::~IpsecGcmKey() = default;
void IpsecGcmKey::seal(Bytes, Bytes, Bytes, MutableBytes, MutableBytes) {}
bool IpsecGcmKey::open(Bytes, Bytes, Bytes, Bytes, MutableBytes) { return false; }

#endif

}  // namespace storage::internal
