#include "tests/media/rotation_fixture.h"

#include <memory>

extern "C" {
#include <libavformat/avformat.h>
#include <libavutil/display.h>
}

namespace media::testing {
namespace {

struct CloseInput {
  void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
struct FreeOutput {
  void operator()(AVFormatContext* ctx) const {
    if (ctx->pb != nullptr) avio_closep(&ctx->pb);
    avformat_free_context(ctx);
  }
};
struct FreePacket {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};

}  // namespace

bool writeRotatedCopy(const std::string& input, const std::string& output, double degrees) {
  AVFormatContext* raw_in = nullptr;
  if (avformat_open_input(&raw_in, input.c_str(), nullptr, nullptr) < 0) return false;
  std::unique_ptr<AVFormatContext, CloseInput> in(raw_in);
  if (avformat_find_stream_info(in.get(), nullptr) < 0) return false;
  AVFormatContext* raw_out = nullptr;
  if (avformat_alloc_output_context2(&raw_out, nullptr, nullptr, output.c_str()) < 0) return false;
  std::unique_ptr<AVFormatContext, FreeOutput> out(raw_out);
  for (unsigned i = 0; i < in->nb_streams; ++i) {
    AVStream* stream = avformat_new_stream(out.get(), nullptr);
    if (stream == nullptr ||
        avcodec_parameters_copy(stream->codecpar, in->streams[i]->codecpar) < 0) {
      return false;
    }
    stream->codecpar->codec_tag = 0;
    stream->time_base = in->streams[i]->time_base;
    if (stream->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
      auto* matrix = reinterpret_cast<std::int32_t*>(
          av_stream_new_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, 9 * sizeof(std::int32_t)));
      if (matrix == nullptr) return false;
      av_display_rotation_set(matrix, degrees);
    }
  }
  if (avio_open(&out->pb, output.c_str(), AVIO_FLAG_WRITE) < 0) return false;
  if (avformat_write_header(out.get(), nullptr) < 0) return false;
  std::unique_ptr<AVPacket, FreePacket> packet(av_packet_alloc());
  while (av_read_frame(in.get(), packet.get()) >= 0) {
    av_packet_rescale_ts(packet.get(), in->streams[packet->stream_index]->time_base,
                         out->streams[packet->stream_index]->time_base);
    packet->pos = -1;
    const int written = av_interleaved_write_frame(out.get(), packet.get());
    av_packet_unref(packet.get());
    if (written < 0) return false;
  }
  return av_write_trailer(out.get()) >= 0;
}

}  // namespace media::testing
