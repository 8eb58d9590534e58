#include "media/fmp4_writer.h"

#include <algorithm>
#include <cstring>

namespace media::internal {
namespace {

constexpr int kAvioBufferSize = 256 * 1024;

Status copyDisplayMatrix(const AVStream& from, AVStream& to) {
  std::size_t size = 0;
  const std::uint8_t* matrix = av_stream_get_side_data(&from, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (matrix == nullptr) return {};
  std::uint8_t* copy = av_stream_new_side_data(&to, AV_PKT_DATA_DISPLAYMATRIX, size);
  if (copy == nullptr) return fail(ErrorCode::kInternal, "out of memory");
  std::memcpy(copy, matrix, size);
  return {};
}

}  // namespace

int Fmp4Writer::writePacket(void* opaque, std::uint8_t* data, int size) noexcept {
  auto* state = static_cast<WriteState*>(opaque);
  if (!state->sink->write(std::span<const std::uint8_t>(data, static_cast<std::size_t>(size)))) {
    state->failed = true;
    return AVERROR(EIO);
  }
  return size;
}

Result<std::unique_ptr<Fmp4Writer>> Fmp4Writer::create(ByteSink& sink, double fragment_s) {
  std::unique_ptr<Fmp4Writer> writer(new Fmp4Writer());
  writer->state_.sink = &sink;
  writer->fragment_s_ = fragment_s;
  AVFormatContext* raw = nullptr;
  if (int made = avformat_alloc_output_context2(&raw, nullptr, "mp4", nullptr); made < 0) {
    return std::unexpected(avError(made, "creating the MP4 muxer"));
  }
  writer->ctx_.reset(raw);
  auto* buffer = static_cast<std::uint8_t*>(av_malloc(kAvioBufferSize));
  if (buffer == nullptr) return fail(ErrorCode::kInternal, "out of memory");
  // Write-only and not seekable: fragments go out in order, nothing is rewritten.
  writer->avio_.reset(avio_alloc_context(buffer, kAvioBufferSize, 1, &writer->state_, nullptr,
                                         writePacket, nullptr));
  if (!writer->avio_) {
    av_free(buffer);
    return fail(ErrorCode::kInternal, "out of memory");
  }
  writer->ctx_->pb = writer->avio_.get();
  writer->ctx_->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_BITEXACT;
  return writer;
}

Result<int> Fmp4Writer::addCopiedStream(const AVStream& in) {
  AVStream* stream = avformat_new_stream(ctx_.get(), nullptr);
  if (stream == nullptr) return fail(ErrorCode::kInternal, "out of memory");
  if (int copied = avcodec_parameters_copy(stream->codecpar, in.codecpar); copied < 0) {
    return std::unexpected(avError(copied, "copying codec parameters"));
  }
  stream->codecpar->codec_tag = 0;
  stream->time_base = in.time_base;
  LV_MEDIA_TRY(copyDisplayMatrix(in, *stream));
  if (in.codecpar->codec_type == AVMEDIA_TYPE_VIDEO) video_ = stream->index;
  return stream->index;
}

Result<int> Fmp4Writer::addEncodedStream(const AVCodecContext& encoder, AVRational time_base,
                                         const AVStream* rotation_from) {
  AVStream* stream = avformat_new_stream(ctx_.get(), nullptr);
  if (stream == nullptr) return fail(ErrorCode::kInternal, "out of memory");
  if (int copied = avcodec_parameters_from_context(stream->codecpar, &encoder); copied < 0) {
    return std::unexpected(avError(copied, "copying the encoder's parameters"));
  }
  stream->time_base = time_base;
  if (rotation_from != nullptr) LV_MEDIA_TRY(copyDisplayMatrix(*rotation_from, *stream));
  if (encoder.codec_type == AVMEDIA_TYPE_VIDEO) video_ = stream->index;
  return stream->index;
}

Status Fmp4Writer::writeHeader() {
  AVDictionary* options = nullptr;
  av_dict_set(&options, "movflags", "empty_moov+default_base_moof+frag_custom+skip_trailer+negative_cts_offsets", 0);
  const int header = avformat_write_header(ctx_.get(), &options);
  av_dict_free(&options);
  if (header < 0) return sinkOr(header, "writing the MP4 header");
  index_.init_size = static_cast<std::uint64_t>(avio_tell(ctx_->pb));
  return {};
}

Status Fmp4Writer::write(AVPacket& packet, AVRational tb) {
  const std::int64_t ts = packet.pts != AV_NOPTS_VALUE ? packet.pts : packet.dts;
  const double at = ts == AV_NOPTS_VALUE ? last_end_ : static_cast<double>(ts) * av_q2d(tb);
  const bool cut_point =
      video_ < 0 || (packet.stream_index == video_ && (packet.flags & AV_PKT_FLAG_KEY));
  if (!fragment_open_) {
    fragment_start_ = at;
  } else if (cut_point && at >= fragment_start_ + fragment_s_) {
    if (auto closed = closeFragment(at); !closed) {
      av_packet_unref(&packet);
      return closed;
    }
    fragment_start_ = at;
  }
  last_end_ = std::max(last_end_, at + static_cast<double>(packet.duration) * av_q2d(tb));
  av_packet_rescale_ts(&packet, tb, ctx_->streams[packet.stream_index]->time_base);
  packet.pos = -1;
  // av_write_frame does not take the packet: it is ours to release, written or not.
  const int written = av_write_frame(ctx_.get(), &packet);
  av_packet_unref(&packet);
  if (written < 0) return sinkOr(written, "writing a packet");
  fragment_open_ = true;
  return {};
}

Status Fmp4Writer::closeFragment(double end_s) {
  if (int flushed = av_write_frame(ctx_.get(), nullptr); flushed < 0) {
    return sinkOr(flushed, "writing a fragment");
  }
  // avio_tell counts bytes still in the AVIO buffer: it is the logical end.
  const auto end = static_cast<std::uint64_t>(avio_tell(ctx_->pb));
  const std::uint64_t begin = index_.fragments.empty()
                                  ? index_.init_offset + index_.init_size
                                  : index_.fragments.back().offset + index_.fragments.back().size;
  index_.fragments.push_back({end_s - fragment_start_, begin, end - begin});
  return {};
}

Result<FragmentIndex> Fmp4Writer::finish() {
  if (fragment_open_) LV_MEDIA_TRY(closeFragment(last_end_));
  if (int trailer = av_write_trailer(ctx_.get()); trailer < 0) {
    return std::unexpected(sinkOr(trailer, "finishing the MP4").error());
  }
  avio_flush(ctx_->pb);
  if (state_.failed) return fail(ErrorCode::kIo, "the encrypted output refused bytes");
  return index_;
}

Status Fmp4Writer::sinkOr(int averror, std::string_view what) const {
  if (state_.failed) return fail(ErrorCode::kIo, "the encrypted output refused bytes");
  return std::unexpected(avError(averror, what));
}

}  // namespace media::internal
