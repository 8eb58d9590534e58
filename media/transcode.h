// Transcoding what cannot be copied into the same fragmented MP4 the remuxer
// writes (hls.h plays both): video to H.264 with libx264 (yuv420p; scaled
// down, aspect kept, only when taller than the cap), audio to AAC-LC at
// 48 kHz with libav's native encoder. What the plan copies (H.264 video,
// AAC-LC audio in MP4 form) is copied, not re-encoded. Every frame is
// decoded with AV_EF_EXPLODE, so damage anywhere in the coded data is
// refused as kCorrupt, with roughly where.
//
// A/V sync: video frames keep their input timestamps; audio timestamps are
// counted in samples from the first audio frame's input timestamp, so both
// stay on the input's clock. The encoder forces a keyframe at every fragment
// target, so fragments stay near it. Stripping as in remux.h: no metadata,
// the display matrix copied (the pixels are not turned).
//
// Thread-safe: each call has its own libav contexts. libx264 and the
// decoders use `threads` threads each.
#pragma once

#include <array>
#include <functional>
#include <string>
#include <string_view>

#include "media/byte_io.h"
#include "media/remux.h"

namespace media {

// libx264's presets, fastest first; config validates against these.
inline constexpr std::array<std::string_view, 10> kX264Presets = {
    "ultrafast", "superfast", "veryfast", "faster",  "fast",
    "medium",    "slow",      "slower",   "veryslow", "placebo"};

struct TranscodeOptions {
  double fragment_s = 4.0;
  std::string x264_preset = "veryfast";
  int crf = 23;                  // 0..51, lower is better and larger
  int max_output_height = 1080;  // coded lines; taller video is scaled down to this
  int threads = 0;               // per codec; 0 lets libav and libx264 choose (all cores)
  std::function<void(int percent)> progress;  // 0..100, from timestamps against duration
};

// `facts` of the result describe the output where it differs from the input
// (codecs "h264"/"aac", the scaled size); kInternal when the plan is a remux
// (nothing to re-encode) or the settings are invalid; otherwise as remux().
Result<RemuxResult> transcode(ByteSource& source, ByteSink& sink, const Limits& limits,
                              const TranscodeOptions& options);

// What ingest calls: opens `source` once and remuxes or transcodes it, as
// its plan says (facts.plan). `options.fragment_s` and `progress` apply to both.
Result<RemuxResult> makePlayable(ByteSource& source, ByteSink& sink, const Limits& limits,
                                 const TranscodeOptions& options);

}  // namespace media
