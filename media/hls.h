// The HLS (version 7) VOD playlist over one fragmented MP4: an EXT-X-MAP with
// the init section's byte range, then one EXTINF + EXT-X-BYTERANGE per
// fragment, all pointing at the same URI. hls.js, Safari and ffmpeg play it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "media/error.h"

namespace media {

struct Fragment {
  double duration_s = 0;
  std::uint64_t offset = 0;  // of its moof box in the fMP4
  std::uint64_t size = 0;    // moof + mdat
};

// What the remuxer records while it writes: where the init section (ftyp +
// moov) is and where each fragment starts. Fragments follow each other.
struct FragmentIndex {
  std::uint64_t init_offset = 0;
  std::uint64_t init_size = 0;
  std::vector<Fragment> fragments;
};

// kInternal for an index that cannot describe a playable file: no init
// section, no fragments, a fragment of no bytes or no time, or gaps and
// overlaps between the pieces.
Result<std::string> hlsPlaylist(const FragmentIndex& index, std::string_view media_uri);

}  // namespace media
