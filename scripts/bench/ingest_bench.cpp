// Ingest of one recording, timed from the encrypted upload log to the durable,
// published object (decrypt -> remux -> encrypt -> fsync -> publish), with the
// process's peak RSS. scripts/bench/ingest.sh runs it beside ffmpeg -c copy.
// Usage: lv_bench_ingest INPUT.mp4 WORK_DIR
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "server/ingest.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: lv_bench_ingest INPUT.mp4 WORK_DIR\n");
    return 64;
  }
  const std::filesystem::path work = argv[2];
  std::filesystem::remove_all(work);
  const storage::VaultPaths paths{(work / "data").string(), (work / "lv.db").string(),
                                  (work / "keys").string()};
  if (!storage::Vault::initialize(paths)) return 1;
  auto vault = storage::Vault::open(paths);
  if (!vault) return 1;
  const auto recording = (*vault)->createRecording(
      {acl::Purpose::kTeacherTraining, *acl::parseDate("2099-01-01")}, 0, "system");
  const auto size = std::filesystem::file_size(argv[1]);
  const auto upload = (*vault)->createUpload(*recording, size, 0, "system");
  {
    // Uploading is not what is measured: tus PATCHes arrive over the network.
    auto log = (*vault)->openUpload(*upload);
    std::ifstream in(argv[1], std::ios::binary);
    std::vector<std::uint8_t> chunk(8 << 20);
    while (in.read(reinterpret_cast<char*>(chunk.data()), static_cast<std::streamsize>(chunk.size())) ||
           in.gcount() > 0) {
      if (!(*log)->append(storage::Bytes(chunk).first(static_cast<std::size_t>(in.gcount())))) return 1;
    }
  }
  const auto start = std::chrono::steady_clock::now();
  int last = -1;
  auto outcome = server::ingestUpload(
      **vault, *recording, *upload, size, {},
      [&](int percent) {
        if (percent / 10 != last / 10) std::fprintf(stderr, "\r  ingest %3d%%", percent);
        last = percent;
      },
      0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "\n");
  if (!outcome || !outcome->ready) {
    std::fprintf(stderr, "ingest failed: %s\n",
                 outcome ? outcome->message.c_str() : outcome.error().toString().c_str());
    return 1;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("ingest_s=%.3f peak_rss_kib=%ld\n", seconds, usage.ru_maxrss);
  return 0;
}
