// Internal to media/: decoding untrusted packets, shared by the payload check
// (payload_check.h) and the transcoder. Every decoder is opened with the
// decoder allowlist and AV_EF_EXPLODE, so damage is an error instead of being
// concealed, and every error names roughly where in the recording it lies.
#pragma once

#include <functional>
#include <string_view>

#include "media/libav.h"

namespace media::internal {

// A decoder for `stream`. `threads`: 0 lets libav choose.
Result<CodecContextPtr> openDecoder(const AVStream& stream, int threads);

// kCorrupt: "damaged <what> data at about H:MM:SS of H:MM:SS".
Error damagedAt(std::string_view what, double at_s, double duration_s);

// Sends `packet` to `decoder` (nullptr drains it) and passes every frame it
// gives back to `on_frame`, which must not keep it (its errors are passed
// on). What the decoder refuses, and a frame it marks as damaged, is
// kCorrupt (out of memory: kInternal); the caller knows the position and
// turns it into damagedAt().
Status decode(AVCodecContext& decoder, const AVPacket* packet, AVFrame& frame,
              const std::function<Status(AVFrame&)>& on_frame);

// The frame's time in seconds, or `fallback` when it has none.
double frameSeconds(const AVFrame& frame, AVRational tb, double fallback);

}  // namespace media::internal
