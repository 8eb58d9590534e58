// A media::ByteSink that passes its bytes, in order, to a function on a second thread, so
// the remuxer keeps one core while encryption and the writes of the object run on the other
// (ingest: docs/benchmarks.md). Bytes are gathered into blocks; at most `depth` blocks wait.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "media/byte_io.h"

namespace server {

class PipelinedSink final : public media::ByteSink {
 public:
  // Takes one block at a time, in order, on the worker thread; false stops the pipeline.
  using Consumer = std::function<bool(std::span<const std::uint8_t>)>;

  explicit PipelinedSink(Consumer consumer, std::size_t block_bytes = 1 << 20,
                         std::size_t depth = 4);
  // Stops the worker; blocks still queued are dropped (the caller is failing anyway).
  ~PipelinedSink() override;
  PipelinedSink(const PipelinedSink&) = delete;
  PipelinedSink& operator=(const PipelinedSink&) = delete;

  // Copies `data` into the current block. False once the consumer has failed. Called by one
  // thread (libav's), never concurrently.
  bool write(std::span<const std::uint8_t> data) noexcept override;
  // Hands over the last block and waits until the consumer has taken everything: true when
  // every block was consumed. After it the consumer is no longer called.
  bool finish() noexcept;

 private:
  bool handOver() noexcept;
  void run();

  Consumer consumer_;
  const std::size_t block_bytes_;
  const std::size_t depth_;
  std::vector<std::uint8_t> filling_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<std::uint8_t>> queued_;  // guarded by mutex_
  std::vector<std::vector<std::uint8_t>> spare_;  // emptied blocks for reuse; guarded
  bool busy_ = false;                             // the worker holds a block; guarded
  bool failed_ = false;                           // guarded
  bool closing_ = false;                          // guarded
  std::jthread worker_;  // started last, in the constructor's body
};

}  // namespace server
