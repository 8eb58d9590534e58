// Internal to media/: one audio stream decoded, resampled (libswresample) to
// 48 kHz planar float, mono or stereo, and encoded as AAC-LC by libav's
// native encoder in frames of its frame_size (an AVAudioFifo between the
// two). Timestamps are counted in samples from the first frame's input
// timestamp, so the audio stays on the input's clock beside the video.
#pragma once

#include <memory>

#include "media/libav.h"
#include "media/video_transcoder.h"  // PacketOut

namespace media::internal {

inline constexpr int kAudioRate = 48000;

class AudioTranscoder {
 public:
  static Result<std::unique_ptr<AudioTranscoder>> create(const AVStream& in, int threads,
                                                         double duration_s);
  AudioTranscoder(const AudioTranscoder&) = delete;
  AudioTranscoder& operator=(const AudioTranscoder&) = delete;

  // Opened: its parameters and extradata are what the output stream needs.
  const AVCodecContext& encoder() const { return *encoder_; }

  // Decodes `packet` (nullptr: the input ended; drains the decoder, the
  // resampler, the FIFO and the encoder) and encodes what comes out.
  Status push(const AVPacket* packet, const PacketOut& out);

 private:
  AudioTranscoder() = default;
  Status resample(const AVFrame* frame);
  Status encodeFromFifo(bool final, const PacketOut& out);
  Status receivePackets(const PacketOut& out);

  AVRational in_tb_{};
  double duration_s_ = 0;
  double last_at_ = 0;
  CodecContextPtr decoder_;
  CodecContextPtr encoder_;
  SwrPtr swr_;
  AudioFifoPtr fifo_;
  FramePtr decoded_;
  FramePtr resampled_;
  FramePtr to_encode_;
  PacketPtr packet_;
  int in_format_ = -1;  // what the resampler was set up for, from the first frame
  int in_rate_ = 0;
  int in_channels_ = 0;
  std::int64_t start_pts_ = AV_NOPTS_VALUE;  // in 1/kAudioRate
  std::int64_t samples_sent_ = 0;
};

}  // namespace media::internal
