#include "media/poster.h"

#include <cmath>

#include "media/input.h"

namespace media {
namespace {

using internal::avError;

// Decodes the first video frame at or after `target` seconds (from the
// keyframe before it).
Result<internal::FramePtr> decodeFrameAt(AVFormatContext& in, int video, double target) {
  const AVStream& stream = *in.streams[video];
  const AVCodec* codec = avcodec_find_decoder(stream.codecpar->codec_id);
  if (codec == nullptr) return fail(ErrorCode::kUnsupportedCodec, "no decoder for the video");
  internal::CodecContextPtr decoder(avcodec_alloc_context3(codec));
  if (!decoder) return fail(ErrorCode::kInternal, "out of memory");
  if (int copied = avcodec_parameters_to_context(decoder.get(), stream.codecpar); copied < 0) {
    return std::unexpected(avError(copied, "configuring the decoder"));
  }
  decoder->thread_count = 1;
  if (int opened = avcodec_open2(decoder.get(), codec, nullptr); opened < 0) {
    return std::unexpected(avError(opened, "opening the decoder"));
  }
  const auto ts = static_cast<std::int64_t>(target / av_q2d(stream.time_base));
  // A failed seek is not fatal: the frame then comes from the start.
  (void)av_seek_frame(&in, video, ts, AVSEEK_FLAG_BACKWARD);
  internal::PacketPtr packet(av_packet_alloc());
  internal::FramePtr frame(av_frame_alloc());
  if (!packet || !frame) return fail(ErrorCode::kInternal, "out of memory");
  bool draining = false;
  while (true) {
    if (!draining) {
      const int read = av_read_frame(&in, packet.get());
      if (read == AVERROR_EOF) {
        draining = true;
        avcodec_send_packet(decoder.get(), nullptr);
      } else if (read < 0) {
        return std::unexpected(avError(read, "reading for the poster"));
      } else if (packet->stream_index != video) {
        av_packet_unref(packet.get());
        continue;
      } else {
        const int sent = avcodec_send_packet(decoder.get(), packet.get());
        av_packet_unref(packet.get());
        if (sent < 0 && sent != AVERROR(EAGAIN)) return std::unexpected(avError(sent, "decoding"));
      }
    }
    const int got = avcodec_receive_frame(decoder.get(), frame.get());
    if (got == AVERROR(EAGAIN)) continue;
    if (got == AVERROR_EOF) return fail(ErrorCode::kCorrupt, "no picture could be decoded");
    if (got < 0) return std::unexpected(avError(got, "decoding"));
    const std::int64_t pts = frame->best_effort_timestamp;
    // The last frame before the end will do when the target lies beyond it.
    if (pts == AV_NOPTS_VALUE || static_cast<double>(pts) * av_q2d(stream.time_base) >= target ||
        draining) {
      return frame;
    }
    av_frame_unref(frame.get());
  }
}

// The frame as planar 4:2:0 at its own size (even dimensions).
Result<internal::FramePtr> toYuv420(const AVFrame& frame) {
  internal::FramePtr out(av_frame_alloc());
  if (!out) return fail(ErrorCode::kInternal, "out of memory");
  out->format = AV_PIX_FMT_YUVJ420P;
  out->width = frame.width & ~1;
  out->height = frame.height & ~1;
  if (int made = av_frame_get_buffer(out.get(), 0); made < 0) {
    return std::unexpected(avError(made, "allocating the poster"));
  }
  internal::SwsPtr sws(sws_getContext(
      frame.width, frame.height, static_cast<AVPixelFormat>(frame.format), out->width, out->height,
      AV_PIX_FMT_YUVJ420P, SWS_POINT, nullptr, nullptr, nullptr));
  if (!sws) return fail(ErrorCode::kInternal, "cannot convert the poster");
  sws_scale(sws.get(), frame.data, frame.linesize, 0, frame.height, out->data, out->linesize);
  return out;
}

// Turns a planar YUV frame by `quarter_turns` × 90° clockwise — what a
// display matrix of -90·quarter_turns degrees (counter-clockwise) asks for.
Result<internal::FramePtr> turn(const AVFrame& frame, int quarter_turns) {
  internal::FramePtr out(av_frame_alloc());
  if (!out) return fail(ErrorCode::kInternal, "out of memory");
  const bool swap = quarter_turns % 2 == 1;
  out->format = frame.format;
  out->width = swap ? frame.height : frame.width;
  out->height = swap ? frame.width : frame.height;
  if (int made = av_frame_get_buffer(out.get(), 0); made < 0) {
    return std::unexpected(avError(made, "allocating the turned poster"));
  }
  for (int plane = 0; plane < 3; ++plane) {
    const int shift = plane == 0 ? 0 : 1;  // 4:2:0 chroma
    const int w = frame.width >> shift, h = frame.height >> shift;
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        int tx = x, ty = y;
        if (quarter_turns == 1) {
          tx = h - 1 - y;
          ty = x;
        }
        if (quarter_turns == 2) {
          tx = w - 1 - x;
          ty = h - 1 - y;
        }
        if (quarter_turns == 3) {
          tx = y;
          ty = w - 1 - x;
        }
        out->data[plane][ty * out->linesize[plane] + tx] =
            frame.data[plane][y * frame.linesize[plane] + x];
      }
    }
  }
  return out;
}

