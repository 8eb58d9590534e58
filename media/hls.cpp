#include "media/hls.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace media {

Result<std::string> hlsPlaylist(const FragmentIndex& index, std::string_view uri) {
  if (index.init_size == 0 || index.fragments.empty()) {
    return fail(ErrorCode::kInternal, "the fragment index has no init section or no fragments");
  }
  std::uint64_t expected = index.init_offset + index.init_size;
  double longest = 0;
  for (std::size_t i = 0; i < index.fragments.size(); ++i) {
    const Fragment& f = index.fragments[i];
    if (f.size == 0 || !(f.duration_s > 0) || f.offset != expected) {
      return fail(ErrorCode::kInternal,
                  "fragment " + std::to_string(i) + " is empty or does not follow the one before");
    }
    expected = f.offset + f.size;
    longest = std::max(longest, f.duration_s);
  }
  // RFC 8216 4.3.3.1: every EXTINF rounded to the nearest integer must be at
  // most the target duration.
  const long target = std::max(1L, std::lround(longest));
  std::string out =
      "#EXTM3U\n"
      "#EXT-X-VERSION:7\n"
      "#EXT-X-TARGETDURATION:" +
      std::to_string(target) +
      "\n"
      "#EXT-X-PLAYLIST-TYPE:VOD\n"
      "#EXT-X-INDEPENDENT-SEGMENTS\n"
      "#EXT-X-MAP:URI=\"" +
      std::string(uri) + "\",BYTERANGE=\"" + std::to_string(index.init_size) + "@" +
      std::to_string(index.init_offset) + "\"\n";
  for (const Fragment& f : index.fragments) {
    char extinf[48];
    std::snprintf(extinf, sizeof extinf, "#EXTINF:%.3f,\n", f.duration_s);
    out += extinf;
    out += "#EXT-X-BYTERANGE:" + std::to_string(f.size) + "@" + std::to_string(f.offset) + "\n";
    out += uri;
    out += "\n";
  }
  out += "#EXT-X-ENDLIST\n";
  return out;
}

}  // namespace media
