// Master keys and the wrapping of per-recording data keys.
//
// A master key lives in its own file, <id hex>.key, in the key directory
// (outside the data directory in production). A file readable or writable by
// group or others is refused, as is a key directory writable by them. Each
// recording's random data key is stored only wrapped: AES-256-GCM under a
// master key, associated data = label || recording id || master key id, so a
// wrapped key copied to another recording's row, or relabelled with another
// master key id, does not open.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "storage/crypto.h"
#include "storage/ids.h"

namespace storage {

inline constexpr std::size_t kWrappedKeySize = kGcmNonceSize + kKeySize + kGcmTagSize;

struct WrappedKey {
  Id master_key_id;
  std::vector<std::uint8_t> blob;  // nonce || ciphertext || tag
};

// The master keys found in one directory. Immutable after load; thread-safe.
class KeyRing {
 public:
  // Loads every *.key file; other names are ignored. Fails on the first file
  // that is malformed, not a regular file, or too permissive (kKeyFile).
  static Result<KeyRing> load(const std::string& dir);

  // Writes a new random master key file (mode 0600) atomically and durably.
  static Result<Id> generate(const std::string& dir);

  // Removes a retired master key's file. The caller has checked that no data
  // key is wrapped under it.
  static Status removeKeyFile(const std::string& dir, const Id& id);

  const SecretKey* find(const Id& id) const;
  std::vector<Id> ids() const;
  bool empty() const { return keys_.empty(); }

 private:
  std::map<std::string, SecretKey> keys_;  // by id hex
};

Result<WrappedKey> wrapDataKey(const SecretKey& data_key, const Id& recording_id,
                               const Id& master_key_id, const SecretKey& master_key);

// kKeyUnwrap when the blob was altered, moved from another recording, or
// relabelled; kKeyFile when its master key is not in the ring.
Result<SecretKey> unwrapDataKey(const WrappedKey& wrapped, const Id& recording_id,
                                const KeyRing& ring);

// The audit chain's MAC key, wrapped the same way with its own label
// ("lessonvault audit key v1" || master key id) so it can never pass for a data key.
Result<WrappedKey> wrapAuditKey(const SecretKey& audit_key, const Id& master_key_id,
                                const SecretKey& master_key);
Result<SecretKey> unwrapAuditKey(const WrappedKey& wrapped, const KeyRing& ring);

// Other service keys kept in the secrets table (e.g. "accounts_key", which
// encrypts TOTP secrets), wrapped with their own label ("lessonvault named key
// v1" || name || master key id), so a key moved to another name does not open.
Result<WrappedKey> wrapNamedKey(const SecretKey& key, std::string_view name,
                                const Id& master_key_id, const SecretKey& master_key);
Result<SecretKey> unwrapNamedKey(const WrappedKey& wrapped, std::string_view name,
                                 const KeyRing& ring);

}  // namespace storage
