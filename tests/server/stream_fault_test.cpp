// A recording's object file that can no longer be read while the server has it open
// (cut short underneath, or a disk that fails): the request that meets it fails, and
// the server goes on. The object is mapped (FileSystem::openMapped), so without the
// fault guard (storage/fault_guard.h) this test's process would die of SIGBUS.
#include <filesystem>

#include <gtest/gtest.h>

#include "tests/server/service_fixture.h"

namespace server::testing {
namespace {

Poco::Net::NameValueCollection range(const std::string& value) {
  Poco::Net::NameValueCollection headers;
  headers.add("Range", value);
  return headers;
}

class StreamFaultTest : public ServiceFixture {
 protected:
  std::string readyRecording(const Client& anna) {
    const std::string id = createTraining(anna);
    const std::string file = mediaFixture("h264_aac_faststart.mp4");
    EXPECT_EQ(upload(anna, id, file), std::filesystem::file_size(file));
    EXPECT_EQ(waitForIngest(id, anna), "ready");
    return id;
  }
};

TEST_F(StreamFaultTest, AnObjectCutShortUnderAnOpenReaderFailsThatRequestAndNothingElse) {
  const Client anna = account(kAnna);
  const Client bert = account(kBert);
  const std::string broken = readyRecording(anna);
  const std::string intact = readyRecording(anna);
  const std::string media = "/api/recordings/" + broken + "/media.mp4";
  const auto whole = get(media, bert);
  ASSERT_EQ(whole.status, 200);
  ASSERT_GT(whole.body.size(), 150000u) << "the fixture must span several 64 KiB segments";
  // The reader stays open in the server's cache between these requests.
  ASSERT_EQ(call("GET", media, &bert, {}, range("bytes=0-99")).status, 206);

  auto object = vault_->mediaObject(*storage::Id::parse(broken));
  ASSERT_TRUE(object) << object.error().toString();
  std::filesystem::resize_file(vault_->objectPath(*object), 80000);

  // The third segment now lies past the file's end. The status line went out before
  // the bytes were read, so the failure shows as a body cut short (the connection closes).
  bool failed = false;
  try {
    const auto cut = call("GET", media, &bert, {}, range("bytes=140000-150000"));
    failed = cut.status != 206 || cut.body != whole.body.substr(140000, 10001);
  } catch (const std::exception&) {
    failed = true;
  }
  EXPECT_TRUE(failed) << "bytes from a file cut short were served as if whole";

  // The server is still there, and the other recording plays.
  EXPECT_EQ(get("/healthz", bert).status, 200);
  const auto other = call("GET", "/api/recordings/" + intact + "/media.mp4", &bert, {},
                          range("bytes=140000-150000"));
  EXPECT_EQ(other.status, 206);
  EXPECT_EQ(other.body.size(), 10001u);
}

}  // namespace
}  // namespace server::testing
