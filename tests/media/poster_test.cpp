// Posters from real fixtures: a JPEG, at most 640 wide, none for audio only.
#include "media/poster.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "tests/media/media_test_util.h"
#include "tests/media/rotation_fixture.h"

namespace media {
namespace {

using testing::BytesSource;

// ffprobe's "width,height" of a JPEG: the independent check that it is one.
std::string jpegSize(const std::vector<std::uint8_t>& jpeg) {
  const testing::TempFile file(".jpg");
  file.write(jpeg);
  const std::string command =
      "ffprobe -v error -show_entries stream=codec_name,width,height "
      "-of csv=p=0 '" +
      file.path() + "'";
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  char line[256];
  while (pipe != nullptr && std::fgets(line, sizeof line, pipe) != nullptr) out += line;
  if (pipe != nullptr) ::pclose(pipe);
  return out;
}

TEST(Poster, AJpegAtMost640WideFromTheVideo) {
  for (auto [fixture, size] : {std::pair{"h264_aac_faststart.mp4", "mjpeg,320,240\n"},
                               std::pair{"h264_720p.mp4", "mjpeg,640,360\n"},
                               std::pair{"vp9_opus.webm", "mjpeg,320,240\n"},
                               std::pair{"cover_art.mp4", "mjpeg,320,240\n"}}) {
    SCOPED_TRACE(fixture);
    auto source = BytesSource::fromFixture(fixture);
    auto poster = makePoster(source, {});
    ASSERT_TRUE(poster) << poster.error().toString();
    ASSERT_TRUE(poster->has_value());
    const auto& jpeg = **poster;
    ASSERT_GT(jpeg.size(), 100u);
    EXPECT_EQ(jpeg[0], 0xFF);
    EXPECT_EQ(jpeg[1], 0xD8);
    EXPECT_EQ(jpegSize(jpeg), size);
  }
}

TEST(Poster, NoneForAudioAndAnErrorForWhatIsNotMedia) {
  auto audio = BytesSource::fromFixture("audio_only.m4a");
  auto none = makePoster(audio, {});
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  auto text = BytesSource::fromFixture("text.mp4");
  auto refused = makePoster(text, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::kNotMedia);
}

TEST(Poster, APhoneRecordingsPosterStandsUpright) {
  const testing::TempFile rotated(".mp4");
  ASSERT_TRUE(testing::writeRotatedCopy(testing::fixturePath("h264_aac_faststart.mp4"),
                                        rotated.path(), 90));
  std::ifstream in(rotated.path(), std::ios::binary);
  BytesSource source(std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {}));
  auto poster = makePoster(source, {});
  ASSERT_TRUE(poster && poster->has_value());
  EXPECT_EQ(jpegSize(**poster), "mjpeg,240,320\n") << "a 320x240 picture turned a quarter";
}

}  // namespace
}  // namespace media
