// Probing real files (scripts/make-test-media.sh): what is accepted, with
// which facts and plan; what is refused, each with its own code; and that no
// playlist trick makes libav open anything.
#include "media/probe.h"

#include <gtest/gtest.h>

#include "tests/media/media_test_util.h"

namespace media {
namespace {

using testing::BytesSource;

Result<MediaFacts> probeFixture(const std::string& name, const Limits& limits = {},
                                int* refused = nullptr) {
  auto source = BytesSource::fromFixture(name);
  return probe(source, limits, refused);
}

TEST(Probe, AcceptsWhatTheSchoolsDevicesRecord) {
  struct Case {
    const char* file;
    const char* video;
    const char* audio;
    bool remux;
    const char* plan;
  };
  for (const Case& c :
       {Case{"h264_aac_moov_end.mp4", "h264", "aac", true, "video h264 copied; audio aac copied"},
        Case{"h264_aac_faststart.mp4", "h264", "aac", true, "remux"},
        Case{"hevc_aac_tagged.mov", "hevc", "aac", false, "video hevc → h264; audio aac copied"},
        Case{"vp9_opus.webm", "vp9", "opus", false, "video vp9 → h264; audio opus → aac"},
        Case{"mjpeg_pcm.avi", "mjpeg", "pcm_s16le", false, "video mjpeg → h264; audio pcm_s16le → aac"},
        Case{"mpeg4_mp3.avi", "mpeg4", "mp3", false, "video mpeg4 → h264; audio mp3 → aac"},
        Case{"h264_ac3.ts", "h264", "ac3", false, "video h264 copied; audio ac3 → aac"},
        Case{"av1_vorbis.mkv", "av1", "vorbis", false, "video av1 → h264; audio vorbis → aac"},
        Case{"opus_only.webm", "", "opus", false, "audio opus → aac"},
        Case{"vp8_only.webm", "vp8", "", false, "video vp8 → h264"},
        Case{"audio_only.m4a", "", "aac", true, "audio aac copied"},
        Case{"video_only.mp4", "h264", "", true, "video h264 copied"},
        Case{"three_audio.mkv", "h264", "aac", true, "remux"},
        Case{"cover_art.mp4", "h264", "aac", true, "remux"}}) {
    SCOPED_TRACE(c.file);
    auto facts = probeFixture(c.file);
    ASSERT_TRUE(facts) << facts.error().toString();
    EXPECT_EQ(facts->video ? facts->video->codec : "", c.video);
    EXPECT_EQ(facts->audio ? facts->audio->codec : "", c.audio);
    EXPECT_EQ(facts->plan.remux(), c.remux);
    EXPECT_EQ(facts->plan.action(), c.remux ? "remux" : "transcode");
    if (std::string_view(c.plan) != "remux") {
      EXPECT_EQ(facts->plan.reason, c.plan);
    }
    EXPECT_NEAR(facts->duration_s, 2.0, 0.15);
    if (facts->video) {
      EXPECT_EQ(facts->video->width, 320);
      EXPECT_EQ(facts->video->height, 240);
    }
  }
  EXPECT_EQ(probeFixture("three_audio.mkv")->streams, 4);
  EXPECT_EQ(probeFixture("h264_aac_faststart.mp4")->audio->profile, "LC");
}

TEST(Probe, RefusesEachBadFileWithItsOwnReason) {
  struct Case {
    const char* file;
    ErrorCode code;
    const char* fragment;
  };
  for (const Case& c :
       {Case{"empty.mp4", ErrorCode::kNotMedia, "empty"},
        Case{"text.mp4", ErrorCode::kNotMedia, "supported format"},
        Case{"image.png", ErrorCode::kNotMedia, "supported format"},
        Case{"playlist.m3u8", ErrorCode::kNotMedia, "supported format"},
        Case{"avi_with_playlist.avi", ErrorCode::kNotMedia, "supported format"},
        Case{"truncated.mp4", ErrorCode::kTruncated, "ends early, at about 0:00:0"},
        Case{"corrupt.mp4", ErrorCode::kCorrupt, "data at about 0:00:01 of 0:00:02"}}) {
    SCOPED_TRACE(c.file);
    int refused = -1;
    auto facts = probeFixture(c.file, {}, &refused);
    ASSERT_FALSE(facts) << "accepted: " << facts->plan.reason;
    EXPECT_EQ(facts.error().code, c.code) << facts.error().toString();
    EXPECT_NE(facts.error().message.find(c.fragment), std::string::npos)
        << facts.error().toString();
    // The playlist tricks never reach a demuxer that could follow them.
    EXPECT_EQ(refused, 0);
  }
}

TEST(Probe, EnforcesTheConfiguredLimits) {
  Limits short_only;
  short_only.max_duration_s = 1;
  auto too_long = probeFixture("h264_aac_faststart.mp4", short_only);
  ASSERT_FALSE(too_long);
  EXPECT_EQ(too_long.error().code, ErrorCode::kTooLong);
  EXPECT_NE(too_long.error().message.find("0:00:01 is accepted"), std::string::npos);

  Limits small;
  small.max_width = 160;
  small.max_height = 120;
  auto too_large = probeFixture("h264_aac_faststart.mp4", small);
  ASSERT_FALSE(too_large);
  EXPECT_EQ(too_large.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(too_large.error().message.find("320x240"), std::string::npos);

  Limits few;
  few.max_streams = 3;
  auto too_many = probeFixture("three_audio.mkv", few);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, ErrorCode::kTooManyStreams);
}

TEST(Probe, AFailingSourceIsAnIoErrorNotACrash) {
  auto source = BytesSource::fromFixture("h264_aac_moov_end.mp4");
  source.failAfter(1000);
  auto facts = probe(source, {});
  ASSERT_FALSE(facts);
  EXPECT_EQ(facts.error().code, ErrorCode::kIo) << facts.error().toString();
}

}  // namespace
}  // namespace media
