// Internal to media/: the remuxer's payload check (payload_check.h) on a second thread, so
// decoding the audio does not hold up the copy. Packets are handed over by reference (no
// copy of their data); damage is reported by a later check() or by finish(), so a damaged
// file is still refused, a little later than an inline check would.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "media/payload_check.h"

namespace media::internal {

class BackgroundCheck {
 public:
  static Result<std::unique_ptr<BackgroundCheck>> create(std::unique_ptr<PayloadCheck> check);
  ~BackgroundCheck();  // stops the worker; queued packets are dropped
  BackgroundCheck(const BackgroundCheck&) = delete;
  BackgroundCheck& operator=(const BackgroundCheck&) = delete;

  // Queues a reference to `packet` (waits while the queue is full). Returns the damage
  // found so far, if any. Called by one thread.
  Status check(const AVPacket& packet);
  // Waits for every queued packet, drains the decoders; the first damage found, or success.
  Status finish();

 private:
  // Packets go over in batches: one lock and one wake-up per batch, not per packet.
  static constexpr std::size_t kBatch = 64;
  static constexpr std::size_t kMaxQueuedBatches = 4;
  using Batch = std::vector<PacketPtr>;
  Status handOver();
  explicit BackgroundCheck(std::unique_ptr<PayloadCheck> check) : check_(std::move(check)) {}
  void run();

  std::unique_ptr<PayloadCheck> check_;  // used by the worker only, until finish()
  std::mutex mutex_;
  std::condition_variable changed_;
  Batch filling_;                 // the caller's, not yet handed over
  std::deque<Batch> queued_;      // guarded
  bool busy_ = false;             // guarded: the worker holds a packet
  bool closing_ = false;          // guarded
  std::optional<Error> damage_;   // guarded: the first failure
  std::jthread worker_;
};

}  // namespace media::internal
