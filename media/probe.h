// Opening an untrusted recording and finding out what it is: container,
// streams, duration, rotation — refusing, with a specific error, anything the
// school does not accept. Reads only through a ByteSource; opens no file, URL
// or second input whatever the data says (playlists, references).
//
// Thread-safe: each call has its own libav contexts.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/byte_io.h"
#include "media/error.h"

namespace media {

struct Limits {
  double max_duration_s = 4 * 3600;
  int max_width = 3840;  // of the larger side, after rotation is ignored
  int max_height = 2160;
  int max_streams = 8;
  std::int64_t probe_bytes = 32 << 20;
  // Opening and probing must finish within `deadline`; remuxing or
  // transcoding may take `work_per_media_s` seconds more per second of media
  // (a 45-minute lesson transcoded at 1080p takes minutes on two cores), so a
  // file that makes libav spin is still stopped, and a long lesson is not.
  std::chrono::milliseconds deadline{60'000};
  double work_per_media_s = 4.0;
};

struct VideoFacts {
  std::string codec;  // libav codec name, e.g. "h264"
  int width = 0;
  int height = 0;
  double rotation = 0;  // degrees, counter-clockwise, from the display matrix
};

struct AudioFacts {
  std::string codec;    // e.g. "aac"
  std::string profile;  // e.g. "LC" for AAC
  int sample_rate = 0;
  int channels = 0;
};

// What ingest does with an accepted recording, and why. H.264 video is
// copied; so is AAC-LC audio in MP4's form (with its AudioSpecificConfig) or
// as ADTS when nothing is re-encoded (the remuxer filters ADTS itself).
// Anything else is re-encoded: video to H.264 (libx264), audio to AAC-LC
// 48 kHz. A plan that re-encodes either stream is a transcode.
struct Plan {
  bool transcode_video = false;
  bool transcode_audio = false;
  std::string reason;  // e.g. "video hevc → h264; audio aac copied", for operators

  bool remux() const { return !transcode_video && !transcode_audio; }
  // "remux" or "transcode".
  std::string_view action() const { return remux() ? "remux" : "transcode"; }
};

struct MediaFacts {
  std::string container;  // libav demuxer name
  double duration_s = 0;
  std::optional<VideoFacts> video;  // the first video stream (cover art is not video)
  std::optional<AudioFacts> audio;  // the first audio stream
  int streams = 0;                  // all streams, including those ingest will drop
  Plan plan;
};

// Opens `source`, reads every packet once, and checks the result against
// `limits`. Besides the container, the packets' own framing is checked
// (payload_check.h: H.264 NAL units, video keyframes and all audio decoded),
// so most damage inside the coded data is found too; what is not is in
// docs/media-ingest.md. `refused_opens`, if given, receives how many
// nested opens (playlist entries, references) were refused.
Result<MediaFacts> probe(ByteSource& source, const Limits& limits, int* refused_opens = nullptr);

// libav writes its own warnings to stderr; programs that report errors
// themselves (the CLI, the service's JSON log) silence it once at start.
void silenceLibavLog();

}  // namespace media
