#include "server/tus_uploads.h"

namespace server {

storage::Result<std::shared_ptr<UploadRegistry::Slot>> UploadRegistry::slot(
    const storage::Id& upload) {
  std::shared_ptr<Slot> found;
  {
    std::lock_guard lock(mutex_);
    if (forgotten_.contains(upload.hex())) {
      return storage::fail(storage::ErrorCode::kNotFound, "upload is finished");
    }
    auto [it, inserted] = slots_.try_emplace(upload.hex(), nullptr);
    if (inserted) it->second = std::make_shared<Slot>();
    found = it->second;
  }
  // Opened once, under the slot's own lock and outside the registry's:
  // recovery reads the whole log and may cut a torn tail, which must never
  // happen beside an append through another opening of the same file.
  std::lock_guard open(found->append_mutex);
  if (!found->log) {
    auto log = vault_->openUpload(upload);
    if (!log) {
      std::lock_guard lock(mutex_);
      if (auto it = slots_.find(upload.hex()); it != slots_.end() && it->second == found) {
        slots_.erase(it);
      }
      return std::unexpected(log.error());
    }
    found->log = std::move(*log);
  }
  return found;
}

storage::Result<std::unique_ptr<UploadRegistry::Lease>> UploadRegistry::acquire(
    const storage::Id& upload) {
  auto found = slot(upload);
  if (!found) return std::unexpected(found.error());
  std::lock_guard lock(mutex_);
  Slot& s = **found;
  const auto now = Clock::now();
  if (s.busy && now - s.last_activity < stall_) return nullptr;
  s.busy = true;
  s.last_activity = now;
  return std::unique_ptr<Lease>(new Lease(*this, *found, ++s.generation));
}

storage::Result<std::uint64_t> UploadRegistry::offset(const storage::Id& upload) {
  auto found = slot(upload);
  if (!found) return std::unexpected(found.error());
  std::lock_guard append(found.value()->append_mutex);
  return found.value()->log->offset();
}

void UploadRegistry::forget(const storage::Id& upload) {
  std::shared_ptr<Slot> gone;
  {
    std::lock_guard lock(mutex_);
    forgotten_.insert(upload.hex());
    auto found = slots_.find(upload.hex());
    if (found == slots_.end()) return;
    gone = found->second;
    gone->forgotten = true;
    slots_.erase(found);
  }
  // Wait for an append in flight, so the caller may remove the file after this.
  std::lock_guard append(gone->append_mutex);
}

std::size_t UploadRegistry::openCount() const {
  std::lock_guard lock(mutex_);
  return slots_.size();
}

UploadRegistry::Lease::~Lease() {
  std::lock_guard lock(registry_.mutex_);
  if (slot_->generation == generation_) slot_->busy = false;
}

bool UploadRegistry::Lease::current() const {
  std::lock_guard lock(registry_.mutex_);
  return slot_->generation == generation_ && !slot_->forgotten;
}

void UploadRegistry::Lease::touch() {
  std::lock_guard lock(registry_.mutex_);
  if (slot_->generation == generation_) slot_->last_activity = Clock::now();
}

std::uint64_t UploadRegistry::Lease::offset() {
  std::lock_guard append(slot_->append_mutex);
  return slot_->log->offset();
}

storage::Result<std::optional<std::uint64_t>> UploadRegistry::Lease::append(
    storage::Bytes data) {
  std::lock_guard append(slot_->append_mutex);
  // Checked under the append lock: a PATCH that took over, or forget(), holds
  // it too, so a stalled request can never append after losing its lease.
  if (!current()) return std::optional<std::uint64_t>{};
  auto offset = slot_->log->append(data);
  if (!offset) return std::unexpected(offset.error());
  touch();
  return std::optional<std::uint64_t>{*offset};
}

}  // namespace server
