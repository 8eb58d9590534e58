// Transcode of one recording through the code path ingest uses for it
// (media::makePlayable over a ByteSource, into a ByteSink), timed, with the
// process's peak RSS. The input is read from a file with pread (as the
// decrypting source reads the upload log, without the decryption) and the
// output written to a file, so the comparison with the ffmpeg command line is
// about the media work. scripts/bench/transcode.sh runs it beside ffmpeg.
// Usage: lv_bench_transcode INPUT OUTPUT.mp4 [THREADS]   (THREADS: 0 = libav's choice)
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "media/transcode.h"

namespace {

class FileSource final : public media::ByteSource {
 public:
  explicit FileSource(int fd) : fd_(fd), size_(static_cast<std::uint64_t>(lseek(fd, 0, SEEK_END))) {}
  std::uint64_t size() const override { return size_; }
  bool readAt(std::uint64_t offset, std::span<std::uint8_t> out) noexcept override {
    std::size_t done = 0;
    while (done < out.size()) {
      const ssize_t n = pread(fd_, out.data() + done, out.size() - done,
                              static_cast<off_t>(offset + done));
      if (n <= 0) return false;
      done += static_cast<std::size_t>(n);
    }
    return true;
  }

 private:
  int fd_;
  std::uint64_t size_;
};

class FileSink final : public media::ByteSink {
 public:
  explicit FileSink(std::FILE* file) : file_(file) {}
  bool write(std::span<const std::uint8_t> data) noexcept override {
    return std::fwrite(data.data(), 1, data.size(), file_) == data.size();
  }

 private:
  std::FILE* file_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && argc != 4) {
    std::fprintf(stderr, "usage: lv_bench_transcode INPUT OUTPUT.mp4 [THREADS]\n");
    return 64;
  }
  const int fd = open(argv[1], O_RDONLY);
  std::FILE* out = std::fopen(argv[2], "wb");
  if (fd < 0 || out == nullptr) {
    std::fprintf(stderr, "cannot open the input or the output\n");
    return 1;
  }
  FileSource source(fd);
  FileSink sink(out);
  media::silenceLibavLog();
  media::TranscodeOptions options;  // the defaults ingest uses: veryfast, CRF 23, 1080 lines
  options.threads = argc == 4 ? std::atoi(argv[3]) : 0;
  int last = -1;
  options.progress = [&](int percent) {
    if (percent / 10 != last / 10) std::fprintf(stderr, "\r  transcode %3d%%", percent);
    last = percent;
  };
  const auto start = std::chrono::steady_clock::now();
  auto result = media::makePlayable(source, sink, {}, options);
  const bool closed = std::fclose(out) == 0;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "\n");
  close(fd);
  if (!result || !closed) {
    std::fprintf(stderr, "transcode failed: %s\n",
                 result ? "closing the output" : result.error().toString().c_str());
    return 1;
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("transcode_s=%.3f peak_rss_kib=%ld fragments=%zu plan=\"%s\"\n", seconds,
              usage.ru_maxrss, result->index.fragments.size(), result->facts.plan.reason.c_str());
  return 0;
}
