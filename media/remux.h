// Remuxing an H.264/AAC-LC recording, without re-encoding, into one
// fragmented MP4 that HLS plays by byte range (hls.h), written sequentially
// through a ByteSink. The remuxer cuts the fragments itself, at the first
// video keyframe after each target interval (audio-only: at any packet), and
// records where each one lies.
//
// Nothing of the input's metadata is carried over (titles, dates, location,
// device, chapters, cover art, subtitle and data streams are dropped;
// AVFMT_FLAG_BITEXACT also drops the encoder tag) except the display matrix,
// so that phone recordings stay upright. ADTS AAC (MPEG-TS) is turned into
// MP4's form with aac_adtstoasc.
#pragma once

#include <functional>

#include "media/byte_io.h"
#include "media/hls.h"
#include "media/probe.h"

namespace media {

struct RemuxOptions {
  double fragment_s = 4.0;                    // the target length of a fragment
  std::function<void(int percent)> progress;  // 0..100, from timestamps against duration
};

struct RemuxResult {
  MediaFacts facts;  // of the input, as probe() gives them
  FragmentIndex index;
};

// kInternal when the input needs transcoding (facts.plan.remux() is false); kIo when
// the sink refuses bytes; the probe() errors for bad input. After an error
// the sink holds an unusable prefix: the caller discards it.
Result<RemuxResult> remux(ByteSource& source, ByteSink& sink, const Limits& limits,
                          const RemuxOptions& options);

}  // namespace media
