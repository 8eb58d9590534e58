#include "media/remux.h"

#include <cstring>
#include <deque>

#include "media/input.h"

namespace media {
namespace {

using internal::avError;

struct FreeOutput {
  void operator()(AVFormatContext* ctx) const { avformat_free_context(ctx); }
};
using OutputPtr = std::unique_ptr<AVFormatContext, FreeOutput>;

constexpr int kAvioBufferSize = 256 * 1024;

struct WriteState {
  ByteSink* sink;
  bool failed = false;
};

int writePacket(void* opaque, std::uint8_t* data, int size) noexcept {
  auto* state = static_cast<WriteState*>(opaque);
  if (!state->sink->write(std::span<const std::uint8_t>(data, static_cast<std::size_t>(size)))) {
    state->failed = true;
    return AVERROR(EIO);
  }
  return size;
}

// The output side: context and AVIO, closed in the right order.
struct Output {
  WriteState state;
  internal::AvioPtr avio;
  OutputPtr ctx;
};

Result<std::unique_ptr<Output>> openOutput(ByteSink& sink) {
  auto output = std::make_unique<Output>();
  output->state.sink = &sink;
  AVFormatContext* raw = nullptr;
  if (int made = avformat_alloc_output_context2(&raw, nullptr, "mp4", nullptr); made < 0) {
    return std::unexpected(avError(made, "creating the MP4 muxer"));
  }
  output->ctx.reset(raw);
  auto* buffer = static_cast<std::uint8_t*>(av_malloc(kAvioBufferSize));
  if (buffer == nullptr) return fail(ErrorCode::kInternal, "out of memory");
  // Write-only and not seekable: fragments go out in order, nothing is rewritten.
  output->avio.reset(avio_alloc_context(buffer, kAvioBufferSize, 1, &output->state, nullptr,
                                        writePacket, nullptr));
  if (!output->avio) {
    av_free(buffer);
    return fail(ErrorCode::kInternal, "out of memory");
  }
  output->ctx->pb = output->avio.get();
  output->ctx->flags |= AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_BITEXACT;
  return output;
}

// Adds an output stream copying `in`'s codec parameters and, on purpose, its
// display matrix (avcodec_parameters_copy does not carry stream side data).
Status addStream(AVFormatContext& out, const AVStream& in) {
  AVStream* stream = avformat_new_stream(&out, nullptr);
  if (stream == nullptr) return fail(ErrorCode::kInternal, "out of memory");
  if (int copied = avcodec_parameters_copy(stream->codecpar, in.codecpar); copied < 0) {
    return std::unexpected(avError(copied, "copying codec parameters"));
  }
  stream->codecpar->codec_tag = 0;
  stream->time_base = in.time_base;
  std::size_t size = 0;
  const std::uint8_t* matrix = av_stream_get_side_data(&in, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (matrix != nullptr) {
    std::uint8_t* copy = av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, size);
    if (copy == nullptr) return fail(ErrorCode::kInternal, "out of memory");
    std::memcpy(copy, matrix, size);
  }
  return {};
}

// Closes the fragment being written and records it, ending at `end_s`.
Status closeFragment(Output& output, FragmentIndex& index, double start_s, double end_s) {
  if (int flushed = av_write_frame(output.ctx.get(), nullptr); flushed < 0) {
    return std::unexpected(avError(flushed, "writing a fragment"));
  }
  // avio_tell counts bytes still in the AVIO buffer: it is the logical end.
  const auto end = static_cast<std::uint64_t>(avio_tell(output.ctx->pb));
  const std::uint64_t begin = index.fragments.empty()
                                  ? index.init_offset + index.init_size
                                  : index.fragments.back().offset + index.fragments.back().size;
  index.fragments.push_back({end_s - start_s, begin, end - begin});
  return {};
}

// ADTS-framed AAC (as MPEG-TS carries it) becomes raw AAC with an
// AudioSpecificConfig, which MP4 needs. empty_moov turns libav's automatic
// filter off, so the remuxer applies aac_adtstoasc itself.
class AdtsFilter {
 public:
  static Result<std::unique_ptr<AdtsFilter>> create(const AVStream& in) {
    const AVBitStreamFilter* filter = av_bsf_get_by_name("aac_adtstoasc");
    if (filter == nullptr) return fail(ErrorCode::kInternal, "aac_adtstoasc is not available");
    AVBSFContext* raw = nullptr;
    if (int made = av_bsf_alloc(filter, &raw); made < 0) {
      return std::unexpected(avError(made, "creating aac_adtstoasc"));
    }
    auto adts = std::unique_ptr<AdtsFilter>(new AdtsFilter(internal::BsfPtr(raw)));
    if (int copied = avcodec_parameters_copy(raw->par_in, in.codecpar); copied < 0) {
      return std::unexpected(avError(copied, "configuring aac_adtstoasc"));
    }
    raw->time_base_in = in.time_base;
    if (int started = av_bsf_init(raw); started < 0) {
      return std::unexpected(avError(started, "starting aac_adtstoasc"));
    }
    return adts;
  }

