// Ingest end to end on real parts: a fixture uploaded into an encrypted
// upload log, remuxed through libav, written as an encrypted object, its
// index stored, and played back by ffmpeg from the stored playlist.
#include "server/ingest.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "media/hls.h"
#include "tests/storage/test_util.h"

namespace server {
namespace {

std::vector<std::uint8_t> fixture(const std::string& name) {
  std::ifstream in(std::string(LV_TEST_MEDIA_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// ffmpeg's per-frame video hashes: the independent judge of "nothing changed".
// `input_options` go before -i (the playlist needs its segments allowed by name).
std::vector<std::string> frameHashes(const std::string& input,
                                     const std::string& input_options = "") {
  std::vector<std::string> hashes;
  const std::string command = "ffmpeg -nostdin -v error " + input_options + " -i '" + input +
                              "' -map 0:v -f framemd5 - 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  char line[512];
  while (pipe != nullptr && std::fgets(line, sizeof line, pipe) != nullptr) {
    if (line[0] != '#')
      hashes.push_back(std::string(line).substr(std::string(line).rfind(',') + 1));
  }
  if (pipe != nullptr) ::pclose(pipe);
  return hashes;
}

class IngestTest : public ::testing::Test {
 protected:
  IngestTest() {
    paths_ = {dir_.file("data"), dir_.file("lv.db"), dir_.file("keys")};
    EXPECT_TRUE(storage::Vault::initialize(paths_));
    vault_ = std::move(*storage::Vault::open(paths_));
  }

  // Uploads `bytes` as the recording's upload, in tus-sized chunks.
  std::pair<storage::Id, storage::Id> uploadBytes(const std::vector<std::uint8_t>& bytes) {
    const auto recording = *vault_->createRecording(
        {acl::Purpose::kTeacherTraining, *acl::parseDate("2027-01-31")}, 1, "1");
    const auto upload = *vault_->createUpload(recording, bytes.size(), 2, "1");
    auto log = vault_->openUpload(upload);
    for (std::size_t at = 0; at < bytes.size(); at += 40000) {
      EXPECT_TRUE((*log)->append(
          storage::Bytes(bytes).subspan(at, std::min<std::size_t>(40000, bytes.size() - at))));
    }
    return {recording, upload};
  }

  storage::testing::TempDir dir_;
  storage::VaultPaths paths_;
  std::unique_ptr<storage::Vault> vault_;
};

TEST_F(IngestTest, AnUploadBecomesAPlayableEncryptedRecording) {
  const auto input = fixture("h264_aac_moov_end.mp4");
  auto [recording, upload] = uploadBytes(input);
  std::vector<int> progress;
  IngestSettings settings;
  settings.fragment_s = 0.5;
  auto outcome = ingestUpload(
      *vault_, recording, upload, input.size(), settings,
      [&](int percent) { progress.push_back(percent); }, 10);
  ASSERT_TRUE(outcome) << outcome.error().toString();
  ASSERT_TRUE(outcome->ready) << outcome->code << ": " << outcome->message;
  EXPECT_EQ(*vault_->status(recording), storage::RecordingStatus::kReady);
  EXPECT_EQ(progress.back(), 100);
  EXPECT_FALSE(std::filesystem::exists(vault_->uploadPath(upload))) << "the upload is shredded";
  ASSERT_TRUE(outcome->poster);
  auto poster_id = vault_->poster(recording);
  ASSERT_TRUE(poster_id && *poster_id);
  auto poster = vault_->openObject(**poster_id);
  ASSERT_TRUE(poster) << poster.error().toString();
  std::vector<std::uint8_t> jpeg((*poster)->size());
  ASSERT_TRUE((*poster)->read(0, jpeg));
  ASSERT_GT(jpeg.size(), 2u);
  EXPECT_EQ(jpeg[0], 0xFF);
  EXPECT_EQ(jpeg[1], 0xD8) << "the poster is a JPEG";

  auto stored = vault_->media(recording);
  ASSERT_TRUE(stored) << stored.error().toString();
  EXPECT_EQ(stored->video_codec, "h264");
  EXPECT_EQ(stored->audio_codec, "aac");
  ASSERT_EQ(stored->fragments.size(), 2u);
  auto object = vault_->mediaObject(recording);
  ASSERT_TRUE(object) << object.error().toString();
  EXPECT_EQ(object->hex(), stored->object.hex());

  // Invariant 1: no 64-byte window of the upload in any file under the directory.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (!entry.is_regular_file()) continue;
    EXPECT_FALSE(
        storage::testing::containsAnyWindow(storage::testing::readFile(entry.path()), input, 64))
        << entry.path() << " holds plaintext";
  }

  // Decrypted into a directory outside the data directory, the stored
  // playlist plays in ffmpeg, frame for frame the source.
  auto reader = vault_->openObject(stored->object);
  ASSERT_TRUE(reader);
  std::vector<std::uint8_t> plain((*reader)->size());
  ASSERT_TRUE((*reader)->read(0, plain));
  storage::testing::TempDir play;
  storage::testing::writeFile(play.file("media.mp4"), plain);
  media::FragmentIndex index{0, stored->init_size, {}};
  for (const auto& f : stored->fragments)
    index.fragments.push_back({f.duration_s, f.offset, f.size});
  auto playlist = media::hlsPlaylist(index, "media.mp4");
  ASSERT_TRUE(playlist);
  std::ofstream(play.file("index.m3u8")) << *playlist;
  const auto source = frameHashes(std::string(LV_TEST_MEDIA_DIR) + "/h264_aac_moov_end.mp4");
  ASSERT_EQ(source.size(), 50u);
  EXPECT_EQ(frameHashes(play.file("index.m3u8"), "-allowed_extensions ALL"), source);
}

TEST_F(IngestTest, AnUploadThatNeedsTranscodingEndsReadyWithoutPlaintext) {
  // The phone's HEVC. (The WebM, AVI and MPEG-TS fixtures hold runs of 64+
  // equal padding bytes, which the database's empty pages match too.)
  const auto input = fixture("hevc_aac_tagged.mov");
  auto [recording, upload] = uploadBytes(input);
  std::vector<int> progress;
  IngestSettings settings;
  settings.fragment_s = 0.5;
  settings.x264_preset = "ultrafast";
  settings.max_output_height = 120;
  auto outcome = ingestUpload(
      *vault_, recording, upload, input.size(), settings,
      [&](int percent) { progress.push_back(percent); }, 10);
  ASSERT_TRUE(outcome) << outcome.error().toString();
  ASSERT_TRUE(outcome->ready) << outcome->code << ": " << outcome->message;
  EXPECT_EQ(*vault_->status(recording), storage::RecordingStatus::kReady);
  EXPECT_EQ(progress.back(), 100);
  EXPECT_TRUE(outcome->poster);
  EXPECT_FALSE(std::filesystem::exists(vault_->uploadPath(upload))) << "the upload is shredded";
  auto stored = vault_->media(recording);
  ASSERT_TRUE(stored) << stored.error().toString();
  EXPECT_EQ(stored->video_codec, "h264");
  EXPECT_EQ(stored->audio_codec, "aac");
  EXPECT_EQ(stored->height, 120) << "the output's size is stored, capped";
  EXPECT_EQ(stored->fragments.size(), 4u);

  // Invariant 1, on the transcode path too: no 64-byte window of the upload
  // in any file under the data directory.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
    if (!entry.is_regular_file()) continue;
    EXPECT_FALSE(
        storage::testing::containsAnyWindow(storage::testing::readFile(entry.path()), input, 64))
        << entry.path() << " holds plaintext";
  }
  // The stored object is the H.264 recording the index describes.
  auto reader = vault_->openObject(stored->object);
  ASSERT_TRUE(reader);
  std::vector<std::uint8_t> plain((*reader)->size());
  ASSERT_TRUE((*reader)->read(0, plain));
  storage::testing::TempDir play;
  storage::testing::writeFile(play.file("media.mp4"), plain);
  media::FragmentIndex index{0, stored->init_size, {}};
  for (const auto& f : stored->fragments)
    index.fragments.push_back({f.duration_s, f.offset, f.size});
  auto playlist = media::hlsPlaylist(index, "media.mp4");
  ASSERT_TRUE(playlist);
  std::ofstream(play.file("index.m3u8")) << *playlist;
  EXPECT_EQ(frameHashes(play.file("index.m3u8"), "-allowed_extensions ALL").size(), 50u)
      << "every frame of the 2 s, 25 fps upload plays from the playlist";
}

TEST_F(IngestTest, ADamagedUploadIsRefusedAsCorrupt) {
  const auto input = fixture("corrupt.mp4");
  auto [recording, upload] = uploadBytes(input);
  auto outcome = ingestUpload(*vault_, recording, upload, input.size(), {}, {}, 10);
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->ready);
  EXPECT_EQ(outcome->code, "corrupt");
  EXPECT_NE(outcome->message.find("at about 0:00:01"), std::string::npos) << outcome->message;
  EXPECT_TRUE(std::filesystem::is_empty(vault_->objectsDir())) << "nothing published, no temp file";
  EXPECT_FALSE(std::filesystem::exists(vault_->uploadPath(upload)));
}

TEST_F(IngestTest, ARefusedUploadLeavesNothingButTheReason) {
  const auto input = fixture("text.mp4");
  auto [recording, upload] = uploadBytes(input);
  auto outcome = ingestUpload(*vault_, recording, upload, input.size(), {}, {}, 10);
  ASSERT_TRUE(outcome);
  EXPECT_FALSE(outcome->ready);
  EXPECT_EQ(outcome->code, "not_media");
  EXPECT_EQ(*vault_->status(recording), storage::RecordingStatus::kFailed);
  auto reason = vault_->ingestFailure(recording);
  ASSERT_TRUE(reason && *reason);
  EXPECT_EQ((*reason)->first, "not_media");
  EXPECT_FALSE(std::filesystem::exists(vault_->uploadPath(upload)));
  EXPECT_TRUE(std::filesystem::is_empty(vault_->objectsDir())) << "nothing published, no temp file";
  EXPECT_FALSE(vault_->media(recording));
  auto object = vault_->mediaObject(recording);
  ASSERT_FALSE(object);
  EXPECT_EQ(object.error().code, storage::ErrorCode::kNotFound);
}

}  // namespace
}  // namespace server
