#include "media/transcode.h"

#include <algorithm>
#include <deque>

#include "media/audio_transcoder.h"
#include "media/fmp4_writer.h"
#include "media/payload_check.h"
#include "media/steps.h"
#include "media/video_transcoder.h"

namespace media {
namespace {

using internal::avError;

// Beyond this much media queued for one stream while the other has nothing,
// its packets are written anyway (a stream that ended early, or a long gap),
// so memory stays bounded.
constexpr double kMaxInterleaveS = 10.0;

Status checkOptions(const TranscodeOptions& options) {
  if (std::find(kX264Presets.begin(), kX264Presets.end(), options.x264_preset) ==
      kX264Presets.end()) {
    return fail(ErrorCode::kInternal, "unknown x264 preset " + options.x264_preset);
  }
  if (options.crf < 0 || options.crf > 51) return fail(ErrorCode::kInternal, "crf is not 0..51");
  if (options.max_output_height < 16) {
    return fail(ErrorCode::kInternal, "the maximum output height is below 16");
  }
  if (!(options.fragment_s > 0)) return fail(ErrorCode::kInternal, "fragment length is not > 0");
  return {};
}

// One kept input stream: copied, or re-encoded by one of the transcoders.
struct Lane {
  int in = -1;   // input stream index
  int out = -1;  // output stream index
  AVRational tb{};  // of the packets queued: the input's (copied) or the encoder's
  std::unique_ptr<internal::VideoTranscoder> video;
  std::unique_ptr<internal::AudioTranscoder> audio;
  std::deque<internal::PacketPtr> queue;  // encoded or copied, in decoding order
  bool ended = false;

