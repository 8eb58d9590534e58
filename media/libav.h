// Internal to media/: owners for libav handles (one deleter per free
// function, after Chromium's ffmpeg_deleters.h) and the one adapter from a
// libav return code to media::Error. Public headers never include libav.
#pragma once

#include <memory>
#include <string_view>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavcodec/bsf.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/avutil.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include "media/error.h"

namespace media::internal {

// Input contexts are closed with avformat_close_input, output contexts
// freed with avformat_free_context: two owner types, so neither can be freed
// the wrong way.
struct CloseInput {
  void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
struct FreeOutput {
  void operator()(AVFormatContext* ctx) const { avformat_free_context(ctx); }
};
// The AVIO buffer may have been replaced by libav; free whatever it holds now.
struct FreeAvio {
  void operator()(AVIOContext* avio) const {
    av_freep(&avio->buffer);
    avio_context_free(&avio);
  }
};
struct FreeCodecContext {
  void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
struct FreePacket {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct FreeFrame {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};

struct FreeSws {
  void operator()(SwsContext* sws) const { sws_freeContext(sws); }
};
struct FreeSwr {
  void operator()(SwrContext* swr) const { swr_free(&swr); }
};
struct FreeAudioFifo {
  void operator()(AVAudioFifo* fifo) const { av_audio_fifo_free(fifo); }
};

using InputPtr = std::unique_ptr<AVFormatContext, CloseInput>;
using OutputPtr = std::unique_ptr<AVFormatContext, FreeOutput>;
using AvioPtr = std::unique_ptr<AVIOContext, FreeAvio>;
using CodecContextPtr = std::unique_ptr<AVCodecContext, FreeCodecContext>;
using PacketPtr = std::unique_ptr<AVPacket, FreePacket>;
using FramePtr = std::unique_ptr<AVFrame, FreeFrame>;
using SwsPtr = std::unique_ptr<SwsContext, FreeSws>;
using SwrPtr = std::unique_ptr<SwrContext, FreeSwr>;
using AudioFifoPtr = std::unique_ptr<AVAudioFifo, FreeAudioFifo>;

struct FreeBsf {
  void operator()(AVBSFContext* bsf) const { av_bsf_free(&bsf); }
};
using BsfPtr = std::unique_ptr<AVBSFContext, FreeBsf>;

// AVERROR_INVALIDDATA and friends are the file's fault (kCorrupt), EOF is
// kTruncated, an exit requested by our interrupt callback is kTimeout.
Error avError(int averror, std::string_view what);

}  // namespace media::internal
