// Ingest: a complete upload becomes the recording's playable, encrypted,
// fragmented MP4. The glue between storage and media, so it lives here:
//
//   upload log -> decrypting ByteSource -> media::makePlayable (remux or
//   transcode, as the plan says) -> encrypting ByteSink
//   -> object published, facts and fragment index saved, recording ready
//   -> a poster (JPEG near 10%) made from the upload and stored encrypted
//   -> the upload log shredded (only the playable copy and its poster are kept).
//
// On any failure nothing is published, the upload is shredded all the same,
// and the reason (code and message) is stored for the owner to see. No
// plaintext touches the disk at any point: both ends are encrypted formats.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "media/probe.h"
#include "server/config.h"
#include "storage/vault.h"

namespace server {

struct IngestSettings {
  media::Limits limits;
  double fragment_s = 4.0;
  // Transcoding (media/transcode.h): media.x264_preset, media.crf, media.max_output_height.
  std::string x264_preset = "veryfast";
  int crf = 23;
  int max_output_height = 1080;
  int threads = 0;  // per codec; 0: libav and libx264 choose
};

// The media.* keys of `config`, as ingest (and check-media) use them.
IngestSettings ingestSettings(const Config& config);

struct IngestOutcome {
  bool ready = false;
  bool poster = false;  // a poster was stored (none for audio; a failed poster is not fatal)
  std::string code;     // when not ready: a media or storage error code
  std::string message;  // when not ready: what the owner is told
};

// Runs ingest for `upload` (complete, `size` bytes) of `recording`. Storage
// failures that leave the recording unchanged (the database is gone) are
// returned as errors; everything about the file itself is an outcome.
storage::Result<IngestOutcome> ingestUpload(storage::Vault& vault, const storage::Id& recording,
                                            const storage::Id& upload, std::uint64_t size,
                                            const IngestSettings& settings,
                                            const std::function<void(int)>& progress,
                                            std::int64_t now);

}  // namespace server
