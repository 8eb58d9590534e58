// Transcoding real fixtures (HEVC, VP8, VP9, AV1, MPEG-4 Part 2, MJPEG; AAC,
// AC-3, MP3, Opus, Vorbis, PCM) through makePlayable(), the path ingest takes:
// the output is H.264/AAC-LC in fragments that start with keyframes where
// the index says, as long as the input, in sync, without the input's
// metadata, upright, and no taller than the cap. ffprobe is the judge.
#include "media/transcode.h"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include <gtest/gtest.h>

#include "tests/media/fmp4_boxes.h"
#include "tests/media/media_test_util.h"
#include "tests/media/rotation_fixture.h"

namespace media {
namespace {

using testing::BufferSink;
using testing::BytesSource;

std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  char line[512];
  while (pipe != nullptr && std::fgets(line, sizeof line, pipe) != nullptr) output += line;
  if (pipe != nullptr) ::pclose(pipe);
  return output;
}

// ffprobe's view of one field of the first stream of `type` ("v" or "a").
std::string streamField(const std::string& path, const char* type, const char* field) {
  std::string value = run(std::string("ffprobe -v error -select_streams ") + type +
                          " -show_entries stream=" + field + " -of csv=p=0 '" + path + "'");
  while (!value.empty() && (value.back() == '\n' || value.back() == ',')) value.pop_back();
  return value;
}

double formatDuration(const std::string& path) {
  return std::stod("0" + run("ffprobe -v error -show_entries format=duration -of csv=p=0 '" +
                             path + "'"));
}

struct ProbedPacket {
  int stream;
  double pts;
  std::uint64_t pos;
  bool key;
};

std::vector<ProbedPacket> packets(const std::string& path) {
  std::vector<ProbedPacket> out;
  std::istringstream lines(run("ffprobe -v error -show_entries "
                               "packet=stream_index,pts_time,pos,flags -of csv=p=0 '" +
                               path + "'"));
  std::string line;
  while (std::getline(lines, line)) {
    int stream = 0;
    double pts = 0;
    unsigned long long pos = 0;
    char flags[8] = {};
    if (std::sscanf(line.c_str(), "%d,%lf,%llu,%7s", &stream, &pts, &pos, flags) == 4) {
      out.push_back({stream, pts, pos, flags[0] == 'K'});
    }
  }
  return out;
}

TranscodeOptions quickOptions(double fragment_s) {
  TranscodeOptions options;
  options.fragment_s = fragment_s;
  options.x264_preset = "ultrafast";
  options.threads = 1;
  return options;
}

TEST(Transcode, EveryTranscodedFixtureBecomesPlayableH264Aac) {
  struct Case {
    const char* file;
    bool video;
    bool audio;
  };
  for (const Case& c : {Case{"hevc_aac_tagged.mov", true, true}, Case{"vp9_opus.webm", true, true},
                        Case{"mjpeg_pcm.avi", true, true}, Case{"mpeg4_mp3.avi", true, true},
                        Case{"av1_vorbis.mkv", true, true}, Case{"h264_ac3.ts", true, true},
                        Case{"opus_only.webm", false, true}, Case{"vp8_only.webm", true, false}}) {
    SCOPED_TRACE(c.file);
    auto source = BytesSource::fromFixture(c.file);
    BufferSink sink;
    std::vector<int> progress;
    TranscodeOptions options = quickOptions(0.5);
    options.progress = [&](int percent) { progress.push_back(percent); };
    auto result = makePlayable(source, sink, {}, options);
    ASSERT_TRUE(result) << result.error().toString();
    EXPECT_FALSE(result->facts.plan.remux());
    EXPECT_EQ(progress.back(), 100);
    EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
    const testing::TempFile out(".mp4");
    out.write(sink.bytes);
    const std::string in = testing::fixturePath(c.file);

    EXPECT_EQ(streamField(out.path(), "v", "codec_name"), c.video ? "h264" : "");
    EXPECT_EQ(streamField(out.path(), "v", "pix_fmt"), c.video ? "yuv420p" : "");
    EXPECT_EQ(streamField(out.path(), "a", "codec_name,profile,sample_rate"),
              c.audio ? "aac,LC,48000" : "");
    EXPECT_EQ(result->facts.video ? result->facts.video->codec : "", c.video ? "h264" : "");
    EXPECT_EQ(result->facts.audio ? result->facts.audio->codec : "", c.audio ? "aac" : "");
    // As long as the input, to within one frame (25 fps; audio-only: one AAC frame).
    const double frame = c.video ? 0.04 : 1024.0 / 48000;
    EXPECT_NEAR(formatDuration(out.path()), formatDuration(in), frame + 1e-3);
    // In sync: both tracks are presented from the same moment, to within 40 ms.
    const auto starts = testing::firstPresentationTimes(sink.bytes);
    ASSERT_EQ(starts.size(), (c.video ? 1u : 0u) + (c.audio ? 1u : 0u));
    if (c.video && c.audio) {
      EXPECT_NEAR(starts.begin()->second, std::next(starts.begin())->second, 0.040);
    }

    // Every fragment is where the index says, starts with moof and, with
    // video, with a keyframe; ffprobe finds every packet inside one.
    const FragmentIndex& index = result->index;
    ASSERT_GE(index.fragments.size(), 2u);
    const auto probed = packets(out.path());
    ASSERT_FALSE(probed.empty());
    const int video_stream = c.video ? 0 : -1;
    for (const Fragment& fragment : index.fragments) {
      EXPECT_EQ(std::string(sink.bytes.begin() + static_cast<std::ptrdiff_t>(fragment.offset + 4),
                            sink.bytes.begin() + static_cast<std::ptrdiff_t>(fragment.offset + 8)),
                "moof");
      const auto first = std::find_if(probed.begin(), probed.end(), [&](const ProbedPacket& p) {
        return p.pos >= fragment.offset && p.pos < fragment.offset + fragment.size &&
               (video_stream < 0 || p.stream == video_stream);
      });
      ASSERT_NE(first, probed.end()) << "an empty fragment at " << fragment.offset;
      EXPECT_TRUE(first->key) << "fragment at " << fragment.offset << " starts without a keyframe";
    }
    for (const ProbedPacket& p : probed) {
      EXPECT_TRUE(std::any_of(index.fragments.begin(), index.fragments.end(),
                              [&](const Fragment& f) {
                                return p.pos >= f.offset && p.pos < f.offset + f.size;
                              }))
          << "a packet at " << p.pos << " lies outside every fragment";
    }
    double total = 0;
    for (const Fragment& fragment : index.fragments) total += fragment.duration_s;
    EXPECT_NEAR(total, formatDuration(out.path()), 0.1);
    EXPECT_EQ(index.fragments.back().offset + index.fragments.back().size, sink.bytes.size());
    EXPECT_TRUE(hlsPlaylist(index, "media.mp4"));
  }
}

TEST(Transcode, FragmentsStayNearTheTargetBecauseTheEncoderForcesKeyframes) {
  auto source = BytesSource::fromFixture("vp9_opus.webm");
  BufferSink sink;
  auto result = makePlayable(source, sink, {}, quickOptions(0.5));
  ASSERT_TRUE(result) << result.error().toString();
  // 2 s at 25 fps: a keyframe every 13 frames (the first at or after 0.5 s).
  // The first fragment also holds the audio's pre-roll (Opus pre-skip, AAC
  // priming: under 30 ms here) from before the first video frame.
  const auto& fragments = result->index.fragments;
  ASSERT_EQ(fragments.size(), 4u);
  EXPECT_GE(fragments[0].duration_s, 0.52 - 1e-6);
  EXPECT_LT(fragments[0].duration_s, 0.56);
  for (std::size_t i = 1; i + 1 < fragments.size(); ++i) {
    EXPECT_NEAR(fragments[i].duration_s, 0.52, 0.001);
  }
}

// What ffprobe reports about a file: every format and stream field and tag.
std::string probeReport(const std::string& path) {
  return run("ffprobe -v error -show_format -show_streams '" + path + "' 2>&1");
}

TEST(Transcode, APhoneRecordingLosesItsMetadata) {
  const std::string input = probeReport(testing::fixturePath("hevc_aac_tagged.mov"));
  auto source = BytesSource::fromFixture("hevc_aac_tagged.mov");
  BufferSink sink;
  ASSERT_TRUE(makePlayable(source, sink, {}, quickOptions(4.0)));
  const testing::TempFile out(".mp4");
  out.write(sink.bytes);
  const std::string report = probeReport(out.path());
  ASSERT_NE(report.find("codec_name=h264"), std::string::npos) << report;
  for (const char* tag : {"Les 3B", "test comment", "Apple", "iPhone", "+52.3676", "2026-01-01",
                          "TAG:encoder", "TAG:location", "TAG:creation_time", "TAG:title"}) {
    SCOPED_TRACE(tag);
    EXPECT_NE(input.find(tag), std::string::npos) << "the fixture should carry it";
    EXPECT_EQ(report.find(tag), std::string::npos) << "carried over into the output";
  }
}

TEST(Transcode, APhoneRecordingStaysUpright) {
  const testing::TempFile rotated(".mov");
  ASSERT_TRUE(testing::writeRotatedCopy(testing::fixturePath("hevc_aac_tagged.mov"),
                                        rotated.path(), 90));
  std::ifstream in(rotated.path(), std::ios::binary);
  BytesSource source(std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {}));
  BufferSink sink;
  auto result = makePlayable(source, sink, {}, quickOptions(4.0));
  ASSERT_TRUE(result) << result.error().toString();
  EXPECT_EQ(result->facts.video->codec, "h264");
  EXPECT_NEAR(result->facts.video->rotation, -90, 0.01) << "the fixture must carry the rotation";
  BytesSource output(sink.bytes);
  auto facts = probe(output, {});
  ASSERT_TRUE(facts) << facts.error().toString();
  EXPECT_EQ(facts->video->codec, "h264");
  EXPECT_NEAR(facts->video->rotation, -90, 0.01) << "the display matrix was lost";
  EXPECT_EQ(facts->video->width, 320) << "the pixels are not turned: the matrix says how";
}

