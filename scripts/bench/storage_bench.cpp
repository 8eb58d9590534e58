// Storage throughput, each of ours beside its anchor over the same buffers:
//  - segment encrypt / random-access decrypt vs raw EVP AES-256-GCM calls;
//  - upload-log append with fsync per chunk (scripts/bench/storage.sh adds dd).
// Run pinned to one core: scripts/bench/storage.sh.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

#include "storage/object_cipher.h"
#include "storage/object_reader.h"
#include "storage/object_writer.h"
#include "storage/upload_log.h"

namespace {

using storage::Bytes;
using storage::MutableBytes;

constexpr std::size_t kSegment = storage::kDefaultSegmentSize;

std::vector<std::uint8_t> randomBuffer(std::size_t n) {
  std::vector<std::uint8_t> out(n);
  std::mt19937_64 rng(1);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

storage::SecretKey benchKey() { return *storage::SecretKey::random(); }

std::string benchDir() {
  const char* dir = std::getenv("LV_BENCH_DIR");
  std::string path = dir != nullptr ? dir : "/tmp/lv-bench";
  std::filesystem::create_directories(path);
  return path;
}

// The anchor: what OpenSSL does with no format around it — one EVP context,
// key set once, a fresh IV, one update and the tag per 64 KiB buffer.
void BM_RawEvpSeal(benchmark::State& state) {
  const auto key = benchKey();
  const auto plain = randomBuffer(kSegment);
  std::vector<std::uint8_t> out(kSegment + 16);
  std::uint8_t iv[12] = {};
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key.bytes().data(), nullptr);
  std::uint32_t counter = 0;
  for (auto _ : state) {
    int len = 0;
    std::memcpy(iv + 7, &++counter, 4);
    EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv);
    EVP_EncryptUpdate(ctx, out.data(), &len, plain.data(), static_cast<int>(plain.size()));
    EVP_EncryptFinal_ex(ctx, out.data() + len, &len);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out.data() + kSegment);
    benchmark::DoNotOptimize(out.data());
  }
  EVP_CIPHER_CTX_free(ctx);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kSegment));
}
BENCHMARK(BM_RawEvpSeal);

void BM_RawEvpOpen(benchmark::State& state) {
  const auto key = benchKey();
  const auto plain = randomBuffer(kSegment);
  std::vector<std::uint8_t> sealed(kSegment + 16), out(kSegment);
  std::uint8_t iv[12] = {};
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, key.bytes().data(), iv);
  EVP_EncryptUpdate(ctx, sealed.data(), &len, plain.data(), static_cast<int>(kSegment));
  EVP_EncryptFinal_ex(ctx, sealed.data() + len, &len);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, sealed.data() + kSegment);
  EVP_CIPHER_CTX* dec = EVP_CIPHER_CTX_new();
  EVP_DecryptInit_ex(dec, EVP_aes_256_gcm(), nullptr, key.bytes().data(), nullptr);
  for (auto _ : state) {
    EVP_DecryptInit_ex(dec, nullptr, nullptr, nullptr, iv);
    EVP_DecryptUpdate(dec, out.data(), &len, sealed.data(), static_cast<int>(kSegment));
    EVP_CIPHER_CTX_ctrl(dec, EVP_CTRL_GCM_SET_TAG, 16, sealed.data() + kSegment);
    if (EVP_DecryptFinal_ex(dec, out.data() + len, &len) != 1) state.SkipWithError("tag");
    benchmark::DoNotOptimize(out.data());
  }
  EVP_CIPHER_CTX_free(ctx);
  EVP_CIPHER_CTX_free(dec);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kSegment));
}
BENCHMARK(BM_RawEvpOpen);

// Ours: sealing one 64 KiB segment of the object format (nonce construction included).
void BM_ObjectSegmentSeal(benchmark::State& state) {
  const auto key = benchKey();
  std::array<std::uint8_t, 32> salt{};
  std::array<std::uint8_t, 7> prefix{};
  auto cipher = storage::ObjectCipher::forNewObject(key, *storage::Id::random(), kSegment, salt,
                                                    prefix);
  const auto plain = randomBuffer(kSegment);
  std::vector<std::uint8_t> out(kSegment + 16);
  std::uint32_t index = 0;
  for (auto _ : state) {
    if (!cipher->seal(index++, false, plain, out)) state.SkipWithError("seal");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kSegment));
}
BENCHMARK(BM_ObjectSegmentSeal);

// Ours: random-access reads of one whole segment each from a 64 MiB object
// (file in the page cache), through ObjectReader: pread + authenticate + decrypt.
void BM_ObjectRandomRead(benchmark::State& state) {
  const auto key = benchKey();
  const auto id = *storage::Id::random();
  const std::string dir = benchDir();
  constexpr std::size_t kObjectSize = 64 << 20;
  {
    auto writer = storage::ObjectWriter::create(storage::FileSystem::posix(), dir, id, key);
    const auto chunk = randomBuffer(1 << 20);
    for (std::size_t i = 0; i < kObjectSize / chunk.size(); ++i) (void)(*writer)->append(chunk);
    (void)(*writer)->finish();
  }
  const std::string path = dir + "/" + id.hex();
  auto reader = storage::ObjectReader::open(storage::FileSystem::posix(), path, id, key, kObjectSize);
  std::vector<std::uint8_t> out(kSegment);
  std::mt19937_64 rng(2);
  const std::uint64_t segments = kObjectSize / kSegment;
  std::uint64_t previous = 0;
  for (auto _ : state) {
    std::uint64_t index = rng() % segments;
    if (index == previous) index = (index + 1) % segments;  // never served from the cache
    previous = index;
    if (!(*reader)->read(index * kSegment, out)) state.SkipWithError("read");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kSegment));
  std::filesystem::remove(path);
}
BENCHMARK(BM_ObjectRandomRead);

// Ours: upload-log appends of one chunk each, fsync'd, as a tus PATCH does.
void BM_UploadLogAppend(benchmark::State& state) {
  const std::size_t chunk_size = static_cast<std::size_t>(state.range(0)) << 20;
  const auto key = benchKey();
  const auto id = *storage::Id::random();
  const std::string path = benchDir() + "/" + id.hex();
  auto log = storage::UploadLog::create(storage::FileSystem::posix(), path, id, key);
  const auto chunk = randomBuffer(chunk_size);
  for (auto _ : state) {
    if (!(*log)->append(chunk)) state.SkipWithError("append");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * chunk_size));
  std::filesystem::remove(path);
}
// 256 MiB each, so both chunk sizes write the same bytes as the dd anchor.
BENCHMARK(BM_UploadLogAppend)->Arg(1)->Iterations(256)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_UploadLogAppend)->Arg(8)->Iterations(32)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
