#include "media/video_transcoder.h"

#include <cmath>

extern "C" {
#include <libavutil/opt.h>
}

#include "media/codec.h"

namespace media::internal {
namespace {

// The output size: the input's, scaled down to `max_height` lines when
// taller (aspect kept); both even, as 4:2:0 needs.
std::pair<int, int> outputSize(int width, int height, int max_height) {
  if (height <= max_height) return {std::max(2, width & ~1), std::max(2, height & ~1)};
  const int out_height = max_height & ~1;
  const auto out_width = static_cast<int>(
      std::lround(static_cast<double>(width) * out_height / height / 2.0) * 2);
  return {std::max(2, out_width), out_height};
}

}  // namespace

Result<std::unique_ptr<VideoTranscoder>> VideoTranscoder::create(AVFormatContext& ctx,
                                                                 const AVStream& in,
                                                                 const VideoSettings& settings) {
  std::unique_ptr<VideoTranscoder> video(new VideoTranscoder());
  video->settings_ = settings;
  video->in_tb_ = in.time_base;
  video->decoded_.reset(av_frame_alloc());
  video->scaled_.reset(av_frame_alloc());
  video->packet_.reset(av_packet_alloc());
  if (!video->decoded_ || !video->scaled_ || !video->packet_) {
    return fail(ErrorCode::kInternal, "out of memory");
  }
  auto decoder = openDecoder(in, settings.threads);
  if (!decoder) return std::unexpected(decoder.error());
  video->decoder_ = std::move(*decoder);
  LV_MEDIA_TRY(video->openEncoder(ctx, in));
  return video;
}

Status VideoTranscoder::openEncoder(AVFormatContext& ctx, const AVStream& in) {
  const AVCodec* x264 = avcodec_find_encoder_by_name("libx264");
  if (x264 == nullptr) return fail(ErrorCode::kInternal, "libav has no libx264 encoder");
  encoder_.reset(avcodec_alloc_context3(x264));
  if (!encoder_) return fail(ErrorCode::kInternal, "out of memory");
  const AVCodecParameters& par = *in.codecpar;
  const auto [width, height] = outputSize(par.width, par.height, settings_.max_height);
  AVRational rate = av_guess_frame_rate(&ctx, const_cast<AVStream*>(&in), nullptr);
  if (rate.num <= 0 || rate.den <= 0) rate = AVRational{25, 1};
  frame_duration_ = av_inv_q(rate);
  encoder_->width = width;
  encoder_->height = height;
  encoder_->pix_fmt = AV_PIX_FMT_YUV420P;
  encoder_->sample_aspect_ratio = par.sample_aspect_ratio;
  // The input's clock, so frames keep their timestamps (A/V sync as recorded).
  encoder_->time_base = in.time_base;
  encoder_->framerate = rate;
  encoder_->color_range = AVCOL_RANGE_MPEG;
  // A JPEG's colours are full-range BT.601: what sws converts to, left unsaid.
  if (par.color_range != AVCOL_RANGE_JPEG && par.codec_id != AV_CODEC_ID_MJPEG) {
    encoder_->color_primaries = par.color_primaries;
    encoder_->color_trc = par.color_trc;
    encoder_->colorspace = par.color_space;
  }
  // A keyframe at least every fragment; forced ones (encodeFrame) keep the rhythm.
  encoder_->gop_size = std::max(1, static_cast<int>(std::lround(av_q2d(rate) * settings_.fragment_s)));
  encoder_->thread_count = settings_.threads;
  // MP4 keeps the SPS/PPS in the init section, not in front of each keyframe.
  encoder_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  AVDictionary* options = nullptr;
  av_dict_set(&options, "preset", settings_.preset.c_str(), 0);
  av_dict_set_int(&options, "crf", settings_.crf, 0);
  const int opened = avcodec_open2(encoder_.get(), x264, &options);
  av_dict_free(&options);
  if (opened < 0) return std::unexpected(avError(opened, "opening libx264"));
  return {};
}

Status VideoTranscoder::push(const AVPacket* packet, const PacketOut& out) {
  if (packet != nullptr && packet->pts != AV_NOPTS_VALUE) {
    last_at_ = static_cast<double>(packet->pts) * av_q2d(in_tb_);
  }
  auto decoded = decode(*decoder_, packet, *decoded_,
                        [&](AVFrame& frame) { return encodeFrame(frame, out); });
  if (!decoded) {
    if (decoded.error().code != ErrorCode::kCorrupt) return decoded;
    return std::unexpected(damagedAt("video", last_at_, settings_.duration_s));
  }
  if (packet != nullptr) return {};
  // The input ended: drain the encoder too.
  if (int sent = avcodec_send_frame(encoder_.get(), nullptr); sent < 0) {
    return std::unexpected(avError(sent, "finishing the video"));
  }
  return receivePackets(out);
}

Status VideoTranscoder::encodeFrame(AVFrame& frame, const PacketOut& out) {
  std::int64_t pts = frame.best_effort_timestamp;
  if (pts == AV_NOPTS_VALUE && last_pts_ != AV_NOPTS_VALUE) {
    pts = last_pts_ + std::max<std::int64_t>(1, av_rescale_q(1, frame_duration_, in_tb_));
  }
  // libx264 needs rising timestamps; a repeated one moves up by one tick.
  if (pts == AV_NOPTS_VALUE) pts = 0;
  if (last_pts_ != AV_NOPTS_VALUE && pts <= last_pts_) pts = last_pts_ + 1;
  last_pts_ = pts;
  last_at_ = static_cast<double>(pts) * av_q2d(in_tb_);
  auto picture = converted(frame);
  if (!picture) return std::unexpected(picture.error());
  AVFrame& to_encode = **picture;
  to_encode.pts = pts;
  // The decoder's picture types mean nothing to the encoder: it picks its own,
  // except a keyframe at each fragment target.
  to_encode.pict_type = AV_PICTURE_TYPE_NONE;
  // Timed from the previous forced keyframe, as the writer times its cuts
  // from the previous cut, so every forced keyframe starts a fragment.
  if (next_key_s_ < 0 || last_at_ >= next_key_s_ - 1e-6) {
    to_encode.pict_type = AV_PICTURE_TYPE_I;
    next_key_s_ = last_at_ + settings_.fragment_s;
  }
  const int sent = avcodec_send_frame(encoder_.get(), &to_encode);
  if (&to_encode == scaled_.get()) av_frame_unref(scaled_.get());
  if (sent < 0) return std::unexpected(avError(sent, "encoding the video"));
  return receivePackets(out);
}

Result<AVFrame*> VideoTranscoder::converted(AVFrame& frame) {
  if (frame.width == encoder_->width && frame.height == encoder_->height &&
      frame.format == AV_PIX_FMT_YUV420P) {
    return &frame;
  }
  sws_.reset(sws_getCachedContext(sws_.release(), frame.width, frame.height,
                                  static_cast<AVPixelFormat>(frame.format), encoder_->width,
                                  encoder_->height, AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr,
                                  nullptr, nullptr));
  if (!sws_) return fail(ErrorCode::kInternal, "cannot convert the video frames");
  scaled_->format = AV_PIX_FMT_YUV420P;
  scaled_->width = encoder_->width;
  scaled_->height = encoder_->height;
  if (int made = av_frame_get_buffer(scaled_.get(), 0); made < 0) {
    return std::unexpected(avError(made, "allocating a frame"));
  }
  sws_scale(sws_.get(), frame.data, frame.linesize, 0, frame.height, scaled_->data,
            scaled_->linesize);
  scaled_->sample_aspect_ratio = frame.sample_aspect_ratio;
  return scaled_.get();
}

Status VideoTranscoder::receivePackets(const PacketOut& out) {
  for (;;) {
    const int got = avcodec_receive_packet(encoder_.get(), packet_.get());
    if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return {};
    if (got < 0) return std::unexpected(avError(got, "encoding the video"));
    if (packet_->duration == 0) packet_->duration = av_rescale_q(1, frame_duration_, in_tb_);
    LV_MEDIA_TRY(out(*packet_));
  }
}

}  // namespace media::internal
