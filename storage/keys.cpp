#include "storage/keys.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "storage/file_system.h"
#include "storage/hex.h"

namespace storage {
namespace {

constexpr std::string_view kKeyFileMagic = "lessonvault-master-key v1 ";
constexpr std::string_view kSuffix = ".key";
constexpr std::string_view kWrapLabel = "lessonvault data key v1";

std::string permissionsText(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::unexpected<Error> keyFileError(const std::string& path, const std::string& why) {
  return fail(ErrorCode::kKeyFile, "master key file " + path + ": " + why);
}

// Reads and checks one key file. The permission check is on the open
// descriptor, so the file checked is the file read.
Result<std::pair<Id, SecretKey>> readKeyFile(const std::string& path, const std::string& name) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return keyFileError(path, std::strerror(errno));
  std::array<char, 256> text{};
  struct stat st {};
  ssize_t n = -1;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) n = ::read(fd, text.data(), text.size());
  ::close(fd);
  // Wiped on every path out of here, with whatever key digits it held.
  struct Wipe {
    std::array<char, 256>& t;
    ~Wipe() { cleanse(MutableBytes(reinterpret_cast<std::uint8_t*>(t.data()), t.size())); }
  } wipe{text};
  if (!S_ISREG(st.st_mode)) return keyFileError(path, "not a regular file");
  if (st.st_uid != ::geteuid()) {
    return keyFileError(path, "owned by uid " + std::to_string(st.st_uid) +
                                  ", not by the user running LessonVault (uid " +
                                  std::to_string(::geteuid()) + ")");
  }
  if ((st.st_mode & 077) != 0) {
    return keyFileError(path, "mode " + permissionsText(st.st_mode) +
                                  " lets group or others access it; run chmod 600");
  }
  std::string_view content(text.data(), n > 0 ? static_cast<std::size_t>(n) : 0);
  const std::string id_hex = name.substr(0, name.size() - kSuffix.size());
  // "<magic><id hex> <key hex>\n"
  const std::size_t expected = kKeyFileMagic.size() + 32 + 1 + 64 + 1;
  if (content.size() != expected || !content.starts_with(kKeyFileMagic) ||
      content.substr(kKeyFileMagic.size(), 32) != id_hex ||
      content[kKeyFileMagic.size() + 32] != ' ' || content.back() != '\n') {
    return keyFileError(path, "malformed (expected one line: magic, id, 64 hex digits)");
  }
  auto id = Id::parse(id_hex);
  std::array<std::uint8_t, kKeySize> raw{};
  const bool ok = id.has_value() && fromHex(content.substr(kKeyFileMagic.size() + 33, 64), raw);
  if (!ok) {
    cleanse(raw);
    return keyFileError(path, "malformed key digits");
  }
  auto key = SecretKey::fromBytes(raw);
  cleanse(raw);
  if (!key) return std::unexpected(key.error());
  return std::pair<Id, SecretKey>(*id, std::move(*key));
}

// Associated data for a wrapped key: label || subject (a recording id, or
// nothing) || master key id. Fixed-size parts per label keep it unambiguous.
std::vector<std::uint8_t> wrapAssociated(std::string_view label, Bytes subject, const Id& master) {
  std::vector<std::uint8_t> ad(label.begin(), label.end());
  ad.insert(ad.end(), subject.begin(), subject.end());
  ad.insert(ad.end(), master.bytes().begin(), master.bytes().end());
  return ad;
}

Result<WrappedKey> wrapKey(const SecretKey& key, std::string_view label, Bytes subject,
                           const Id& master_key_id, const SecretKey& master_key) {
  auto aead = AesGcm::create(master_key);
  if (!aead) return std::unexpected(aead.error());
  WrappedKey wrapped{master_key_id, std::vector<std::uint8_t>(kWrappedKeySize)};
  MutableBytes blob(wrapped.blob);
  LV_TRY(randomBytes(blob.first(kGcmNonceSize)));
  const auto ad = wrapAssociated(label, subject, master_key_id);
  LV_TRY(aead->seal(blob.first(kGcmNonceSize), ad, key.bytes(),
                    blob.subspan(kGcmNonceSize, kKeySize), blob.subspan(kGcmNonceSize + kKeySize)));
  return wrapped;
}

Result<SecretKey> unwrapKey(const WrappedKey& wrapped, std::string_view label, Bytes subject,
                            const KeyRing& ring, const std::string& what) {
  const SecretKey* master = ring.find(wrapped.master_key_id);
  if (master == nullptr) {
    return fail(ErrorCode::kKeyFile,
                "master key " + wrapped.master_key_id.hex() + " is not in the key directory");
  }
  if (wrapped.blob.size() != kWrappedKeySize) {
    return fail(ErrorCode::kKeyUnwrap, what + " has the wrong size");
  }
  auto aead = AesGcm::create(*master);
  if (!aead) return std::unexpected(aead.error());
  Bytes blob(wrapped.blob);
  std::array<std::uint8_t, kKeySize> raw{};
  const auto ad = wrapAssociated(label, subject, wrapped.master_key_id);
  if (!aead->open(blob.first(kGcmNonceSize), ad, blob.subspan(kGcmNonceSize, kKeySize),
                  blob.subspan(kGcmNonceSize + kKeySize), raw)) {
    return fail(ErrorCode::kKeyUnwrap,
                what + " does not open under master key " + wrapped.master_key_id.hex());
  }
  auto key = SecretKey::fromBytes(raw);
  cleanse(raw);
  return key;
}

constexpr std::string_view kAuditWrapLabel = "lessonvault audit key v1";
constexpr std::string_view kNamedWrapLabel = "lessonvault named key v1";

Bytes nameBytes(std::string_view name) {
  return Bytes(reinterpret_cast<const std::uint8_t*>(name.data()), name.size());
}

}  // namespace