  // Filters `packet` in place; aac_adtstoasc gives one packet for one.
  Status filter(AVPacket* packet) {
    const int stream_index = packet->stream_index;
    if (int sent = av_bsf_send_packet(bsf_.get(), packet); sent < 0) {
      return std::unexpected(avError(sent, "filtering ADTS audio"));
    }
    if (int received = av_bsf_receive_packet(bsf_.get(), packet); received < 0) {
      return std::unexpected(avError(received, "filtering ADTS audio"));
    }
    packet->stream_index = stream_index;
    return {};
  }

  // Valid once the first packet has passed: that is when the filter knows the config.
  const AVCodecParameters& parameters() const { return *bsf_->par_out; }

 private:
  explicit AdtsFilter(internal::BsfPtr bsf) : bsf_(std::move(bsf)) {}
  internal::BsfPtr bsf_;
};

}  // namespace

Result<RemuxResult> remux(ByteSource& source, ByteSink& sink, const Limits& limits,
                          const RemuxOptions& options) {
  internal::Guards guards{std::chrono::steady_clock::now() + limits.deadline, 0};
  auto described = internal::openAndDescribe(source, limits, guards);
  if (!described) return std::unexpected(described.error());
  AVFormatContext& in = *described->input->ctx;
  const MediaFacts& facts = described->facts;
  if (!facts.remux) return fail(ErrorCode::kInternal, "needs transcoding: " + facts.plan);

  auto output = openOutput(sink);
  if (!output) return std::unexpected(output.error());
  AVFormatContext& out = *(*output)->ctx;
  // Input stream index -> output stream index: the first video (not cover art)
  // and the first audio; everything else is dropped.
  std::vector<int> map(in.nb_streams, -1);
  int video_out = -1;
  for (unsigned i = 0; i < in.nb_streams; ++i) {
    const AVStream& stream = *in.streams[i];
    const auto type = stream.codecpar->codec_type;
    const bool video =
        type == AVMEDIA_TYPE_VIDEO && !(stream.disposition & AV_DISPOSITION_ATTACHED_PIC);
    const bool wanted =
        (video && video_out < 0) ||
        (type == AVMEDIA_TYPE_AUDIO && std::none_of(map.begin(), map.end(), [&](int m) {
           return m >= 0 && out.streams[m]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO;
         }));
    if (!wanted) continue;
    LV_MEDIA_TRY(addStream(out, stream));
    map[i] = static_cast<int>(out.nb_streams) - 1;
    if (video) video_out = map[i];
  }

  // Packets read before the header was written, and whether each was filtered.
  std::deque<std::pair<internal::PacketPtr, bool>> pending;
  std::unique_ptr<AdtsFilter> adts;
  int adts_in = -1;
  for (unsigned i = 0; i < in.nb_streams; ++i) {
    const AVCodecParameters& par = *in.streams[i]->codecpar;
    if (map[i] >= 0 && par.codec_id == AV_CODEC_ID_AAC && par.extradata_size == 0) {
      auto created = AdtsFilter::create(*in.streams[i]);
      if (!created) return std::unexpected(created.error());
      adts = std::move(*created);
      adts_in = static_cast<int>(i);
    }
  }
  // The MP4 header (empty_moov) needs the audio config, which the filter only
  // knows after its first packet: read up to that packet first.
  while (adts) {
    internal::PacketPtr ahead(av_packet_alloc());
    if (!ahead) return fail(ErrorCode::kInternal, "out of memory");
    const int read = av_read_frame(&in, ahead.get());
    if (read == AVERROR_EOF) break;
    if (read < 0) return std::unexpected(avError(read, "reading the recording"));
    const bool audio = ahead->stream_index == adts_in;
    if (audio) {
      LV_MEDIA_TRY(adts->filter(ahead.get()));
      AVCodecParameters* out_par = out.streams[map[static_cast<std::size_t>(adts_in)]]->codecpar;
      if (int copied = avcodec_parameters_copy(out_par, &adts->parameters()); copied < 0) {
        return std::unexpected(avError(copied, "copying the audio config"));
      }
      out_par->codec_tag = 0;
      // FFmpeg 5.1's filter hands the AudioSpecificConfig over as side data of
      // its first packet, not in its output parameters.
      std::size_t config_size = 0;
      const std::uint8_t* config =
          av_packet_get_side_data(ahead.get(), AV_PKT_DATA_NEW_EXTRADATA, &config_size);
      if (out_par->extradata_size == 0 && config != nullptr && config_size > 0) {
        out_par->extradata =
            static_cast<std::uint8_t*>(av_mallocz(config_size + AV_INPUT_BUFFER_PADDING_SIZE));
        if (out_par->extradata == nullptr) return fail(ErrorCode::kInternal, "out of memory");
        std::memcpy(out_par->extradata, config, config_size);
        out_par->extradata_size = static_cast<int>(config_size);
      }
      if (out_par->extradata_size == 0) {
        return fail(ErrorCode::kCorrupt, "the ADTS audio has no usable configuration");
      }
    }
    pending.emplace_back(std::move(ahead), audio);
    if (audio) break;
  }

  AVDictionary* options_dict = nullptr;
  av_dict_set(&options_dict, "movflags", "empty_moov+default_base_moof+frag_custom+skip_trailer",
              0);
  const int header = avformat_write_header(&out, &options_dict);
  av_dict_free(&options_dict);
  if (header < 0) return std::unexpected(avError(header, "writing the MP4 header"));
  RemuxResult result{facts, {}};
  result.index.init_size = static_cast<std::uint64_t>(avio_tell(out.pb));

  internal::PacketPtr packet(av_packet_alloc());
  if (!packet) return fail(ErrorCode::kInternal, "out of memory");
  double fragment_start = 0, last_end = 0;
  bool fragment_open = false;
  int reported = -1;
  for (;;) {
    bool filtered = false;
    if (!pending.empty()) {
      av_packet_move_ref(packet.get(), pending.front().first.get());
      filtered = pending.front().second;
      pending.pop_front();
    } else {
      const int read = av_read_frame(&in, packet.get());
      if (read == AVERROR_EOF) break;
      if (read < 0) return std::unexpected(avError(read, "reading the recording"));
    }
    const int target = map[static_cast<std::size_t>(packet->stream_index)];
    if (target < 0) {
      av_packet_unref(packet.get());
      continue;
    }
    if (adts && packet->stream_index == adts_in && !filtered) {
      LV_MEDIA_TRY(adts->filter(packet.get()));
    }
    const AVRational in_tb = in.streams[packet->stream_index]->time_base;
    const std::int64_t ts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
    const double at = ts == AV_NOPTS_VALUE ? last_end : static_cast<double>(ts) * av_q2d(in_tb);
    // Cut just before the video keyframe (audio-only: any packet) that starts
    // the next fragment, once the current one has reached its target length.
    const bool cut_point =
        video_out < 0 ? true : (target == video_out && (packet->flags & AV_PKT_FLAG_KEY));
    if (!fragment_open) {
      fragment_start = at;
    } else if (cut_point && at >= fragment_start + options.fragment_s) {
      LV_MEDIA_TRY(closeFragment(**output, result.index, fragment_start, at));
      fragment_start = at;
    }
    last_end = std::max(last_end, at + static_cast<double>(packet->duration) * av_q2d(in_tb));
    av_packet_rescale_ts(packet.get(), in_tb, out.streams[target]->time_base);
    packet->stream_index = target;
    packet->pos = -1;
    // av_write_frame does not take the packet: it is ours to release, written or not.
    const int written = av_write_frame(&out, packet.get());
    av_packet_unref(packet.get());
    if (written < 0) {
      if ((*output)->state.failed) {
        return fail(ErrorCode::kIo, "the encrypted output refused bytes");
      }
      return std::unexpected(avError(written, "writing a packet"));
    }
    fragment_open = true;
    if (options.progress && facts.duration_s > 0) {
      const int percent = std::clamp(static_cast<int>(100 * last_end / facts.duration_s), 0, 99);
      if (percent != reported) options.progress(reported = percent);
    }
  }
  if (fragment_open) LV_MEDIA_TRY(closeFragment(**output, result.index, fragment_start, last_end));
  if (int trailer = av_write_trailer(&out); trailer < 0) {
    return std::unexpected(avError(trailer, "finishing the MP4"));
  }
  avio_flush(out.pb);
  if ((*output)->state.failed) return fail(ErrorCode::kIo, "the encrypted output refused bytes");
  if (options.progress) options.progress(100);
  return result;
}

}  // namespace media
