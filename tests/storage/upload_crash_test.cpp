// Invariant 4: no acknowledged upload byte is lost on a crash. Two kinds of
// crash, 200+ rounds each:
//  - a child process appending is SIGKILLed at a random moment (catches torn
//    writes and bad recovery, but not a missing fsync: the page cache survives);
//  - the same work through CrashFileSystem, which at the crash point throws
//    away every byte and name that was not fsync'd (catches a missing fsync).
// After each, recovery must yield a byte-identical prefix of the input at
// least as long as the last acknowledged offset.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <random>
#include <signal.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include "storage/upload_log.h"
#include "tests/storage/crash_file_system.h"
#include "tests/storage/test_util.h"

namespace storage {
namespace {

using testing::keyFromByte;
using testing::pseudoRandom;

constexpr std::size_t kInputSize = 6 * 1024 * 1024;
constexpr int kRounds = 200;

// Chunk sizes for one round: mostly small, sometimes past a record's limit.
std::vector<std::size_t> chunkPlan(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::size_t> plan;
  for (std::size_t total = 0; total < kInputSize;) {
    std::size_t n = rng() % 8 == 0 ? 1 + rng() % (kMaxRecordSize / 4) : 1 + rng() % 65536;
    n = std::min(n, kInputSize - total);
    plan.push_back(n);
    total += n;
  }
  return plan;
}

// Recovers the log at `path` and checks it against the input and the last ack.
void expectRecovered(const std::string& path, const Id& id, const SecretKey& key,
                     const std::vector<std::uint8_t>& input, std::uint64_t acked,
                     std::uint64_t sent) {
  auto log = UploadLog::open(FileSystem::posix(), path, id, key);
  ASSERT_TRUE(log) << log.error().toString();
  const std::uint64_t offset = (*log)->offset();
  ASSERT_GE(offset, acked) << "acknowledged bytes were lost";
  ASSERT_LE(offset, sent) << "recovered more than was ever sent";
  auto reader = UploadLogReader::open(FileSystem::posix(), path, id, key, offset);
  ASSERT_TRUE(reader) << reader.error().toString();
  std::vector<std::uint8_t> out(offset);
  ASSERT_TRUE((*reader)->read(0, out));
  ASSERT_TRUE(std::equal(out.begin(), out.end(), input.begin())) << "recovered bytes differ";
}

struct ChildRun {
  std::uint64_t acked;  // the last offset the child reported
  bool killed;          // the kill came before the child finished
};

// Forks a child that appends `plan` to the log at `path`, reporting each
// acknowledged offset through a pipe, and SIGKILLs it after `delay`
// (never, if delay is negative).
ChildRun appendInChild(const std::string& path, const Id& id, const SecretKey& key,
                       const std::vector<std::uint8_t>& input, const std::vector<std::size_t>& plan,
                       std::chrono::microseconds delay) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) std::abort();
  const pid_t child = ::fork();
  if (child < 0) std::abort();
  if (child == 0) {
    ::close(pipe_fds[0]);
    auto log = UploadLog::open(FileSystem::posix(), path, id, key);
    if (!log) ::_exit(2);
    std::size_t at = 0;
    for (std::size_t n : plan) {
      auto acked = (*log)->append(Bytes(input).subspan(at, n));
      if (!acked) ::_exit(3);
      at += n;
      // Only after append() returned is the offset acknowledged.
      std::uint64_t value = *acked;
      if (::write(pipe_fds[1], &value, sizeof value) != sizeof value) ::_exit(4);
    }
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  if (delay.count() >= 0) {
    std::this_thread::sleep_for(delay);
    ::kill(child, SIGKILL);
  }
  int wstatus = 0;
  ::waitpid(child, &wstatus, 0);
  std::uint64_t acked = 0, value = 0;
  while (::read(pipe_fds[0], &value, sizeof value) == sizeof value) acked = value;
  ::close(pipe_fds[0]);
  return {acked, WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL};
}

TEST(UploadCrash, SigkillAtARandomMomentLosesNoAcknowledgedByte) {
  const auto input = pseudoRandom(kInputSize, 1234);
  const SecretKey key = keyFromByte(3);
  std::mt19937_64 rng(99);

  // Calibrate: how long one full run takes on this machine (fsync speed varies
  // widely), so that the kills land while the child is still writing.
  std::chrono::microseconds full_run{};
  {
    testing::TempDir dir;
    const Id id = *Id::random();
    ASSERT_TRUE(UploadLog::create(FileSystem::posix(), dir.file(id.hex()), id, key));
    const auto start = std::chrono::steady_clock::now();
    const ChildRun run = appendInChild(dir.file(id.hex()), id, key, input, chunkPlan(rng()),
                                       std::chrono::microseconds(-1));
    full_run = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
    ASSERT_EQ(run.acked, kInputSize);
    expectRecovered(dir.file(id.hex()), id, key, input, run.acked, kInputSize);
  }

  int killed_mid_write = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    testing::TempDir dir;
    const Id id = *Id::random();
    const std::string path = dir.file(id.hex());
    ASSERT_TRUE(UploadLog::create(FileSystem::posix(), path, id, key));
    const auto delay = std::chrono::microseconds(rng() % (full_run.count() * 9 / 10 + 1));
    const auto started = std::chrono::steady_clock::now();
    const ChildRun run = appendInChild(path, id, key, input, chunkPlan(rng()), delay);
    killed_mid_write += run.killed ? 1 : 0;
    if (!run.killed) {
      // The child beat the kill: the calibration ran slower than the machine
      // does now (another build was running). Aim at the faster time from here.
      full_run = std::min(full_run, std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::steady_clock::now() - started));
    }
    expectRecovered(path, id, key, input, run.acked, kInputSize);
    if (HasFatalFailure()) return;
  }
  // If most children finished before the kill, the test proved little.
  EXPECT_GT(killed_mid_write, kRounds / 2);
}

TEST(UploadCrash, LosingEverythingNotFsyncedLosesNoAcknowledgedByte) {
  const auto input = pseudoRandom(kInputSize, 4321);
  const SecretKey key = keyFromByte(4);
  std::mt19937_64 rng(7);
  int crashed_mid_upload = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    testing::TempDir dir;
    testing::CrashFileSystem fs(rng());
    const Id id = *Id::random();
    const std::string path = dir.file(id.hex());
    const auto plan = chunkPlan(rng());
    fs.crashAfter(rng() % (2 * plan.size() + 8));  // two operations per append, plus create's

    std::uint64_t acked = 0, sent = 0;
    bool created = false;
    if (auto log = UploadLog::create(fs, path, id, key)) {
      created = true;
      for (std::size_t n : plan) {
        sent += n;
        auto offset = (*log)->append(Bytes(input).subspan(sent - n, n));
        if (!offset) break;
        acked = *offset;
      }
    }
    if (!fs.crashed()) continue;  // the crash point fell after the last append
    ++crashed_mid_upload;
    fs.crash();
    if (!std::filesystem::exists(path)) {
      // Only a create that never returned may leave no log behind.
      ASSERT_FALSE(created) << "a created log vanished";
      continue;
    }
    expectRecovered(path, id, key, input, acked, sent);
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(crashed_mid_upload, kRounds / 2);
}

}  // namespace
}  // namespace storage