Result<KeyRing> KeyRing::load(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    return fail(ErrorCode::kKeyFile, "key directory " + dir + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) {
    return fail(ErrorCode::kKeyFile, "key directory " + dir +
                                         " must be a directory owned by the user running "
                                         "LessonVault");
  }
  if ((st.st_mode & 022) != 0) {
    return fail(ErrorCode::kKeyFile, "key directory " + dir +
                                         " is writable by group or others (mode " +
                                         permissionsText(st.st_mode) + "); run chmod 700");
  }
  auto names = FileSystem::posix().list(dir);
  if (!names) return std::unexpected(names.error());
  KeyRing ring;
  for (const std::string& name : *names) {
    if (!name.ends_with(kSuffix) || name.size() != 32 + kSuffix.size()) continue;
    auto entry = readKeyFile(joinPath(dir, name), name);
    if (!entry) return std::unexpected(entry.error());
    ring.keys_.emplace(entry->first.hex(), std::move(entry->second));
  }
  return ring;
}

Result<Id> KeyRing::generate(const std::string& dir) {
  auto id = Id::random();
  if (!id) return std::unexpected(id.error());
  auto key = SecretKey::random();
  if (!key) return std::unexpected(key.error());
  std::string text(kKeyFileMagic);
  text += id->hex();
  text += ' ';
  std::string key_hex = toHex(key->bytes());
  text += key_hex;
  cleanse(MutableBytes(reinterpret_cast<std::uint8_t*>(key_hex.data()), key_hex.size()));
  text += '\n';

  FileSystem& fs = FileSystem::posix();
  const std::string temp = joinPath(dir, "." + id->hex() + ".tmp");
  const std::string path = joinPath(dir, id->hex() + std::string(kSuffix));
  auto file = fs.createNew(temp);
  Status status = file ? Status{} : std::unexpected(file.error());
  if (status)
    status =
        (*file)->append(Bytes(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  if (status) status = (*file)->sync();
  cleanse(MutableBytes(reinterpret_cast<std::uint8_t*>(text.data()), text.size()));
  if (status) status = fs.rename(temp, path);
  if (!status) {
    (void)fs.remove(temp);
    return std::unexpected(status.error());
  }
  if (auto synced = fs.syncDir(dir); !synced) {
    (void)fs.remove(path);
    return std::unexpected(synced.error());
  }
  return *id;
}

Status KeyRing::removeKeyFile(const std::string& dir, const Id& id) {
  FileSystem& fs = FileSystem::posix();
  LV_TRY(fs.remove(joinPath(dir, id.hex() + std::string(kSuffix))));
  return fs.syncDir(dir);
}

const SecretKey* KeyRing::find(const Id& id) const {
  auto it = keys_.find(id.hex());
  return it == keys_.end() ? nullptr : &it->second;
}

std::vector<Id> KeyRing::ids() const {
  std::vector<Id> out;
  for (const auto& [hex, key] : keys_) out.push_back(*Id::parse(hex));
  return out;
}

Result<WrappedKey> wrapDataKey(const SecretKey& data_key, const Id& recording_id,
                               const Id& master_key_id, const SecretKey& master_key) {
  return wrapKey(data_key, kWrapLabel, recording_id.bytes(), master_key_id, master_key);
}

Result<SecretKey> unwrapDataKey(const WrappedKey& wrapped, const Id& recording_id,
                                const KeyRing& ring) {
  return unwrapKey(wrapped, kWrapLabel, recording_id.bytes(), ring,
                   "data key of recording " + recording_id.hex());
}

Result<WrappedKey> wrapAuditKey(const SecretKey& audit_key, const Id& master_key_id,
                                const SecretKey& master_key) {
  return wrapKey(audit_key, kAuditWrapLabel, {}, master_key_id, master_key);
}

Result<SecretKey> unwrapAuditKey(const WrappedKey& wrapped, const KeyRing& ring) {
  return unwrapKey(wrapped, kAuditWrapLabel, {}, ring, "audit key");
}

Result<WrappedKey> wrapNamedKey(const SecretKey& key, std::string_view name,
                                const Id& master_key_id, const SecretKey& master_key) {
  return wrapKey(key, kNamedWrapLabel, nameBytes(name), master_key_id, master_key);
}

Result<SecretKey> unwrapNamedKey(const WrappedKey& wrapped, std::string_view name,
                                 const KeyRing& ring) {
  return unwrapKey(wrapped, kNamedWrapLabel, nameBytes(name), ring, std::string(name));
}

}  // namespace storage
