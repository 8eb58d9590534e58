// Internal to media/: opening untrusted input safely, and describing what it
// holds. probe() and the remuxer share it, so both apply the same guards:
// custom I/O only, demuxer and decoder allowlists, no nested opens, bounded
// probing, a deadline.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "media/libav.h"
#include "media/probe.h"

namespace media::internal {

struct ReadState {
  ByteSource* source;
  std::uint64_t position = 0;
  bool failed = false;
};

struct Guards {
  std::chrono::steady_clock::time_point deadline;
  int refused_opens = 0;

  // Moves the deadline out by the work allowed for `duration_s` of media.
  void allowWorkFor(double duration_s, const Limits& limits) {
    deadline += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(duration_s * limits.work_per_media_s));
  }
};

// Everything one open input needs, in destruction order: the context is
// closed before the AVIO it reads through, and both before their state.
struct Input {
  ReadState state;
  internal::AvioPtr avio;
  internal::InputPtr ctx;
};

// Opens `source` with every guard and reads its stream information.
Result<std::unique_ptr<Input>> openInput(ByteSource& source, const Limits& limits, Guards& guards);

// The facts of an open input, checked against `limits`, with the plan.
Result<MediaFacts> describe(const AVFormatContext& ctx, const Limits& limits);

// An open input with its checked facts: what probe(), remux() and
// makePoster() all start from.
struct Described {
  std::unique_ptr<Input> input;
  MediaFacts facts;
};
Result<Described> openAndDescribe(ByteSource& source, const Limits& limits, Guards& guards);

// The decoders any of our decoding may use (comma-separated, for libav's
// codec_whitelist).
extern const char kDecoders[];

// "H:MM:SS" for messages people read.
std::string clock(double seconds);

}  // namespace media::internal
