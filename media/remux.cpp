#include "media/remux.h"

#include <cstring>
#include <deque>

#include "media/fmp4_writer.h"
#include "media/input.h"
#include "media/background_check.h"
#include "media/payload_check.h"
#include "media/steps.h"

namespace media {
namespace {

using internal::avError;

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

// Output stream for each input stream: the first video (not cover art) and
// the first audio; -1 for everything that is dropped.
Result<std::vector<int>> addStreams(const AVFormatContext& in, internal::Fmp4Writer& writer) {
  std::vector<int> map(in.nb_streams, -1);
  bool video_taken = false, audio_taken = false;
  for (unsigned i = 0; i < in.nb_streams; ++i) {
    const AVStream& stream = *in.streams[i];
    const auto type = stream.codecpar->codec_type;
    const bool video =
        type == AVMEDIA_TYPE_VIDEO && !(stream.disposition & AV_DISPOSITION_ATTACHED_PIC);
    const bool audio = type == AVMEDIA_TYPE_AUDIO;
    if ((video && video_taken) || (audio && audio_taken) || (!video && !audio)) continue;
    auto added = writer.addCopiedStream(stream);
    if (!added) return std::unexpected(added.error());
    map[i] = *added;
    (video ? video_taken : audio_taken) = true;
  }
  return map;
}

// The MP4 header (empty_moov) needs the audio config, which the ADTS filter
// only knows after its first packet: reads up to that packet, filtering it,
// and sets the output's config. The packets read are checked (before
// filtering: the check's decoder reads ADTS) and returned in order, with
// whether each was filtered.
using Pending = std::deque<std::pair<internal::PacketPtr, bool>>;
Result<Pending> readAheadForAdts(AVFormatContext& in, AdtsFilter& adts, int adts_in,
                                 internal::PayloadCheck& check, AVCodecParameters& out_par) {
  Pending pending;
  for (;;) {
    internal::PacketPtr ahead(av_packet_alloc());
    if (!ahead) return fail(ErrorCode::kInternal, "out of memory");
    const int read = av_read_frame(&in, ahead.get());
    if (read == AVERROR_EOF) return pending;
    if (read < 0) return std::unexpected(avError(read, "reading the recording"));
    LV_MEDIA_TRY(check.check(*ahead));
    const bool audio = ahead->stream_index == adts_in;
    if (audio) {
      LV_MEDIA_TRY(adts.filter(ahead.get()));
      if (int copied = avcodec_parameters_copy(&out_par, &adts.parameters()); copied < 0) {
        return std::unexpected(avError(copied, "copying the audio config"));
      }
      out_par.codec_tag = 0;
      // FFmpeg 5.1's filter hands the AudioSpecificConfig over as side data of
      // its first packet, not in its output parameters.
      std::size_t config_size = 0;
      const std::uint8_t* config =
          av_packet_get_side_data(ahead.get(), AV_PKT_DATA_NEW_EXTRADATA, &config_size);
      if (out_par.extradata_size == 0 && config != nullptr && config_size > 0) {
        out_par.extradata =
            static_cast<std::uint8_t*>(av_mallocz(config_size + AV_INPUT_BUFFER_PADDING_SIZE));
        if (out_par.extradata == nullptr) return fail(ErrorCode::kInternal, "out of memory");
        std::memcpy(out_par.extradata, config, config_size);
        out_par.extradata_size = static_cast<int>(config_size);
      }
      if (out_par.extradata_size == 0) {
        return fail(ErrorCode::kCorrupt, "the ADTS audio has no usable configuration");
      }
    }
    pending.emplace_back(std::move(ahead), audio);
    if (audio) return pending;
  }
}

}  // namespace

namespace internal {

Result<RemuxResult> remuxOpened(Described& described, ByteSink& sink,
                                const RemuxOptions& options) {
  AVFormatContext& in = *described.input->ctx;
  const MediaFacts& facts = described.facts;
  if (!facts.plan.remux()) {
    return fail(ErrorCode::kInternal, "needs transcoding: " + facts.plan.reason);
  }
  auto writer = Fmp4Writer::create(sink, options.fragment_s);
  if (!writer) return std::unexpected(writer.error());
  auto map = addStreams(in, **writer);
  if (!map) return std::unexpected(map.error());
  auto check = PayloadCheck::create(in, facts.duration_s, PayloadCheck::Keyframes::kSkip);
  if (!check) return std::unexpected(check.error());

  Pending pending;
  std::unique_ptr<AdtsFilter> adts;
  int adts_in = -1;
  for (unsigned i = 0; i < in.nb_streams; ++i) {
    const AVCodecParameters& par = *in.streams[i]->codecpar;
    if ((*map)[i] >= 0 && par.codec_id == AV_CODEC_ID_AAC && par.extradata_size == 0) {
      auto created = AdtsFilter::create(*in.streams[i]);
      if (!created) return std::unexpected(created.error());
      adts = std::move(*created);
      adts_in = static_cast<int>(i);
      auto read =
          readAheadForAdts(in, *adts, adts_in, **check, (*writer)->parameters((*map)[i]));
      if (!read) return std::unexpected(read.error());
      pending = std::move(*read);
    }
  }
  LV_MEDIA_TRY((*writer)->writeHeader());
  // From here the check runs beside the copy.
  auto background = BackgroundCheck::create(std::move(*check));
  if (!background) return std::unexpected(background.error());

  internal::PacketPtr packet(av_packet_alloc());
  if (!packet) return fail(ErrorCode::kInternal, "out of memory");
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
      if (auto checked = (*background)->check(*packet); !checked) {
        av_packet_unref(packet.get());
        return std::unexpected(checked.error());
      }
    }
    // A stream that appeared after opening (a later MPEG-TS PMT) is in no map: dropped.
    const auto index = static_cast<std::size_t>(packet->stream_index);
    const int target = index < map->size() ? (*map)[index] : -1;
    if (target < 0) {
      av_packet_unref(packet.get());
      continue;
    }
    if (adts && packet->stream_index == adts_in && !filtered) {
      LV_MEDIA_TRY(adts->filter(packet.get()));
    }
    const AVRational in_tb = in.streams[packet->stream_index]->time_base;
    packet->stream_index = target;
    LV_MEDIA_TRY((*writer)->write(*packet, in_tb));
    if (options.progress && facts.duration_s > 0) {
      const int percent =
          std::clamp(static_cast<int>(100 * (*writer)->writtenUntil() / facts.duration_s), 0, 99);
      if (percent != reported) options.progress(reported = percent);
    }
  }
  LV_MEDIA_TRY((*background)->finish());
  auto index = (*writer)->finish();
  if (!index) return std::unexpected(index.error());
  if (options.progress) options.progress(100);
  return RemuxResult{facts, std::move(*index)};
}

}  // namespace internal

Result<RemuxResult> remux(ByteSource& source, ByteSink& sink, const Limits& limits,
                          const RemuxOptions& options) {
  internal::Guards guards{std::chrono::steady_clock::now() + limits.deadline, 0};
  auto described = internal::openAndDescribe(source, limits, guards);
  if (!described) return std::unexpected(described.error());
  guards.allowWorkFor(described->facts.duration_s, limits);
  return internal::remuxOpened(*described, sink, options);
}

}  // namespace media