TEST(Transcode, TallVideoIsScaledDownToTheCapKeepingItsAspect) {
  for (const char* fixture : {"mjpeg_pcm.avi", "vp8_only.webm"}) {
    SCOPED_TRACE(fixture);
    auto source = BytesSource::fromFixture(fixture);
    BufferSink sink;
    TranscodeOptions options = quickOptions(4.0);
    options.max_output_height = 121;  // odd on purpose: the output stays even
    auto result = makePlayable(source, sink, {}, options);
    ASSERT_TRUE(result) << result.error().toString();
    const testing::TempFile out(".mp4");
    out.write(sink.bytes);
    EXPECT_EQ(streamField(out.path(), "v", "width,height"), "160,120");
    EXPECT_EQ(result->facts.video->height, 120);
  }
  // Not taller than the cap: the size is kept.
  auto source = BytesSource::fromFixture("vp8_only.webm");
  BufferSink sink;
  TranscodeOptions options = quickOptions(4.0);
  options.max_output_height = 240;
  ASSERT_TRUE(makePlayable(source, sink, {}, options));
  const testing::TempFile out(".mp4");
  out.write(sink.bytes);
  EXPECT_EQ(streamField(out.path(), "v", "width,height"), "320,240");
}

// A fixture with `count` bytes of noise written at `at` (a fraction of its size).
BytesSource damaged(const std::string& fixture, double at, std::size_t count) {
  std::ifstream in(testing::fixturePath(fixture), std::ios::binary);
  std::vector<std::uint8_t> bytes(std::istreambuf_iterator<char>(in), {});
  std::uint32_t seed = 12345;
  const auto start = static_cast<std::size_t>(static_cast<double>(bytes.size()) * at);
  for (std::size_t i = start; i < std::min(bytes.size(), start + count); ++i) {
    seed = seed * 1103515245 + 12345;
    bytes[i] = static_cast<std::uint8_t>(seed >> 16);
  }
  return BytesSource(std::move(bytes));
}

