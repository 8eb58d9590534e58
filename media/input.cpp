#include "media/input.h"

#include <algorithm>
#include <array>
#include <cmath>

extern "C" {
#include <libavutil/display.h>
}

namespace media::internal {

// Decoders for what the school's devices record; anything else is refused.
const char kDecoders[] =
    "h264,hevc,vp8,vp9,libdav1d,libaom-av1,av1,mpeg4,mjpeg,aac,aac_fixed,mp3,mp3float,opus,"
    "libopus,vorbis,libvorbis,ac3,ac3_fixed,pcm_s16le,pcm_s16be,pcm_s24le,pcm_s32le,pcm_f32le,"
    "pcm_u8";

namespace {

// Demuxers that cannot open other files or URLs. Never hls, concat, image2, tty.
constexpr char kDemuxers[] = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,avi,mpegts";
constexpr std::array<std::string_view, 7> kVideoCodecs = {"h264", "hevc",  "vp8",  "vp9",
                                                          "av1",  "mpeg4", "mjpeg"};
constexpr std::array<std::string_view, 6> kAudioCodecs = {"aac",    "mp3", "opus",
                                                          "vorbis", "ac3", "pcm_"};
constexpr int kAvioBufferSize = 64 * 1024;

int readPacket(void* opaque, std::uint8_t* buffer, int size) noexcept {
  auto* state = static_cast<ReadState*>(opaque);
  const std::uint64_t total = state->source->size();
  if (state->position >= total) return AVERROR_EOF;
  const auto n = static_cast<std::size_t>(
      std::min<std::uint64_t>(static_cast<std::uint64_t>(size), total - state->position));
  if (!state->source->readAt(state->position, std::span<std::uint8_t>(buffer, n))) {
    state->failed = true;
    return AVERROR(EIO);
  }
  state->position += n;
  return static_cast<int>(n);
}

std::int64_t seek(void* opaque, std::int64_t offset, int whence) noexcept {
  auto* state = static_cast<ReadState*>(opaque);
  const auto total = static_cast<std::int64_t>(state->source->size());
  if (whence & AVSEEK_SIZE) return total;
  std::int64_t target = offset;
  switch (whence & ~AVSEEK_FORCE) {
    case SEEK_SET:
      break;
    case SEEK_CUR:
      target += static_cast<std::int64_t>(state->position);
      break;
    case SEEK_END:
      target += total;
      break;
    default:
      return AVERROR(EINVAL);
  }
  if (target < 0 || target > total) return AVERROR(EINVAL);
  state->position = static_cast<std::uint64_t>(target);
  return target;
}

// Every nested open (a playlist entry, a reference movie) is refused.
int refuseOpen(AVFormatContext* ctx, AVIOContext**, const char*, int, AVDictionary**) {
  ++static_cast<Guards*>(ctx->opaque)->refused_opens;
  return AVERROR(EPERM);
}

int pastDeadline(void* opaque) noexcept {
  return std::chrono::steady_clock::now() > static_cast<Guards*>(opaque)->deadline ? 1 : 0;
}

bool allowed(std::string_view codec, std::span<const std::string_view> list) {
  return std::any_of(list.begin(), list.end(), [&](std::string_view allowed) {
    return allowed.ends_with('_') ? codec.starts_with(allowed) : codec == allowed;
  });
}

double rotationOf(const AVStream* stream) {
  const std::uint8_t* matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
  if (matrix == nullptr) return 0;
  const double degrees = av_display_rotation_get(reinterpret_cast<const std::int32_t*>(matrix));
  return std::isnan(degrees) ? 0 : degrees;
}

bool isAdts(const AVFormatContext& ctx) {
  for (unsigned i = 0; i < ctx.nb_streams; ++i) {
    const AVCodecParameters& par = *ctx.streams[i]->codecpar;
    if (par.codec_type == AVMEDIA_TYPE_AUDIO) {
      return par.codec_id == AV_CODEC_ID_AAC && par.extradata_size == 0;
    }
  }
  return false;
}

// H.264 is copied; AAC-LC is copied too, except ADTS beside re-encoded video:
// the transcoder copies MP4-form AAC only (the ADTS filter lives in the
// remuxer), and re-encoding a few kilobits of audio costs next to nothing.
Plan planFor(const AVFormatContext& ctx, const MediaFacts& facts) {
  Plan plan;
  plan.transcode_video = facts.video && facts.video->codec != "h264";
  const bool aac_lc = facts.audio && facts.audio->codec == "aac" && facts.audio->profile == "LC";
  plan.transcode_audio =
      facts.audio && (!aac_lc || (plan.transcode_video && isAdts(ctx)));
  std::string reason;
  auto add = [&](std::string part) { reason += (reason.empty() ? "" : "; ") + part; };
  if (facts.video) {
    add(plan.transcode_video ? "video " + facts.video->codec + " → h264" : "video h264 copied");
  }
  if (facts.audio) {
    add(plan.transcode_audio ? "audio " + facts.audio->codec +
                                   (aac_lc ? " (ADTS)" : "") + " → aac"
                             : "audio aac copied");
  }
  plan.reason = std::move(reason);
  return plan;
}

}  // namespace

std::string clock(double seconds) {
  const auto s = static_cast<long>(seconds);
  char text[32];
  std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  return text;
}

Result<std::unique_ptr<Input>> openInput(ByteSource& source, const Limits& limits, Guards& guards) {
  auto input = std::make_unique<Input>();
  input->state.source = &source;
  internal::InputPtr ctx(avformat_alloc_context());
  auto* buffer = static_cast<std::uint8_t*>(av_malloc(kAvioBufferSize));
  if (!ctx || buffer == nullptr) {
    av_free(buffer);
    return fail(ErrorCode::kInternal, "out of memory");
  }
  input->avio.reset(
      avio_alloc_context(buffer, kAvioBufferSize, 0, &input->state, readPacket, nullptr, seek));
  if (!input->avio) {
    av_free(buffer);
    return fail(ErrorCode::kInternal, "out of memory");
  }
  // Reads of whole packets go straight from the source into the packet instead of
  // through this buffer: one copy of every byte less on the remuxer's thread. Small reads
  // (box and element headers) still use the buffer; seeks always reach seek().
  input->avio->direct = 1;
  // Custom I/O first: no failure path may then free our AVIO with the context.
  ctx->flags |= AVFMT_FLAG_CUSTOM_IO;
  ctx->pb = input->avio.get();
  ctx->opaque = &guards;
  ctx->io_open = refuseOpen;
  ctx->interrupt_callback = {pastDeadline, &guards};
  ctx->format_whitelist = av_strdup(kDemuxers);
  ctx->codec_whitelist = av_strdup(kDecoders);
  ctx->protocol_whitelist = av_strdup("none");
  ctx->probesize = limits.probe_bytes;
  ctx->max_analyze_duration = 10 * AV_TIME_BASE;
  ctx->max_streams = 64;  // our own, lower limit gives a clearer message
  ctx->error_recognition |= AV_EF_EXPLODE;
  // avformat_open_input frees the context on failure: hand it over, take it back.
  AVFormatContext* raw = ctx.release();
  const int opened = avformat_open_input(&raw, nullptr, nullptr, nullptr);
  input->ctx.reset(raw);
  if (opened < 0) {
    if (opened == AVERROR_EXIT) return fail(ErrorCode::kTimeout, "opening took too long");
    if (input->state.failed) return fail(ErrorCode::kIo, "the upload could not be read");
    return fail(ErrorCode::kNotMedia,
                "not a video or audio recording in a supported format (MP4/MOV, MKV/WebM, AVI "
                "or MPEG-TS)");
  }
  if (int found = avformat_find_stream_info(input->ctx.get(), nullptr); found < 0) {
    return std::unexpected(avError(found, "reading the stream information"));
  }
  return input;
}

Result<MediaFacts> describe(const AVFormatContext& ctx, const Limits& limits) {
  MediaFacts facts;
  facts.container = ctx.iformat->name;
  facts.streams = static_cast<int>(ctx.nb_streams);
  if (facts.streams > limits.max_streams) {
    return fail(ErrorCode::kTooManyStreams,
                "the file has " + std::to_string(facts.streams) + " streams; at most " +
                    std::to_string(limits.max_streams) + " are accepted");
  }
  if (ctx.duration != AV_NOPTS_VALUE)
    facts.duration_s = static_cast<double>(ctx.duration) / AV_TIME_BASE;
  for (unsigned i = 0; i < ctx.nb_streams; ++i) {
    const AVStream* stream = ctx.streams[i];
    const AVCodecParameters* par = stream->codecpar;
    const std::string codec = avcodec_get_name(par->codec_id);
    if (par->codec_type == AVMEDIA_TYPE_VIDEO &&
        !(stream->disposition & AV_DISPOSITION_ATTACHED_PIC) && !facts.video) {
      if (!allowed(codec, kVideoCodecs)) {
        return fail(ErrorCode::kUnsupportedCodec, "video codec " + codec + " is not supported");
      }
      facts.video = VideoFacts{codec, par->width, par->height, rotationOf(stream)};
    } else if (par->codec_type == AVMEDIA_TYPE_AUDIO && !facts.audio) {
      if (!allowed(codec, kAudioCodecs)) {
        return fail(ErrorCode::kUnsupportedCodec, "audio codec " + codec + " is not supported");
      }
      const char* profile = avcodec_profile_name(par->codec_id, par->profile);
      facts.audio =
          AudioFacts{codec, profile ? profile : "", par->sample_rate, par->ch_layout.nb_channels};
    }
  }
  if (!facts.video && !facts.audio) {
    return fail(ErrorCode::kNoStreams, "the file has neither video nor audio");
  }
  if (facts.duration_s > limits.max_duration_s) {
    return fail(ErrorCode::kTooLong, "the recording lasts " + clock(facts.duration_s) +
                                         "; at most " + clock(limits.max_duration_s) +
                                         " is accepted");
  }
  if (facts.video) {
    const int longer = std::max(facts.video->width, facts.video->height);
    const int shorter = std::min(facts.video->width, facts.video->height);
    if (longer > limits.max_width || shorter > limits.max_height) {
      return fail(ErrorCode::kTooLarge, "the video is " + std::to_string(facts.video->width) + "x" +
                                            std::to_string(facts.video->height) + "; at most " +
                                            std::to_string(limits.max_width) + "x" +
                                            std::to_string(limits.max_height) + " is accepted");
    }
  }
  facts.plan = planFor(ctx, facts);
  return facts;
}

Result<Described> openAndDescribe(ByteSource& source, const Limits& limits, Guards& guards) {
  auto input = openInput(source, limits, guards);
  if (!input) return std::unexpected(input.error());
  auto facts = describe(*(*input)->ctx, limits);
  if (!facts) return std::unexpected(facts.error());
  return Described{std::move(*input), std::move(*facts)};
}

}  // namespace media::internal