// Scales to at most kPosterMaxWidth wide and encodes one JPEG.
Result<std::vector<std::uint8_t>> encodeJpeg(const AVFrame& frame) {
  const int width = std::min(frame.width, kPosterMaxWidth) & ~1;
  const int height = std::max(
      2,
      static_cast<int>(std::lround(static_cast<double>(frame.height) * width / frame.width)) & ~1);
  internal::SwsPtr sws(
      sws_getContext(frame.width, frame.height, static_cast<AVPixelFormat>(frame.format), width,
                     height, AV_PIX_FMT_YUVJ420P, SWS_BICUBIC, nullptr, nullptr, nullptr));
  internal::FramePtr scaled(av_frame_alloc());
  if (!sws || !scaled) return fail(ErrorCode::kInternal, "cannot scale the poster");
  scaled->format = AV_PIX_FMT_YUVJ420P;
  scaled->width = width;
  scaled->height = height;
  if (int made = av_frame_get_buffer(scaled.get(), 0); made < 0) {
    return std::unexpected(avError(made, "allocating the poster"));
  }
  sws_scale(sws.get(), frame.data, frame.linesize, 0, frame.height, scaled->data, scaled->linesize);

  const AVCodec* mjpeg = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  internal::CodecContextPtr encoder(mjpeg ? avcodec_alloc_context3(mjpeg) : nullptr);
  if (!encoder) return fail(ErrorCode::kInternal, "no JPEG encoder");
  encoder->width = width;
  encoder->height = height;
  encoder->pix_fmt = AV_PIX_FMT_YUVJ420P;
  encoder->time_base = AVRational{1, 25};
  encoder->flags |= AV_CODEC_FLAG_BITEXACT | AV_CODEC_FLAG_QSCALE;
  encoder->global_quality = FF_QP2LAMBDA * 4;
  if (int opened = avcodec_open2(encoder.get(), mjpeg, nullptr); opened < 0) {
    return std::unexpected(avError(opened, "opening the JPEG encoder"));
  }
  internal::PacketPtr packet(av_packet_alloc());
  if (!packet) return fail(ErrorCode::kInternal, "out of memory");
  if (int sent = avcodec_send_frame(encoder.get(), scaled.get()); sent < 0) {
    return std::unexpected(avError(sent, "encoding the poster"));
  }
  if (int got = avcodec_receive_packet(encoder.get(), packet.get()); got < 0) {
    return std::unexpected(avError(got, "encoding the poster"));
  }
  return std::vector<std::uint8_t>(packet->data, packet->data + packet->size);
}

}  // namespace

Result<std::optional<std::vector<std::uint8_t>>> makePoster(ByteSource& source,
                                                            const Limits& limits) {
  internal::Guards guards{std::chrono::steady_clock::now() + limits.deadline, 0};
  auto described = internal::openAndDescribe(source, limits, guards);
  if (!described) return std::unexpected(described.error());
  AVFormatContext& in = *described->input->ctx;
  const MediaFacts& facts = described->facts;
  if (!facts.video) return std::nullopt;
  int video = -1;
  for (unsigned i = 0; i < in.nb_streams && video < 0; ++i) {
    const AVStream& s = *in.streams[i];
    if (s.codecpar->codec_type == AVMEDIA_TYPE_VIDEO &&
        !(s.disposition & AV_DISPOSITION_ATTACHED_PIC)) {
      video = static_cast<int>(i);
    }
  }
  auto frame = decodeFrameAt(in, video, 0.1 * facts.duration_s);
  if (!frame) return std::unexpected(frame.error());
  // Upright like the video: the display matrix's counter-clockwise degrees,
  // to the nearest quarter turn, become clockwise turns of the picture.
  const int quarter_turns =
      ((static_cast<int>(std::lround(-facts.video->rotation / 90.0)) % 4) + 4) % 4;
  internal::FramePtr picture = std::move(*frame);
  if (quarter_turns != 0) {
    // Turning works on planar 4:2:0, so bring the frame there first.
    auto planar = toYuv420(*picture);
    if (!planar) return std::unexpected(planar.error());
    auto turned = turn(**planar, quarter_turns);
    if (!turned) return std::unexpected(turned.error());
    picture = std::move(*turned);
  }
  auto jpeg = encodeJpeg(*picture);
  if (!jpeg) return std::unexpected(jpeg.error());
  return std::optional(std::move(*jpeg));
}

}  // namespace media
