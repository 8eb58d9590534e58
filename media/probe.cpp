#include "media/probe.h"

#include <algorithm>

#include "media/input.h"
#include "media/payload_check.h"

namespace media {
namespace {

using internal::clock;
using internal::Guards;
using internal::Input;

// The data stops (the read reached the end of the file) or is damaged, at
// about `at` seconds.
std::unexpected<Error> cutOrDamaged(const Input& input, double at, double duration) {
  const bool at_end = input.state.position >= input.state.source->size();
  return fail(at_end ? ErrorCode::kTruncated : ErrorCode::kCorrupt,
              std::string(at_end ? "the file ends early, at about " : "damaged data at about ") +
                  clock(at) + " of " + clock(duration));
}

// Reads every packet once: a file that ends before its own index says, or
// whose container data is damaged, is found here, and so is most damage
// inside the coded data (payload_check.h).
std::expected<void, Error> scanPackets(Input& input, const MediaFacts& facts) {
  internal::PacketPtr packet(av_packet_alloc());
  if (!packet) return fail(ErrorCode::kInternal, "out of memory");
  auto check = internal::PayloadCheck::create(
      *input.ctx, facts.duration_s, internal::PayloadCheck::Keyframes::kDecode);
  if (!check) return std::unexpected(check.error());
  double last = 0;
  for (;;) {
    const int read = av_read_frame(input.ctx.get(), packet.get());
    if (read == AVERROR_EOF) break;
    if (read < 0) {
      if (read == AVERROR_EXIT) return fail(ErrorCode::kTimeout, "reading took too long");
      return cutOrDamaged(input, last, facts.duration_s);
    }
    const AVStream* stream = input.ctx->streams[packet->stream_index];
    const double at = packet->pts == AV_NOPTS_VALUE
                          ? last
                          : static_cast<double>(packet->pts) * av_q2d(stream->time_base);
    // libav marks a packet it could not read whole: the data stops or is damaged here.
    if (packet->flags & AV_PKT_FLAG_CORRUPT) return cutOrDamaged(input, at, facts.duration_s);
    LV_MEDIA_TRY((*check)->check(*packet));
    if (packet->pts != AV_NOPTS_VALUE) {
      last = std::max(last, at + static_cast<double>(packet->duration) * av_q2d(stream->time_base));
    }
    av_packet_unref(packet.get());
  }
  LV_MEDIA_TRY((*check)->finish());
  // A clean end well before the stated duration: the data was cut off. Streams
  // may end a little before the container says; half a second, or 2% of a long
  // recording, is not a cut.
  if (facts.duration_s > 0 && last < facts.duration_s - std::max(0.5, 0.02 * facts.duration_s)) {
    return fail(ErrorCode::kTruncated,
                "the file ends early, at about " + clock(last) + " of " + clock(facts.duration_s));
  }
  return {};
}

}  // namespace

Result<MediaFacts> probe(ByteSource& source, const Limits& limits, int* refused_opens) {
  if (refused_opens != nullptr) *refused_opens = 0;
  if (source.size() == 0) return fail(ErrorCode::kNotMedia, "the file is empty");
  Guards guards{std::chrono::steady_clock::now() + limits.deadline, 0};
  auto facts = [&]() -> Result<MediaFacts> {
    auto described = internal::openAndDescribe(source, limits, guards);
    if (!described) return std::unexpected(described.error());
    if (auto scanned = scanPackets(*described->input, described->facts); !scanned) {
      return std::unexpected(scanned.error());
    }
    return described->facts;
  }();
  if (refused_opens != nullptr) *refused_opens = guards.refused_opens;
  return facts;
}

void silenceLibavLog() { av_log_set_level(AV_LOG_QUIET); }

}  // namespace media
