// Internal to media/: one video stream decoded, brought to yuv420p (scaled
// down only when taller than the cap) and encoded with libx264, forcing a
// keyframe at every fragment target so fragments stay near it.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "media/libav.h"

namespace media::internal {

struct VideoSettings {
  std::string preset = "veryfast";
  int crf = 23;
  int max_height = 1080;
  int threads = 0;
  double fragment_s = 4.0;
  double duration_s = 0;  // for messages
};

// Handed each encoded packet (timestamps in the encoder's time base); it
// takes the packet's reference.
using PacketOut = std::function<Status(AVPacket&)>;

class VideoTranscoder {
 public:
  // `in` is a stream of `ctx`, which must outlive this object.
  static Result<std::unique_ptr<VideoTranscoder>> create(AVFormatContext& ctx, const AVStream& in,
                                                         const VideoSettings& settings);
  VideoTranscoder(const VideoTranscoder&) = delete;
  VideoTranscoder& operator=(const VideoTranscoder&) = delete;

  // Opened: its parameters and extradata are what the output stream needs.
  const AVCodecContext& encoder() const { return *encoder_; }

  // Decodes `packet` (nullptr: the input ended; drains decoder and encoder)
  // and encodes what comes out. kCorrupt, with roughly where, for damage.
  Status push(const AVPacket* packet, const PacketOut& out);

 private:
  VideoTranscoder() = default;
  Status openEncoder(AVFormatContext& ctx, const AVStream& in);
  Status encodeFrame(AVFrame& frame, const PacketOut& out);
  Result<AVFrame*> converted(AVFrame& frame);
  Status receivePackets(const PacketOut& out);

  VideoSettings settings_;
  AVRational in_tb_{};
  AVRational frame_duration_{};  // in seconds, from the frame rate
  CodecContextPtr decoder_;
  CodecContextPtr encoder_;
  SwsPtr sws_;
  FramePtr decoded_;
  FramePtr scaled_;
  PacketPtr packet_;
  std::int64_t last_pts_ = AV_NOPTS_VALUE;
  double next_key_s_ = -1;  // the next forced keyframe; < 0 before the first frame
  double last_at_ = 0;
};

}  // namespace media::internal
