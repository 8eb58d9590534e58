#include "storage/object_reader_cache.h"

#include <algorithm>
#include <new>
#include <utility>

namespace storage {

void ObjectReaderReturn::operator()(ObjectReader* reader) const noexcept {
  std::unique_ptr<ObjectReader> owned(reader);
  if (cache) cache->give(object, epoch, std::move(owned));
}

ObjectReaderCache::ObjectReaderCache(std::size_t max_idle, std::chrono::milliseconds max_idle_time)
    : max_idle_(max_idle),
      max_idle_time_(max_idle_time),
      expirer_([this](std::stop_token stop) { expireUntilStopped(stop); }) {}

ObjectReaderCache::~ObjectReaderCache() {
  expirer_.request_stop();
  expirer_.join();
}

void ObjectReaderCache::expireUntilStopped(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    if (idle_.empty()) {
      idle_added_.wait(lock, stop, [&] { return !idle_.empty(); });
      continue;
    }
    // The oldest reader is the first to go; wait until then, or until stopped.
    const auto deadline = idle_.front().since + max_idle_time_;
    idle_added_.wait_until(lock, stop, deadline, [] { return false; });
    std::vector<Idle> closing;
    try {
      expireLocked(std::chrono::steady_clock::now(), closing);
    } catch (const std::bad_alloc&) {
      continue;  // try again at the next deadline
    }
    lock.unlock();
    closing.clear();  // closed outside the lock
    lock.lock();
  }
}

ObjectReaderCache::Suspension::Suspension(ObjectReaderCache& cache) : cache_(cache) {
  std::vector<Idle> closing;
  std::lock_guard lock(cache_.mutex_);
  ++cache_.suspended_;
  ++cache_.epoch_;
  closing.swap(cache_.idle_);
}

ObjectReaderCache::Suspension::~Suspension() {
  std::lock_guard lock(cache_.mutex_);
  --cache_.suspended_;
  ++cache_.epoch_;
}

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
  if (suspended_ > 0) return ObjectHandle(nullptr, ObjectReaderReturn{});
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
  // A reader from before a suspension or forget() closes on the way out (`reader` goes).
  if (epoch != epoch_ || suspended_ > 0 || max_idle_ == 0) return;
  try {
    expireLocked(now, closing);
    if (idle_.size() >= max_idle_) {
      closing.push_back(std::move(idle_.front()));
      idle_.erase(idle_.begin());
    }
    idle_.push_back(Idle{object, now, std::move(reader)});
    if (idle_.size() == 1) idle_added_.notify_one();
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

std::shared_ptr<const RandomAccessFile> ObjectReaderCache::sharedFile(const Id& object) {
  std::lock_guard lock(mutex_);
  const auto found = files_.find(object.hex());
  return found == files_.end() ? nullptr : found->second.lock();
}

void ObjectReaderCache::shareFile(const Id& object, std::shared_ptr<const RandomAccessFile> file) {
  std::lock_guard lock(mutex_);
  std::erase_if(files_, [](const auto& entry) { return entry.second.expired(); });
  files_[object.hex()] = file;
}

std::size_t ObjectReaderCache::idleCount() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace storage
