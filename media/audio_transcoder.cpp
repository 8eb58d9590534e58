#include "media/audio_transcoder.h"

#include <algorithm>

#include "media/codec.h"
#include "media/input.h"

namespace media::internal {

Result<std::unique_ptr<AudioTranscoder>> AudioTranscoder::create(const AVStream& in, int threads,
                                                                 double duration_s) {
  std::unique_ptr<AudioTranscoder> audio(new AudioTranscoder());
  audio->in_tb_ = in.time_base;
  audio->duration_s_ = duration_s;
  audio->decoded_.reset(av_frame_alloc());
  audio->resampled_.reset(av_frame_alloc());
  audio->to_encode_.reset(av_frame_alloc());
  audio->packet_.reset(av_packet_alloc());
  if (!audio->decoded_ || !audio->resampled_ || !audio->to_encode_ || !audio->packet_) {
    return fail(ErrorCode::kInternal, "out of memory");
  }
  auto decoder = openDecoder(in, threads);
  if (!decoder) return std::unexpected(decoder.error());
  audio->decoder_ = std::move(*decoder);

  const AVCodec* aac = avcodec_find_encoder_by_name("aac");
  if (aac == nullptr) return fail(ErrorCode::kInternal, "libav has no aac encoder");
  audio->encoder_.reset(avcodec_alloc_context3(aac));
  if (!audio->encoder_) return fail(ErrorCode::kInternal, "out of memory");
  AVCodecContext& enc = *audio->encoder_;
  // Lessons are heard in a browser: mono stays mono, anything more becomes stereo.
  av_channel_layout_default(&enc.ch_layout, in.codecpar->ch_layout.nb_channels == 1 ? 1 : 2);
  enc.sample_rate = kAudioRate;
  enc.sample_fmt = AV_SAMPLE_FMT_FLTP;
  enc.time_base = AVRational{1, kAudioRate};
  enc.profile = FF_PROFILE_AAC_LOW;
  enc.thread_count = threads;
  enc.flags |= AV_CODEC_FLAG_GLOBAL_HEADER | AV_CODEC_FLAG_BITEXACT;
  if (int opened = avcodec_open2(&enc, aac, nullptr); opened < 0) {
    return std::unexpected(avError(opened, "opening the AAC encoder"));
  }
  audio->fifo_.reset(
      av_audio_fifo_alloc(enc.sample_fmt, enc.ch_layout.nb_channels, enc.frame_size));
  if (!audio->fifo_) return fail(ErrorCode::kInternal, "out of memory");
  return audio;
}

Status AudioTranscoder::push(const AVPacket* packet, const PacketOut& out) {
  if (packet != nullptr && packet->pts != AV_NOPTS_VALUE) {
    last_at_ = static_cast<double>(packet->pts) * av_q2d(in_tb_);
  }
  auto decoded = decode(*decoder_, packet, *decoded_, [&](AVFrame& frame) -> Status {
    LV_MEDIA_TRY(resample(&frame));
    return encodeFromFifo(false, out);
  });
  if (!decoded) {
    if (decoded.error().code != ErrorCode::kCorrupt) return decoded;
    return std::unexpected(damagedAt("audio", last_at_, duration_s_));
  }
  if (packet != nullptr) return {};
  // The input ended: what the resampler holds, the FIFO's rest, the encoder's delay.
  if (swr_) LV_MEDIA_TRY(resample(nullptr));
  LV_MEDIA_TRY(encodeFromFifo(true, out));
  if (int sent = avcodec_send_frame(encoder_.get(), nullptr); sent < 0) {
    return std::unexpected(avError(sent, "finishing the audio"));
  }
  return receivePackets(out);
}

// Converts `frame` (nullptr: flushes the resampler) into the FIFO.
Status AudioTranscoder::resample(const AVFrame* frame) {
  if (frame != nullptr && !swr_) {
    AVChannelLayout in_layout{};
    if (frame->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC) {
      av_channel_layout_default(&in_layout, frame->ch_layout.nb_channels);
    } else if (int copied = av_channel_layout_copy(&in_layout, &frame->ch_layout); copied < 0) {
      return std::unexpected(avError(copied, "reading the channel layout"));
    }
    SwrContext* raw = nullptr;
    const int made = swr_alloc_set_opts2(&raw, &encoder_->ch_layout, encoder_->sample_fmt,
                                         kAudioRate, &in_layout,
                                         static_cast<AVSampleFormat>(frame->format),
                                         frame->sample_rate, 0, nullptr);
    av_channel_layout_uninit(&in_layout);
    swr_.reset(raw);
    if (made < 0) return std::unexpected(avError(made, "setting up the resampler"));
    if (int started = swr_init(swr_.get()); started < 0) {
      return std::unexpected(avError(started, "setting up the resampler"));
    }
    in_format_ = frame->format;
    in_rate_ = frame->sample_rate;
    in_channels_ = frame->ch_layout.nb_channels;
    const std::int64_t first = frame->best_effort_timestamp;
    start_pts_ = first == AV_NOPTS_VALUE
                     ? 0
                     : av_rescale_q(first, in_tb_, AVRational{1, kAudioRate});
  }
  // The resampler reads what it was set up for: another format would be read wrongly.
  if (frame != nullptr && (frame->format != in_format_ || frame->sample_rate != in_rate_ ||
                           frame->ch_layout.nb_channels != in_channels_)) {
    return fail(ErrorCode::kCorrupt, "the audio changes format at about " +
                                         clock(last_at_) + " of " + clock(duration_s_));
  }
  const int in_samples = frame != nullptr ? frame->nb_samples : 0;
  const int room = swr_get_out_samples(swr_.get(), in_samples);
  if (room <= 0) return {};
  resampled_->format = encoder_->sample_fmt;
  resampled_->sample_rate = kAudioRate;
  resampled_->nb_samples = room;
  if (int copied = av_channel_layout_copy(&resampled_->ch_layout, &encoder_->ch_layout);
      copied < 0) {
    return std::unexpected(avError(copied, "allocating audio"));
  }
  if (int made = av_frame_get_buffer(resampled_.get(), 0); made < 0) {
    return std::unexpected(avError(made, "allocating audio"));
  }
  const int converted =
      swr_convert(swr_.get(), resampled_->data, room,
                  frame != nullptr ? const_cast<const std::uint8_t**>(frame->extended_data)
                                   : nullptr,
                  in_samples);
  Status status;
  if (converted < 0) {
    status = std::unexpected(avError(converted, "resampling the audio"));
  } else if (converted > 0 &&
             av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(resampled_->data),
                                 converted) < converted) {
    status = fail(ErrorCode::kInternal, "out of memory");
  }
  av_frame_unref(resampled_.get());
  return status;
}