TEST(Transcode, DamageInsideTheCodedDataIsRefusedWithWhere) {
  for (const char* fixture : {"mpeg4_mp3.avi", "hevc_aac_tagged.mov"}) {
    SCOPED_TRACE(fixture);
    auto source = damaged(fixture, 0.6, 4096);
    BufferSink sink;
    auto result = makePlayable(source, sink, {}, quickOptions(4.0));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kCorrupt) << result.error().toString();
    EXPECT_NE(result.error().message.find("data at about 0:00:01 of 0:00:02"), std::string::npos)
        << result.error().toString();
  }
  // The remux path's cheaper check finds the corrupt.mp4 fixture's damage.
  auto source = BytesSource::fromFixture("corrupt.mp4");
  BufferSink sink;
  auto result = makePlayable(source, sink, {}, quickOptions(4.0));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::kCorrupt) << result.error().toString();
  EXPECT_NE(result.error().message.find("data at about 0:00:01 of 0:00:02"), std::string::npos);
}

TEST(Transcode, WhatCannotBeTranscodedIsAnError) {
  struct Case {
    const char* file;
    std::function<void(TranscodeOptions&)> change;
    ErrorCode code;
    const char* fragment;
  };
  for (const Case& c :
       {Case{"h264_aac_faststart.mp4", [](TranscodeOptions&) {}, ErrorCode::kInternal,
             "nothing to re-encode"},
        Case{"vp9_opus.webm", [](TranscodeOptions& o) { o.x264_preset = "quick"; },
             ErrorCode::kInternal, "unknown x264 preset quick"},
        Case{"vp9_opus.webm", [](TranscodeOptions& o) { o.crf = 52; }, ErrorCode::kInternal,
             "crf"},
        Case{"text.mp4", [](TranscodeOptions&) {}, ErrorCode::kNotMedia, "supported format"}}) {
    SCOPED_TRACE(c.file);
    auto source = BytesSource::fromFixture(c.file);
    BufferSink sink;
    TranscodeOptions options = quickOptions(4.0);
    c.change(options);
    auto result = transcode(source, sink, {}, options);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, c.code) << result.error().toString();
    EXPECT_NE(result.error().message.find(c.fragment), std::string::npos)
        << result.error().toString();
  }
  auto source = BytesSource::fromFixture("vp9_opus.webm");
  BufferSink full;
  full.refuseAfter(5000);
  auto refused = transcode(source, full, {}, quickOptions(4.0));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kIo) << refused.error().toString();
}

}  // namespace
}  // namespace media
