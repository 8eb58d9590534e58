// Internal to media/: the one fragmented-MP4 writer behind remux() and
// transcode(), so both cut and index fragments the same way. It writes
// sequentially through a ByteSink (empty_moov + default_base_moof +
// frag_custom + skip_trailer), cuts a fragment just before the first video
// keyframe at or after each target (audio-only: before any packet), and
// records each fragment's duration, offset and size from avio_tell.
// Nothing of the input's metadata is written (AVFMT_FLAG_BITEXACT drops the
// encoder tag too); a display matrix is copied only when asked for.
//
// Call order: create, add*Stream, (parameters()), writeHeader, write..., finish.
// Packets must be written in decoding order across streams (av_write_frame,
// no interleaving queue), which is what makes the cuts exact.
#pragma once

#include <memory>

#include "media/byte_io.h"
#include "media/hls.h"
#include "media/libav.h"

namespace media::internal {

class Fmp4Writer {
 public:
  static Result<std::unique_ptr<Fmp4Writer>> create(ByteSink& sink, double fragment_s);
  Fmp4Writer(const Fmp4Writer&) = delete;
  Fmp4Writer& operator=(const Fmp4Writer&) = delete;

  // A stream whose packets are copied from `in` (its codec parameters), or
  // encoded by `encoder` (opened). `rotation_from`, when given, lends its
  // display matrix (avcodec_parameters_copy does not carry stream side data).
  // Returns the output stream index.
  Result<int> addCopiedStream(const AVStream& in);
  Result<int> addEncodedStream(const AVCodecContext& encoder, AVRational time_base,
                               const AVStream* rotation_from);
  AVCodecParameters& parameters(int stream) { return *ctx_->streams[stream]->codecpar; }

  Status writeHeader();
  // Writes `packet` (its stream_index an output stream, timestamps in `tb`)
  // and unreferences it, written or not.
  Status write(AVPacket& packet, AVRational tb);
  // Seconds of media written so far (the end of the latest packet).
  double writtenUntil() const { return last_end_; }
  // Closes the last fragment and checks that every byte reached the sink.
  Result<FragmentIndex> finish();

 private:
  struct WriteState {
    ByteSink* sink;
    bool failed = false;
  };
  Fmp4Writer() = default;
  static int writePacket(void* opaque, std::uint8_t* data, int size) noexcept;
  Status closeFragment(double end_s);
  Status sinkOr(int averror, std::string_view what) const;

  // Destruction order: the context before the AVIO it writes through.
  WriteState state_{};
  AvioPtr avio_;
  OutputPtr ctx_;
  double fragment_s_ = 4.0;
  int video_ = -1;
  FragmentIndex index_;
  double fragment_start_ = 0;
  double last_end_ = 0;
  bool fragment_open_ = false;
};

}  // namespace media::internal
