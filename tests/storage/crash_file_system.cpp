#include "tests/storage/crash_file_system.h"

#include <filesystem>
#include <unistd.h>

namespace storage::testing {
namespace {

class CrashWritableFile final : public WritableFile {
 public:
  CrashWritableFile(CrashFileSystem& fs, std::string path, std::unique_ptr<WritableFile> real)
      : fs_(fs), path_(std::move(path)), real_(std::move(real)) {}

  Status append(Bytes data) override {
    LV_TRY(fs_.tick());
    LV_TRY(real_->append(data));
    fs_.wrote(path_, data.size());
    return {};
  }

  Status sync() override {
    LV_TRY(fs_.tick());
    LV_TRY(real_->sync());
    fs_.synced(path_);
    return {};
  }

 private:
  CrashFileSystem& fs_;
  std::string path_;  // files are never renamed while open for writing here
  std::unique_ptr<WritableFile> real_;
};

FileSystem& real() { return FileSystem::posix(); }

}  // namespace

Status CrashFileSystem::tick() {
  if (crashed_ || countdown_ == 0) {
    crashed_ = true;
    return fail(ErrorCode::kIo, "simulated crash");
  }
  --countdown_;
  if (failing_.contains(operations_++)) return fail(ErrorCode::kIo, "simulated I/O error");
  return {};
}

Result<std::unique_ptr<WritableFile>> CrashFileSystem::createNew(const std::string& path) {
  LV_TRY(tick());
  auto file = real().createNew(path);
  if (!file) return std::unexpected(file.error());
  files_[path] = FileState{};
  pending_.push_back({parentDir(path), "", path});
  return std::make_unique<CrashWritableFile>(*this, path, std::move(*file));
}

Result<std::unique_ptr<WritableFile>> CrashFileSystem::openAppend(const std::string& path) {
  LV_TRY(tick());
  auto file = real().openAppend(path);
  if (!file) return std::unexpected(file.error());
  if (!files_.contains(path)) {
    // A file from before this layer saw it is durable as it stands.
    const auto size = std::filesystem::file_size(path);
    files_[path] = FileState{size, size};
  }
  return std::make_unique<CrashWritableFile>(*this, path, std::move(*file));
}

Result<std::unique_ptr<RandomAccessFile>> CrashFileSystem::openRead(const std::string& path) {
  LV_TRY(tick());
  return real().openRead(path);
}

Status CrashFileSystem::rename(const std::string& from, const std::string& to) {
  LV_TRY(tick());
  LV_TRY(real().rename(from, to));
  if (auto it = files_.find(from); it != files_.end()) {
    files_[to] = it->second;
    files_.erase(it);
  }
  pending_.push_back({parentDir(to), from, to});
  return {};
}

Status CrashFileSystem::remove(const std::string& path) {
  LV_TRY(tick());
  LV_TRY(real().remove(path));
  files_.erase(path);
  return {};
}

Status CrashFileSystem::truncate(const std::string& path, std::uint64_t size) {
  LV_TRY(tick());
  LV_TRY(real().truncate(path, size));  // truncates and fsyncs
  files_[path] = FileState{size, size};
  return {};
}

Status CrashFileSystem::syncDir(const std::string& dir) {
  LV_TRY(tick());
  LV_TRY(real().syncDir(dir));
  std::erase_if(pending_, [&](const PendingName& p) { return p.dir == dir; });
  return {};
}

Status CrashFileSystem::createDirs(const std::string& path) { return real().createDirs(path); }
Result<bool> CrashFileSystem::exists(const std::string& path) { return real().exists(path); }
Result<std::vector<std::string>> CrashFileSystem::list(const std::string& dir) {
  return real().list(dir);
}

void CrashFileSystem::crash() {
  crashed_ = true;
  // Bytes first, at the paths files have now; then names, newest change first.
  for (auto& [path, state] : files_) {
    if (!std::filesystem::exists(path)) continue;
    std::uint64_t keep = state.synced;
    const std::uint64_t unsynced = state.size - state.synced;
    const int fate = static_cast<int>(rng_() % 3);  // lost / torn prefix kept / torn prefix zeroed
    if (unsynced > 0 && fate > 0) keep += rng_() % (unsynced + 1);
    std::filesystem::resize_file(path, keep);
    if (fate == 2 && keep > state.synced) {
      // Zeroes where unsynced data was: the file grew, its blocks never arrived.
      std::filesystem::resize_file(path, state.synced);
      std::filesystem::resize_file(path, keep);
    }
  }
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
    std::error_code ignored;
    if (it->from.empty()) {
      std::filesystem::remove(it->to, ignored);
    } else {
      std::filesystem::rename(it->to, it->from, ignored);
    }
  }
  pending_.clear();
  files_.clear();
}

}  // namespace storage::testing
