#include "server/pipelined_sink.h"

#include <algorithm>
#include <utility>

namespace server {

PipelinedSink::PipelinedSink(Consumer consumer, std::size_t block_bytes, std::size_t depth)
    : consumer_(std::move(consumer)),
      block_bytes_(std::max<std::size_t>(block_bytes, 1)),
      depth_(std::max<std::size_t>(depth, 1)) {
  // Everything that can throw happens before the worker exists.
  filling_.reserve(block_bytes_);
  worker_ = std::jthread([this] { run(); });
}

PipelinedSink::~PipelinedSink() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    queued_.clear();
  }
  changed_.notify_all();
  // ~jthread joins.
}

void PipelinedSink::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return closing_ || !queued_.empty(); });
    if (queued_.empty()) return;  // closing, nothing left
    std::vector<std::uint8_t> block = std::move(queued_.front());
    queued_.pop_front();
    busy_ = true;
    const bool skip = failed_;
    lock.unlock();
    changed_.notify_all();  // room in the queue
    bool ok = true;
    if (!skip) {
      try {
        ok = consumer_(block);
      } catch (...) {
        ok = false;
      }
    }
    block.clear();
    lock.lock();
    busy_ = false;
    if (!ok) failed_ = true;
    spare_.push_back(std::move(block));
    changed_.notify_all();
  }
}

bool PipelinedSink::handOver() noexcept {
  std::vector<std::uint8_t> next;
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return failed_ || queued_.size() < depth_; });
    if (failed_) return false;
    if (!spare_.empty()) {
      next = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  // The next block is ready before this one is handed over, so a failed allocation leaves
  // nothing half done.
  try {
    next.reserve(block_bytes_);
    std::lock_guard lock(mutex_);
    queued_.push_back(std::move(filling_));
  } catch (...) {
    std::lock_guard lock(mutex_);
    failed_ = true;  // sticky: finish() reports it, so the bytes lost are never taken as sent
    return false;
  }
  filling_ = std::move(next);
  changed_.notify_all();
  return true;
}

bool PipelinedSink::write(std::span<const std::uint8_t> data) noexcept {
  while (!data.empty()) {
    const std::size_t room = block_bytes_ - filling_.size();
    const std::size_t n = std::min(room, data.size());
    filling_.insert(filling_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    data = data.subspan(n);
    if (filling_.size() == block_bytes_ && !handOver()) return false;
  }
  std::lock_guard lock(mutex_);
  return !failed_;
}

bool PipelinedSink::finish() noexcept {
  bool ok = filling_.empty() || handOver();
  std::unique_lock lock(mutex_);
  // Always until the worker holds nothing: after finish() the consumer's objects may go.
  if (!ok) queued_.clear();
  changed_.wait(lock, [&] { return queued_.empty() && !busy_; });
  ok = ok && !failed_;
  closing_ = true;
  lock.unlock();
  changed_.notify_all();
  worker_.join();
  return ok;
}

}  // namespace server
