// Test helper: reads, from a fragmented MP4's own boxes, when each track's
// first sample is presented (tfdt of the first moof + the first sample's
// composition offset, over the track's timescale). The independent judge of
// A/V sync: FFmpeg's mov demuxer shifts a track with negative composition
// offsets later by the largest of them, so ffprobe's start_time does not
// show what browsers (hls.js, Safari) play.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace media::testing {

// Track id -> first presentation time in seconds; empty if the boxes are not
// what a fragmented MP4 holds.
std::map<std::uint32_t, double> firstPresentationTimes(const std::vector<std::uint8_t>& mp4);

}  // namespace media::testing
