#include "media/payload_check.h"

#include "media/codec.h"

namespace media::internal {

Result<std::unique_ptr<PayloadCheck>> PayloadCheck::create(const AVFormatContext& in,
                                                           double duration_s, Keyframes keyframes,
                                                           bool video, bool audio) {
  std::unique_ptr<PayloadCheck> check(new PayloadCheck());
  check->duration_s_ = duration_s;
  check->frame_.reset(av_frame_alloc());
  if (!check->frame_) return fail(ErrorCode::kInternal, "out of memory");
  bool seen_video = false, seen_audio = false;
  for (unsigned i = 0; i < in.nb_streams; ++i) {
    const AVStream& stream = *in.streams[i];
    const AVCodecParameters& par = *stream.codecpar;
    const bool is_video = par.codec_type == AVMEDIA_TYPE_VIDEO &&
                          !(stream.disposition & AV_DISPOSITION_ATTACHED_PIC);
    const bool is_audio = par.codec_type == AVMEDIA_TYPE_AUDIO;
    if (is_video && !seen_video) {
      seen_video = true;
      if (!video) continue;
      check->video_ = static_cast<int>(i);
      check->video_time_base_ = stream.time_base;
      // avcC (version 1): byte 4 holds the NAL length size minus one.
      if (par.codec_id == AV_CODEC_ID_H264 && par.extradata_size >= 7 && par.extradata[0] == 1) {
        check->nal_length_size_ = (par.extradata[4] & 3) + 1;
      }
      if (keyframes == Keyframes::kSkip) continue;
      // One thread: frame threading would only add latency to a keyframe-only decode.
      auto decoder = openDecoder(stream, 1);
      if (!decoder) return std::unexpected(decoder.error());
      (*decoder)->skip_frame = AVDISCARD_NONKEY;
      check->video_decoder_ = std::move(*decoder);
    } else if (is_audio && !seen_audio) {
      seen_audio = true;
      if (!audio) continue;
      check->audio_ = static_cast<int>(i);
      check->audio_time_base_ = stream.time_base;
      auto decoder = openDecoder(stream, 1);
      if (!decoder) return std::unexpected(decoder.error());
      check->audio_decoder_ = std::move(*decoder);
    }
  }
  return check;
}

Status PayloadCheck::check(const AVPacket& packet) {
  if (packet.stream_index != video_ && packet.stream_index != audio_) return {};
  const AVRational time_base =
      packet.stream_index == video_ ? video_time_base_ : audio_time_base_;
  const std::int64_t ts = packet.pts != AV_NOPTS_VALUE ? packet.pts : packet.dts;
  const double at =
      ts == AV_NOPTS_VALUE ? last_at_ : static_cast<double>(ts) * av_q2d(time_base);
  last_at_ = at;
  if (packet.stream_index == audio_) return decodeChecked(*audio_decoder_, &packet, at, "audio");
  LV_MEDIA_TRY(checkNalFraming(packet, at));
  if (!video_decoder_ || !(packet.flags & AV_PKT_FLAG_KEY)) return {};
  return decodeChecked(*video_decoder_, &packet, at, "video");
}

Status PayloadCheck::finish() {
  if (video_decoder_) LV_MEDIA_TRY(decodeChecked(*video_decoder_, nullptr, last_at_, "video"));
  if (audio_decoder_) LV_MEDIA_TRY(decodeChecked(*audio_decoder_, nullptr, last_at_, "audio"));
  return {};
}

Status PayloadCheck::checkNalFraming(const AVPacket& packet, double at) const {
  if (nal_length_size_ == 0) return {};
  const std::uint8_t* data = packet.data;
  std::size_t left = static_cast<std::size_t>(packet.size);
  while (left > 0) {
    if (left < static_cast<std::size_t>(nal_length_size_) + 1) {
      return std::unexpected(damagedAt("video", at, duration_s_));
    }
    std::size_t length = 0;
    for (int i = 0; i < nal_length_size_; ++i) length = length << 8 | data[i];
    data += nal_length_size_;
    left -= static_cast<std::size_t>(nal_length_size_);
    // A NAL unit is at least its header byte, whose top bit is always zero.
    if (length == 0 || length > left || (data[0] & 0x80) != 0) {
      return std::unexpected(damagedAt("video", at, duration_s_));
    }
    data += length;
    left -= length;
  }
  return {};
}

Status PayloadCheck::decodeChecked(AVCodecContext& decoder, const AVPacket* packet, double at,
                                   std::string_view what) {
  auto decoded = decode(decoder, packet, *frame_, [](AVFrame&) -> Status { return {}; });
  if (decoded) return {};
  if (decoded.error().code == ErrorCode::kCorrupt) {
    return std::unexpected(damagedAt(what, at, duration_s_));
  }
  return decoded;
}

}  // namespace media::internal
