#include "storage/backup_manifest.h"

#include <charconv>
#include <map>
#include <memory>

#include <openssl/evp.h>

#include "storage/hex.h"
#include "storage/ids.h"
#include "storage/openssl_util.h"

namespace storage {
namespace {

constexpr std::string_view kMagic = "lessonvault-backup 1";
constexpr std::size_t kChunk = 1 << 20;
constexpr std::uint64_t kMaxManifestBytes = 64ull << 20;

struct EvpMdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree>;

class Sha256 {
 public:
  static Result<Sha256> create() {
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
      return std::unexpected(internal::opensslError("SHA-256 init"));
    }
    return Sha256(std::move(ctx));
  }
  Status update(Bytes data) {
    if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) {
      return std::unexpected(internal::opensslError("SHA-256 update"));
    }
    return {};
  }
  Result<std::string> finish() {
    std::uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), digest, &length) != 1) {
      return std::unexpected(internal::opensslError("SHA-256 final"));
    }
    return toHex({digest, length});
  }

 private:
  explicit Sha256(EvpMdCtxPtr ctx) : ctx_(std::move(ctx)) {}
  EvpMdCtxPtr ctx_;
};

// Reads `path` in chunks, hashing each and passing it to `sink` if given.
Result<ManifestFile> readHashed(FileSystem& fs, const std::string& path, WritableFile* sink) {
  auto file = fs.openRead(path);
  if (!file) return std::unexpected(file.error());
  auto size = (*file)->size();
  if (!size) return std::unexpected(size.error());
  auto hash = Sha256::create();
  if (!hash) return std::unexpected(hash.error());
  std::vector<std::uint8_t> buffer(kChunk);
  for (std::uint64_t offset = 0; offset < *size;) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, *size - offset));
    const MutableBytes chunk(buffer.data(), n);
    LV_TRY((*file)->readAt(offset, chunk));
    LV_TRY(hash->update(chunk));
    if (sink != nullptr) LV_TRY(sink->append(chunk));
    offset += n;
  }
  auto digest = hash->finish();
  if (!digest) return std::unexpected(digest.error());
  return ManifestFile{"", *size, *digest};
}

Result<std::string> readSmallFile(FileSystem& fs, const std::string& path) {
  auto file = fs.openRead(path);
  if (!file) return std::unexpected(file.error());
  auto size = (*file)->size();
  if (!size) return std::unexpected(size.error());
  if (*size > kMaxManifestBytes) return fail(ErrorCode::kLimit, path + " is too large");
  std::string text(*size, '\0');
  LV_TRY((*file)->readAt(0, {reinterpret_cast<std::uint8_t*>(text.data()), text.size()}));
  return text;
}

std::unexpected<Error> mismatch(const std::string& dir, const std::string& what) {
  return fail(ErrorCode::kInvalidArgument,
              "the backup in " + dir + " does not match its manifest: " + what +
                  "; it is damaged or was changed, and is not restored");
}

Result<Manifest> parseManifest(const std::string& dir, std::string_view text) {
  Manifest manifest;
  std::size_t line_no = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos) return mismatch(dir, "the manifest's last line is cut off");
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end + 1);
    ++line_no;
    const std::string where = "manifest line " + std::to_string(line_no);
    if (line_no == 1) {
      if (line != kMagic) return mismatch(dir, "not a LessonVault backup manifest");
      continue;
    }
    if (line.starts_with("created ")) {
      const std::string_view value = line.substr(8);
      const auto [p, ec] =
          std::from_chars(value.data(), value.data() + value.size(), manifest.created_at);
      if (ec != std::errc{} || p != value.data() + value.size()) return mismatch(dir, where);
    } else if (line.starts_with("absent ")) {
      const std::string path(line.substr(7));
      if (!isBackupPath(path) || path == kBackupDatabaseName) return mismatch(dir, where);
      manifest.absent.push_back(path);
    } else if (line.starts_with("file ") && line.size() > 5 + 64 + 1) {
      ManifestFile file;
      file.sha256 = std::string(line.substr(5, 64));
      std::string_view rest = line.substr(5 + 64);
      const std::size_t space = rest.find(' ', 1);
      if (rest.front() != ' ' || space == std::string_view::npos) return mismatch(dir, where);
      const std::string_view size = rest.substr(1, space - 1);
      const auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), file.size);
      file.path = std::string(rest.substr(space + 1));
      std::uint8_t digest[32];
      if (ec != std::errc{} || p != size.data() + size.size() || !isBackupPath(file.path) ||
          !fromHex(file.sha256, digest)) {
        return mismatch(dir, where);
      }
      manifest.files.push_back(std::move(file));
    } else {
      return mismatch(dir, where);
    }
  }
  if (line_no == 0) return mismatch(dir, "the manifest is empty");
  return manifest;
}

}  // namespace

