#include "media/codec.h"

#include <string>

#include "media/input.h"

namespace media::internal {

Result<CodecContextPtr> openDecoder(const AVStream& stream, int threads) {
  const AVCodec* codec = avcodec_find_decoder(stream.codecpar->codec_id);
  if (codec == nullptr) {
    return fail(ErrorCode::kUnsupportedCodec,
                std::string("no decoder for ") + avcodec_get_name(stream.codecpar->codec_id));
  }
  CodecContextPtr decoder(avcodec_alloc_context3(codec));
  if (!decoder) return fail(ErrorCode::kInternal, "out of memory");
  if (int copied = avcodec_parameters_to_context(decoder.get(), stream.codecpar); copied < 0) {
    return std::unexpected(avError(copied, "configuring the decoder"));
  }
  decoder->pkt_timebase = stream.time_base;
  decoder->thread_count = threads;
  decoder->err_recognition |= AV_EF_EXPLODE;
  decoder->codec_whitelist = av_strdup(kDecoders);
  if (decoder->codec_whitelist == nullptr) return fail(ErrorCode::kInternal, "out of memory");
  if (int opened = avcodec_open2(decoder.get(), codec, nullptr); opened < 0) {
    return std::unexpected(avError(opened, "opening the decoder"));
  }
  return decoder;
}

Error damagedAt(std::string_view what, double at_s, double duration_s) {
  return Error{ErrorCode::kCorrupt, "damaged " + std::string(what) + " data at about " +
                                        clock(at_s) + " of " + clock(duration_s)};
}

namespace {

// Whatever a decoder refuses is the data's fault, except running out of memory.
std::unexpected<Error> decodeError(int averror) {
  Error error = avError(averror, "decoding");
  if (averror != AVERROR(ENOMEM)) error.code = ErrorCode::kCorrupt;
  return std::unexpected(std::move(error));
}

}  // namespace

Status decode(AVCodecContext& decoder, const AVPacket* packet, AVFrame& frame,
              const std::function<Status(AVFrame&)>& on_frame) {
  if (int sent = avcodec_send_packet(&decoder, packet); sent < 0 && sent != AVERROR_EOF) {
    return decodeError(sent);
  }
  for (;;) {
    const int got = avcodec_receive_frame(&decoder, &frame);
    if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return {};
    if (got < 0) return decodeError(got);
    if (frame.decode_error_flags != 0 || (frame.flags & AV_FRAME_FLAG_CORRUPT)) {
      av_frame_unref(&frame);
      return fail(ErrorCode::kCorrupt, "the decoder marked a frame as damaged");
    }
    const Status handled = on_frame(frame);
    av_frame_unref(&frame);
    if (!handled) return handled;
  }
}

double frameSeconds(const AVFrame& frame, AVRational tb, double fallback) {
  const std::int64_t ts = frame.best_effort_timestamp;
  return ts == AV_NOPTS_VALUE ? fallback : static_cast<double>(ts) * av_q2d(tb);
}

}  // namespace media::internal
