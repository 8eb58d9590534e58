#include "storage/object_reader_cache.h"

#include <algorithm>
#include <utility>

namespace storage {

void ObjectReaderReturn::operator()(ObjectReader* reader) const noexcept {
  std::unique_ptr<ObjectReader> owned(reader);
  if (cache) cache->give(object, epoch, std::move(owned));
}

ObjectReaderCache::ObjectReaderCache(std::size_t max_idle, std::chrono::milliseconds max_idle_time)
    : max_idle_(max_idle), max_idle_time_(max_idle_time) {}

void ObjectReaderCache::expireLocked(std::chrono::steady_clock::time_point now,
                                     std::vector<Idle>& closing) {
  const auto fresh = std::find_if(idle_.begin(), idle_.end(),
                                  [&](const Idle& idle) { return now - idle.since < max_idle_time_; });
  std::move(idle_.begin(), fresh, std::back_inserter(closing));
  idle_.erase(idle_.begin(), fresh);
}

ObjectHandle ObjectReaderCache::take(const Id& object) {
  std::vector<Idle> closing;  // closed after the lock is released
  std::lock_guard lock(mutex_);
  expireLocked(std::chrono::steady_clock::now(), closing);
  // The most recently returned reader first: its file's pages are the likeliest cached.
  const auto found = std::find_if(idle_.rbegin(), idle_.rend(),
                                  [&](const Idle& idle) { return idle.object == object; });
  if (found == idle_.rend()) return ObjectHandle(nullptr, ObjectReaderReturn{});
  std::unique_ptr<ObjectReader> reader = std::move(found->reader);
  idle_.erase(std::next(found).base());
  return ObjectHandle(reader.release(), ObjectReaderReturn{shared_from_this(), object, epoch_});
}

std::uint64_t ObjectReaderCache::epoch() const {
  std::lock_guard lock(mutex_);
  return epoch_;
}

ObjectHandle ObjectReaderCache::adopt(const Id& object, std::uint64_t epoch,
                                      std::unique_ptr<ObjectReader> reader) {
  return ObjectHandle(reader.release(), ObjectReaderReturn{shared_from_this(), object, epoch});
}

void ObjectReaderCache::give(const Id& object, std::uint64_t epoch,
                             std::unique_ptr<ObjectReader> reader) noexcept {
  reader->shed();
  std::vector<Idle> closing;
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  if (epoch != epoch_ || max_idle_ == 0) return;  // `reader` closes on the way out
  expireLocked(now, closing);
  try {
    if (idle_.size() >= max_idle_) {
      closing.push_back(std::move(idle_.front()));
      idle_.erase(idle_.begin());
    }
    idle_.push_back(Idle{object, now, std::move(reader)});
  } catch (...) {
    // Out of memory: the reader just closes.
  }
}

void ObjectReaderCache::forget() {
  std::vector<Idle> closing;
  std::lock_guard lock(mutex_);
  ++epoch_;
  closing.swap(idle_);
}

std::size_t ObjectReaderCache::idleCount() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace storage
