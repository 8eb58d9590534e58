// Internal to media/: a cheap check for damage inside the coded data, made
// while the packets pass by once (probe's scan, the remuxer's copy), so it
// costs no second read of the file. A full decode of the video would find
// everything but costs ~18x a remux (docs/media-ingest.md has the figures);
// this check finds most damage for a fraction of that:
//   - H.264 in MP4 form: every packet's NAL units must tile it exactly (each
//     length prefix within the packet, forbidden_zero_bit clear);
//   - video keyframes are decoded (skip_frame=nokey), only when asked for:
//     probe() does, the remuxer does not (it would cost ~0.3 s per 10 min of
//     720p, more than the remux benchmark's budget);
//   - all audio is decoded (cheap).
// Not found: damage inside a video frame that keeps its NAL framing intact
// (in a keyframe too, on the remux path) — a glitch until the next keyframe.
// The transcode path decodes every frame anyway and finds that too.
#pragma once

#include <memory>

#include "media/libav.h"

namespace media::internal {

class PayloadCheck {
 public:
  enum class Keyframes { kDecode, kSkip };
  // Checks the first video stream (not cover art) and the first audio stream
  // of `in`, each unless told not to. `duration_s` is only for messages.
  static Result<std::unique_ptr<PayloadCheck>> create(const AVFormatContext& in,
                                                      double duration_s, Keyframes keyframes,
                                                      bool video = true, bool audio = true);
  PayloadCheck(const PayloadCheck&) = delete;
  PayloadCheck& operator=(const PayloadCheck&) = delete;

  // kCorrupt (with roughly where) when `packet`, as read from the demuxer,
  // is damaged; packets of other streams pass.
  Status check(const AVPacket& packet);
  // Drains the decoders: damage in the last frames is found here.
  Status finish();

 private:
  PayloadCheck() = default;
  Status checkNalFraming(const AVPacket& packet, double at) const;
  Status decodeChecked(AVCodecContext& decoder, const AVPacket* packet, double at,
                       std::string_view what);

  // Copied at create(): the check may run on another thread while the demuxer changes the
  // context (a new MPEG-TS stream reallocates its stream array).
  AVRational video_time_base_{0, 1};
  AVRational audio_time_base_{0, 1};
  double duration_s_ = 0;
  int video_ = -1;
  int audio_ = -1;
  int nal_length_size_ = 0;  // H.264 in MP4 form only; 0: no framing check
  CodecContextPtr video_decoder_;
  CodecContextPtr audio_decoder_;
  FramePtr frame_;
  double last_at_ = 0;
};

}  // namespace media::internal