// Encodes whole encoder frames from the FIFO; `final` also the short rest.
Status AudioTranscoder::encodeFromFifo(bool final, const PacketOut& out) {
  const int frame_size = encoder_->frame_size;
  while (av_audio_fifo_size(fifo_.get()) >= frame_size ||
         (final && av_audio_fifo_size(fifo_.get()) > 0)) {
    const int n = std::min(frame_size, av_audio_fifo_size(fifo_.get()));
    AVFrame& frame = *to_encode_;
    frame.format = encoder_->sample_fmt;
    frame.sample_rate = kAudioRate;
    frame.nb_samples = n;
    if (int copied = av_channel_layout_copy(&frame.ch_layout, &encoder_->ch_layout); copied < 0) {
      return std::unexpected(avError(copied, "allocating audio"));
    }
    if (int made = av_frame_get_buffer(&frame, 0); made < 0) {
      return std::unexpected(avError(made, "allocating audio"));
    }
    if (av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(frame.data), n) < n) {
      av_frame_unref(&frame);
      return fail(ErrorCode::kInternal, "reading the audio FIFO");
    }
    frame.pts = start_pts_ + samples_sent_;
    samples_sent_ += n;
    const int sent = avcodec_send_frame(encoder_.get(), &frame);
    av_frame_unref(&frame);
    if (sent < 0) return std::unexpected(avError(sent, "encoding the audio"));
    LV_MEDIA_TRY(receivePackets(out));
  }
  return {};
}

Status AudioTranscoder::receivePackets(const PacketOut& out) {
  for (;;) {
    const int got = avcodec_receive_packet(encoder_.get(), packet_.get());
    if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return {};
    if (got < 0) return std::unexpected(avError(got, "encoding the audio"));
    LV_MEDIA_TRY(out(*packet_));
  }
}

}  // namespace media::internal
