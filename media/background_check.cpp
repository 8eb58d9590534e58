#include "media/background_check.h"

#include <exception>

namespace media::internal {

Result<std::unique_ptr<BackgroundCheck>> BackgroundCheck::create(
    std::unique_ptr<PayloadCheck> check) {
  std::unique_ptr<BackgroundCheck> made(new BackgroundCheck(std::move(check)));
  try {
    made->worker_ = std::jthread([raw = made.get()] { raw->run(); });
  } catch (const std::system_error&) {
    return fail(ErrorCode::kInternal, "cannot start the payload check's thread");
  }
  return made;
}

BackgroundCheck::~BackgroundCheck() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    queued_.clear();
  }
  changed_.notify_all();
}

void BackgroundCheck::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return closing_ || !queued_.empty(); });
    if (queued_.empty()) return;
    Batch batch = std::move(queued_.front());
    queued_.pop_front();
    const bool skip = damage_.has_value();
    busy_ = true;
    lock.unlock();
    changed_.notify_all();
    Status checked;
    try {
      for (const PacketPtr& packet : batch) {
        if (skip || !checked) break;
        checked = check_->check(*packet);
      }
    } catch (const std::exception&) {
      // Out of memory while decoding: an exception must not end the process from here.
      checked = fail(ErrorCode::kInternal, "the payload check ran out of memory");
    }
    batch.clear();
    lock.lock();
    busy_ = false;
    if (!checked && !damage_) damage_ = checked.error();
    changed_.notify_all();
  }
}

Status BackgroundCheck::check(const AVPacket& packet) {
  PacketPtr ref(av_packet_alloc());
  if (!ref) return fail(ErrorCode::kInternal, "out of memory");
  if (int made = av_packet_ref(ref.get(), &packet); made < 0) {
    return std::unexpected(avError(made, "referencing a packet"));
  }
  filling_.push_back(std::move(ref));
  if (filling_.size() < kBatch) return {};
  return handOver();
}

Status BackgroundCheck::handOver() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return damage_.has_value() || queued_.size() < kMaxQueuedBatches; });
  if (damage_) return std::unexpected(*damage_);
  queued_.push_back(std::move(filling_));
  filling_ = Batch();
  lock.unlock();
  changed_.notify_all();
  return {};
}

Status BackgroundCheck::finish() {
  if (!filling_.empty()) {
    if (auto handed = handOver(); !handed) return handed;
  }
  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return queued_.empty() && !busy_; });
    closing_ = true;
  }
  changed_.notify_all();
  worker_.join();
  if (damage_) return std::unexpected(*damage_);
  return check_->finish();
}

}  // namespace media::internal
