// The ingest's pipelined sink: every byte reaches the consumer, in order, on another thread;
// a failing consumer stops the writer; stopping early never calls the consumer afterwards.
#include "server/pipelined_sink.h"

#include <atomic>
#include <chrono>
#include <numeric>
#include <thread>

#include <gtest/gtest.h>

namespace server::testing {
namespace {

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> bytes(n);
  std::iota(bytes.begin(), bytes.end(), std::uint8_t{0});
  return bytes;
}

TEST(PipelinedSinkTest, EveryByteArrivesInOrderOnAnotherThread) {
  const auto input = pattern(1'000'003);
  std::vector<std::uint8_t> received;
  std::vector<std::size_t> blocks;
  std::atomic<bool> other_thread = true;
  const auto caller = std::this_thread::get_id();
  PipelinedSink sink(
      [&](std::span<const std::uint8_t> block) {
        if (std::this_thread::get_id() == caller) other_thread = false;
        received.insert(received.end(), block.begin(), block.end());
        blocks.push_back(block.size());
        return true;
      },
      /*block_bytes=*/4096, /*depth=*/2);
  // Writes of every size: smaller than, equal to and larger than a block.
  std::size_t at = 0;
  for (std::size_t n = 1; at < input.size(); n = n * 3 % 10'007 + 1) {
    const std::size_t take = std::min(n, input.size() - at);
    ASSERT_TRUE(sink.write(std::span(input).subspan(at, take)));
    at += take;
  }
  ASSERT_TRUE(sink.finish());
  EXPECT_EQ(received, input);
  EXPECT_TRUE(other_thread);
  for (std::size_t i = 0; i + 1 < blocks.size(); ++i) EXPECT_EQ(blocks[i], 4096u) << i;
}

TEST(PipelinedSinkTest, AFailingConsumerStopsTheWriterAndFinish) {
  int calls = 0;
  PipelinedSink sink(
      [&](std::span<const std::uint8_t>) {
        ++calls;
        return calls < 3;
      },
      1024, 1);
  const auto chunk = pattern(1024);
  bool failed = false;
  for (int i = 0; i < 100 && !failed; ++i) failed = !sink.write(chunk);
  EXPECT_TRUE(failed) << "the writer never learnt of the failure";
  EXPECT_FALSE(sink.finish());
  EXPECT_EQ(calls, 3) << "blocks after the failure were passed on";
}

TEST(PipelinedSinkTest, DestroyingWithoutFinishStopsTheConsumer) {
  std::atomic<int> calls = 0;
  {
    PipelinedSink sink(
        [&](std::span<const std::uint8_t>) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          ++calls;
          return true;
        },
        16, 8);
    const auto chunk = pattern(16);
    for (int i = 0; i < 8; ++i) ASSERT_TRUE(sink.write(chunk));
  }
  const int after = calls;
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(calls, after) << "the consumer ran after the sink was destroyed";
  EXPECT_LE(after, 8);
}

TEST(PipelinedSinkTest, FinishWithNothingWrittenSucceeds) {
  int calls = 0;
  PipelinedSink sink([&](std::span<const std::uint8_t>) { return ++calls > 0; });
  EXPECT_TRUE(sink.finish());
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace server::testing