  bool copied() const { return !video && !audio; }
};

double seconds(const AVPacket& packet, AVRational tb) {
  const std::int64_t ts = packet.dts != AV_NOPTS_VALUE ? packet.dts : packet.pts;
  return ts == AV_NOPTS_VALUE ? 0 : static_cast<double>(ts) * av_q2d(tb);
}

// Writes queued packets in decoding order across the lanes, as far as that
// order is known: while every lane that has not ended has a packet queued.
// Encoders hold frames back, so this is what keeps audio and video of the
// same moment in the same fragment.
Status interleave(std::vector<Lane*>& lanes, internal::Fmp4Writer& writer) {
  for (;;) {
    Lane* next = nullptr;
    bool waiting = false;
    for (Lane* lane : lanes) {
      if (lane->queue.empty()) {
        waiting = waiting || !lane->ended;
        continue;
      }
      if (next == nullptr || seconds(*lane->queue.front(), lane->tb) <
                                 seconds(*next->queue.front(), next->tb)) {
        next = lane;
      }
    }
    if (next == nullptr) return {};
    if (waiting && seconds(*next->queue.back(), next->tb) -
                           seconds(*next->queue.front(), next->tb) <
                       kMaxInterleaveS) {
      return {};
    }
    internal::PacketPtr packet = std::move(next->queue.front());
    next->queue.pop_front();
    packet->stream_index = next->out;
    LV_MEDIA_TRY(writer.write(*packet, next->tb));
  }
}

internal::PacketOut enqueue(Lane& lane) {
  return [&lane](AVPacket& packet) -> Status {
    internal::PacketPtr queued(av_packet_alloc());
    if (!queued) return fail(ErrorCode::kInternal, "out of memory");
    av_packet_move_ref(queued.get(), &packet);
    lane.queue.push_back(std::move(queued));
    return {};
  };
}

// The first video stream (not cover art) and the first audio stream, each
// set up to be copied or re-encoded as the plan says, with its output stream.
Result<std::vector<Lane>> makeLanes(AVFormatContext& in, const MediaFacts& facts,
                                    const TranscodeOptions& options,
                                    internal::Fmp4Writer& writer) {
  std::vector<Lane> lanes;
  bool video_taken = false, audio_taken = false;
  for (unsigned i = 0; i < in.nb_streams; ++i) {
    const AVStream& stream = *in.streams[i];
    const auto type = stream.codecpar->codec_type;
    const bool video =
        type == AVMEDIA_TYPE_VIDEO && !(stream.disposition & AV_DISPOSITION_ATTACHED_PIC);
    const bool audio = type == AVMEDIA_TYPE_AUDIO;
    if ((video && video_taken) || (audio && audio_taken) || (!video && !audio)) continue;
    (video ? video_taken : audio_taken) = true;
    Lane lane;
    lane.in = static_cast<int>(i);
    lane.tb = stream.time_base;
    Result<int> out = 0;
    if (video && facts.plan.transcode_video) {
      internal::VideoSettings settings{options.x264_preset, options.crf, options.max_output_height,
                                       options.threads,     options.fragment_s, facts.duration_s};
      auto made = internal::VideoTranscoder::create(in, stream, settings);
      if (!made) return std::unexpected(made.error());
      lane.video = std::move(*made);
      lane.tb = lane.video->encoder().time_base;
      out = writer.addEncodedStream(lane.video->encoder(), lane.tb, &stream);
    } else if (audio && facts.plan.transcode_audio) {
      auto made = internal::AudioTranscoder::create(stream, options.threads, facts.duration_s);
      if (!made) return std::unexpected(made.error());
      lane.audio = std::move(*made);
      lane.tb = lane.audio->encoder().time_base;
      out = writer.addEncodedStream(lane.audio->encoder(), lane.tb, nullptr);
    } else {
      out = writer.addCopiedStream(stream);
    }
    if (!out) return std::unexpected(out.error());
    lane.out = *out;
    lanes.push_back(std::move(lane));
  }
  return lanes;
}

// Hands `packet` (nullptr: the input ended) to its lane: a transcoder, or
// the queue as it is.
Status feed(Lane& lane, AVPacket* packet) {
  if (lane.video) return lane.video->push(packet, enqueue(lane));
  if (lane.audio) return lane.audio->push(packet, enqueue(lane));
  if (packet != nullptr) return enqueue(lane)(*packet);
  return {};
}

// The facts of what was written: re-encoded streams are H.264 / AAC-LC now.
MediaFacts outputFacts(MediaFacts facts, const std::vector<Lane>& lanes) {
  for (const Lane& lane : lanes) {
    if (lane.video) {
      facts.video->codec = "h264";
      facts.video->width = lane.video->encoder().width;
      facts.video->height = lane.video->encoder().height;
    }
    if (lane.audio) {
      facts.audio = AudioFacts{"aac", "LC", lane.audio->encoder().sample_rate,
                               lane.audio->encoder().ch_layout.nb_channels};
    }
  }
  return facts;
}

}  // namespace

namespace internal {

Result<RemuxResult> transcodeOpened(Described& described, ByteSink& sink,
                                    const TranscodeOptions& options) {
  LV_MEDIA_TRY(checkOptions(options));
  AVFormatContext& in = *described.input->ctx;
  const MediaFacts& facts = described.facts;
  if (facts.plan.remux()) return fail(ErrorCode::kInternal, "nothing to re-encode: remux it");
  auto writer = Fmp4Writer::create(sink, options.fragment_s);
  if (!writer) return std::unexpected(writer.error());
  auto made = makeLanes(in, facts, options, **writer);
  if (!made) return std::unexpected(made.error());
  std::vector<Lane>& lanes = *made;
  // Copied streams get the remuxer's cheap check; re-encoded ones are decoded whole.
  auto check = PayloadCheck::create(in, facts.duration_s, PayloadCheck::Keyframes::kSkip,
                                    facts.video && !facts.plan.transcode_video,
                                    facts.audio && !facts.plan.transcode_audio);
  if (!check) return std::unexpected(check.error());
  LV_MEDIA_TRY((*writer)->writeHeader());

  std::vector<Lane*> order;
  for (Lane& lane : lanes) order.push_back(&lane);
  std::vector<Lane*> by_input(in.nb_streams, nullptr);
  for (Lane& lane : lanes) by_input[static_cast<std::size_t>(lane.in)] = &lane;
  PacketPtr packet(av_packet_alloc());
  if (!packet) return fail(ErrorCode::kInternal, "out of memory");
  int reported = -1;
  for (;;) {
    const int read = av_read_frame(&in, packet.get());
    if (read == AVERROR_EOF) break;
    if (read < 0) return std::unexpected(avError(read, "reading the recording"));
    // A stream that appeared after opening (a later MPEG-TS PMT) has no lane: dropped.
    const auto index = static_cast<std::size_t>(packet->stream_index);
    Lane* lane = index < by_input.size() ? by_input[index] : nullptr;
    if (lane == nullptr) {
      av_packet_unref(packet.get());
      continue;
    }
    LV_MEDIA_TRY((*check)->check(*packet));
    const Status fed = feed(*lane, packet.get());
    av_packet_unref(packet.get());
    if (!fed) return std::unexpected(fed.error());
    LV_MEDIA_TRY(interleave(order, **writer));
    if (options.progress && facts.duration_s > 0) {
      const int percent =
          std::clamp(static_cast<int>(100 * (*writer)->writtenUntil() / facts.duration_s), 0, 99);
      if (percent != reported) options.progress(reported = percent);
    }
  }
  LV_MEDIA_TRY((*check)->finish());
  for (Lane& lane : lanes) {
    LV_MEDIA_TRY(feed(lane, nullptr));
    lane.ended = true;
  }
  LV_MEDIA_TRY(interleave(order, **writer));
  auto index = (*writer)->finish();
  if (!index) return std::unexpected(index.error());
  if (options.progress) options.progress(100);
  return RemuxResult{outputFacts(facts, lanes), std::move(*index)};
}

}  // namespace internal

Result<RemuxResult> transcode(ByteSource& source, ByteSink& sink, const Limits& limits,
                              const TranscodeOptions& options) {
  internal::Guards guards{std::chrono::steady_clock::now() + limits.deadline, 0};
  auto described = internal::openAndDescribe(source, limits, guards);
  if (!described) return std::unexpected(described.error());
  guards.allowWorkFor(described->facts.duration_s, limits);
  return internal::transcodeOpened(*described, sink, options);
}

Result<RemuxResult> makePlayable(ByteSource& source, ByteSink& sink, const Limits& limits,
                                 const TranscodeOptions& options) {
  internal::Guards guards{std::chrono::steady_clock::now() + limits.deadline, 0};
  auto described = internal::openAndDescribe(source, limits, guards);
  if (!described) return std::unexpected(described.error());
  guards.allowWorkFor(described->facts.duration_s, limits);
  if (!described->facts.plan.remux()) {
    return internal::transcodeOpened(*described, sink, options);
  }
  return internal::remuxOpened(*described, sink, RemuxOptions{options.fragment_s, options.progress});
}

}  // namespace media