bool isBackupPath(std::string_view path) {
  if (path == kBackupDatabaseName) return true;
  for (std::string_view prefix : {"objects/", "uploads/"}) {
    if (path.starts_with(prefix)) return Id::parse(path.substr(prefix.size())).has_value();
  }
  return false;
}

Result<ManifestFile> hashFile(FileSystem& fs, const std::string& path) {
  return readHashed(fs, path, nullptr);
}

Result<ManifestFile> copyFileHashed(FileSystem& fs, const std::string& from,
                                    const std::string& to) {
  const std::string temp = joinPath(parentDir(to), ".copy.tmp");
  (void)fs.remove(temp);  // a leftover of an interrupted copy
  auto sink = fs.createNew(temp);
  if (!sink) return std::unexpected(sink.error());
  auto copied = readHashed(fs, from, sink->get());
  if (copied) {
    if (auto synced = (*sink)->sync(); !synced) copied = std::unexpected(synced.error());
  }
  sink->reset();
  if (copied) {
    if (auto renamed = fs.rename(temp, to); !renamed) copied = std::unexpected(renamed.error());
  }
  if (!copied) (void)fs.remove(temp);
  return copied;
}

Status writeManifest(FileSystem& fs, const std::string& dir, const Manifest& manifest) {
  std::string text =
      std::string(kMagic) + "\ncreated " + std::to_string(manifest.created_at) + "\n";
  for (const ManifestFile& file : manifest.files) {
    text += "file " + file.sha256 + " " + std::to_string(file.size) + " " + file.path + "\n";
  }
  for (const std::string& path : manifest.absent) text += "absent " + path + "\n";
  const std::string temp = joinPath(dir, ".manifest.tmp");
  (void)fs.remove(temp);
  auto file = fs.createNew(temp);
  if (!file) return std::unexpected(file.error());
  LV_TRY((*file)->append({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}));
  LV_TRY((*file)->sync());
  LV_TRY(fs.rename(temp, joinPath(dir, std::string(kManifestName))));
  return fs.syncDir(dir);
}

Result<Manifest> verifyBackup(FileSystem& fs, const std::string& dir) {
  auto text = readSmallFile(fs, joinPath(dir, std::string(kManifestName)));
  if (!text) {
    if (text.error().code != ErrorCode::kNotFound) return std::unexpected(text.error());
    return fail(ErrorCode::kNotFound, dir + " holds no " + std::string(kManifestName) +
                                          ": not a backup made by lessonvault-admin backup");
  }
  auto manifest = parseManifest(dir, *text);
  if (!manifest) return std::unexpected(manifest.error());
  std::map<std::string, const ManifestFile*> listed;
  for (const ManifestFile& file : manifest->files) {
    if (!listed.emplace(file.path, &file).second)
      return mismatch(dir, file.path + " is listed twice");
  }
  if (!listed.contains(std::string(kBackupDatabaseName))) {
    return mismatch(dir, "it lists no database");
  }
  for (const auto& [path, file] : listed) {
    auto found = hashFile(fs, joinPath(dir, path));
    if (!found) {
      if (found.error().code == ErrorCode::kNotFound) return mismatch(dir, path + " is missing");
      return std::unexpected(found.error());
    }
    if (found->size != file->size) {
      return mismatch(dir, path + " has " + std::to_string(found->size) +
                               " bytes, the manifest says " + std::to_string(file->size));
    }
    if (found->sha256 != file->sha256) return mismatch(dir, path + " has another SHA-256");
  }
  for (std::string_view sub : {"objects", "uploads"}) {
    auto names = fs.list(joinPath(dir, std::string(sub)));
    if (!names) return std::unexpected(names.error());
    for (const std::string& name : *names) {
      const std::string path = std::string(sub) + "/" + name;
      if (!listed.contains(path)) return mismatch(dir, path + " is not in the manifest");
    }
  }
  return manifest;
}

}  // namespace storage
