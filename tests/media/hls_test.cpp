// The HLS playlist over one fMP4, checked byte for byte.
#include "media/hls.h"

#include <gtest/gtest.h>

namespace media {
namespace {

TEST(Hls, APlaylistListsEveryFragmentByByteRange) {
  const FragmentIndex index{
      0, 1200, {{4.0, 1200, 50000}, {4.04, 51200, 48000}, {1.5, 99200, 9000}}};
  auto playlist = hlsPlaylist(index, "media.mp4");
  ASSERT_TRUE(playlist) << playlist.error().toString();
  EXPECT_EQ(*playlist,
            "#EXTM3U\n"
            "#EXT-X-VERSION:7\n"
            "#EXT-X-TARGETDURATION:4\n"
            "#EXT-X-PLAYLIST-TYPE:VOD\n"
            "#EXT-X-INDEPENDENT-SEGMENTS\n"
            "#EXT-X-MAP:URI=\"media.mp4\",BYTERANGE=\"1200@0\"\n"
            "#EXTINF:4.000,\n#EXT-X-BYTERANGE:50000@1200\nmedia.mp4\n"
            "#EXTINF:4.040,\n#EXT-X-BYTERANGE:48000@51200\nmedia.mp4\n"
            "#EXTINF:1.500,\n#EXT-X-BYTERANGE:9000@99200\nmedia.mp4\n"
            "#EXT-X-ENDLIST\n");
}

TEST(Hls, TheTargetDurationCoversTheRoundedLongestFragment) {
  for (auto [longest, target] : {std::pair{4.49, "4"}, std::pair{4.5, "5"}, std::pair{0.2, "1"}}) {
    SCOPED_TRACE(longest);
    auto playlist = hlsPlaylist({0, 10, {{longest, 10, 5}}}, "m");
    ASSERT_TRUE(playlist);
    EXPECT_NE(playlist->find(std::string("#EXT-X-TARGETDURATION:") + target + "\n"),
              std::string::npos);
  }
}

TEST(Hls, AnIndexThatCannotDescribeAPlayableFileIsRefused) {
  for (const FragmentIndex& bad : {FragmentIndex{0, 0, {{4, 0, 10}}},   // no init section
                                   FragmentIndex{0, 10, {}},            // no fragments
                                   FragmentIndex{0, 10, {{4, 11, 5}}},  // a gap
                                   FragmentIndex{0, 10, {{4, 10, 5}, {4, 14, 5}}},  // an overlap
                                   FragmentIndex{0, 10, {{0, 10, 5}}},              // no time
                                   FragmentIndex{0, 10, {{4, 10, 0}}}}) {           // no bytes
    auto playlist = hlsPlaylist(bad, "m");
    ASSERT_FALSE(playlist);
    EXPECT_EQ(playlist.error().code, ErrorCode::kInternal);
  }
}

}  // namespace
}  // namespace media
