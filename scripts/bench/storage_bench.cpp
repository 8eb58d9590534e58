// Storage throughput, each of ours beside its anchor over the same buffers:
//  - segment encrypt / random-access decrypt vs raw EVP AES-256-GCM calls;
//  - upload-log append with fsync per chunk (scripts/bench/storage.sh adds dd).
// Run pinned to one core: scripts/bench/storage.sh.
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>

#include <benchmark/benchmark.h>
#include <openssl/evp.h>

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

// Every crypto benchmark walks the same 256 segments of 64 KiB (16 MiB, more
// than the caches hold, as real reads are) in the same random order.
constexpr std::uint32_t kSegments = 256;
constexpr std::size_t kSealed = kSegment + 16;

struct SegmentSet {
  SegmentSet() : plain(randomBuffer(kSegments * kSegment)), sealed(kSegments * kSealed) {}
  Bytes plainAt(std::uint32_t i) const { return Bytes(plain).subspan(i * kSegment, kSegment); }
  MutableBytes sealedAt(std::uint32_t i) {
    return MutableBytes(sealed).subspan(i * kSealed, kSealed);
  }
  std::vector<std::uint8_t> plain;
  std::vector<std::uint8_t> sealed;
};

class RandomOrder {
 public:
  std::uint32_t next() { return static_cast<std::uint32_t>(rng_() % kSegments); }

 private:
  std::mt19937_64 rng_{3};
};

// The anchor: what OpenSSL does with no format around it — one EVP context per
// direction, key set once, the IV set per buffer, one update, the tag.
class RawEvp {
 public:
  explicit RawEvp(const storage::SecretKey& key)
      : enc_(EVP_CIPHER_CTX_new()), dec_(EVP_CIPHER_CTX_new()) {
    EVP_EncryptInit_ex(enc_, EVP_aes_256_gcm(), nullptr, key.bytes().data(), nullptr);
    EVP_DecryptInit_ex(dec_, EVP_aes_256_gcm(), nullptr, key.bytes().data(), nullptr);
  }
  ~RawEvp() {
    EVP_CIPHER_CTX_free(enc_);
    EVP_CIPHER_CTX_free(dec_);
  }
  void seal(std::uint32_t i, Bytes plain, MutableBytes out) {
    int len = 0;
    std::uint8_t iv[12] = {};
    std::memcpy(iv, &i, sizeof i);
    EVP_EncryptInit_ex(enc_, nullptr, nullptr, nullptr, iv);
    EVP_EncryptUpdate(enc_, out.data(), &len, plain.data(), static_cast<int>(plain.size()));
    EVP_EncryptFinal_ex(enc_, out.data() + len, &len);
    EVP_CIPHER_CTX_ctrl(enc_, EVP_CTRL_GCM_GET_TAG, 16, out.data() + plain.size());
  }
  bool open(std::uint32_t i, MutableBytes sealed, MutableBytes out) {
    int len = 0;
    std::uint8_t iv[12] = {};
    std::memcpy(iv, &i, sizeof i);
    EVP_DecryptInit_ex(dec_, nullptr, nullptr, nullptr, iv);
    EVP_DecryptUpdate(dec_, out.data(), &len, sealed.data(), static_cast<int>(out.size()));
    EVP_CIPHER_CTX_ctrl(dec_, EVP_CTRL_GCM_SET_TAG, 16, sealed.data() + out.size());
    return EVP_DecryptFinal_ex(dec_, out.data() + len, &len) == 1;
  }

 private:
  EVP_CIPHER_CTX* enc_;
  EVP_CIPHER_CTX* dec_;
};

storage::ObjectCipher objectCipher(const storage::SecretKey& key) {
  std::array<std::uint8_t, 32> salt{};
  std::array<std::uint8_t, 7> prefix{};
  return *storage::ObjectCipher::forNewObject(key, *storage::Id::random(), kSegment, salt, prefix);
}

void BM_RawEvpSeal(benchmark::State& state) {
  SegmentSet set;
  RawEvp evp(benchKey());
  RandomOrder order;
  for (auto _ : state) {
    const std::uint32_t i = order.next();
    evp.seal(i, set.plainAt(i), set.sealedAt(i));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kSegment));
}
BENCHMARK(BM_RawEvpSeal);

// Ours: sealing one segment of the object format (nonce construction included).
void BM_ObjectSegmentSeal(benchmark::State& state) {
  SegmentSet set;
  auto cipher = objectCipher(benchKey());
  RandomOrder order;
  for (auto _ : state) {
    const std::uint32_t i = order.next();
    if (!cipher.seal(i, false, set.plainAt(i), set.sealedAt(i))) state.SkipWithError("seal");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kSegment));
}
BENCHMARK(BM_ObjectSegmentSeal);

void BM_RawEvpOpen(benchmark::State& state) {
  SegmentSet set;
  RawEvp evp(benchKey());
  for (std::uint32_t i = 0; i < kSegments; ++i) evp.seal(i, set.plainAt(i), set.sealedAt(i));
  std::vector<std::uint8_t> out(kSegment);
  RandomOrder order;
  for (auto _ : state) {
    const std::uint32_t i = order.next();
    if (!evp.open(i, set.sealedAt(i), out)) state.SkipWithError("tag");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kSegment));
}
BENCHMARK(BM_RawEvpOpen);

// Ours, crypto only: what ObjectReader does per segment, without the file read.
void BM_ObjectSegmentOpen(benchmark::State& state) {
  SegmentSet set;
  auto cipher = objectCipher(benchKey());
  for (std::uint32_t i = 0; i < kSegments; ++i) {
    (void)cipher.seal(i, false, set.plainAt(i), set.sealedAt(i));
  }
  std::vector<std::uint8_t> out(kSegment);
  RandomOrder order;
  for (auto _ : state) {
    const std::uint32_t i = order.next();
    if (!cipher.open(i, false, set.sealedAt(i), out)) state.SkipWithError("open");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kSegment));
}
BENCHMARK(BM_ObjectSegmentOpen);

// Ours: random-access reads of one whole segment each from a 64 MiB object
// (file in the page cache), through ObjectReader: the file is mapped, so authenticate
// and decrypt in place (docs/storage-mapped-objects.md; before session 7, pread first).
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
  auto reader =
      storage::ObjectReader::open(storage::FileSystem::posix(), path, id, key, kObjectSize);
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
BENCHMARK(BM_UploadLogAppend)
    ->Arg(1)
    ->Iterations(256)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_UploadLogAppend)->Arg(8)->Iterations(32)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
