// A recording's object file that can no longer be read while the server has it open
// (cut short underneath, or a disk that fails): the request that meets it fails, and
// the server goes on. The object is mapped (FileSystem::openMapped), so without the
// fault guard (storage/fault_guard.h) this test's process would die of SIGBUS.
#include <filesystem>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
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

  // Two requests on one kept-alive connection: the second is read only after the first
  // has ended and given its reader back to the cache, so the second uses that reader,
  // opened (and its file mapped) before the file was cut.
  Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
  session.setKeepAlive(true);
  session.setTimeout(Poco::Timespan(10, 0));
  const auto send = [&](const std::string& bytes, Poco::Net::HTTPResponse& response) {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, media,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Cookie", bert.cookie);
    request.set("Range", bytes);
    session.sendRequest(request);
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    return body;
  };
  Poco::Net::HTTPResponse first;
  ASSERT_EQ(send("bytes=0-99", first), whole.body.substr(0, 100));

  auto object = vault_->mediaObject(*storage::Id::parse(broken));
  ASSERT_TRUE(object) << object.error().toString();
  std::filesystem::resize_file(vault_->objectPath(*object), 80000);

  // The third segment now lies past the file's end. The status line goes out before the
  // bytes are read (a fresh reader would have failed before it), so the failure shows as
  // a 206 whose body is cut short: the server closes the connection.
  Poco::Net::HTTPResponse second;
  std::string cut;
  try {
    cut = send("bytes=140000-150000", second);
  } catch (const Poco::Exception&) {
  }
  EXPECT_EQ(second.getStatus(), Poco::Net::HTTPResponse::HTTP_PARTIAL_CONTENT);
  EXPECT_LT(cut.size(), 10001u) << "bytes from a file cut short were served as if whole";

  // The server is still there, and the other recording plays.
  EXPECT_EQ(get("/healthz", bert).status, 200);
  const auto other = call("GET", "/api/recordings/" + intact + "/media.mp4", &bert, {},
                          range("bytes=140000-150000"));
  EXPECT_EQ(other.status, 206);
  EXPECT_EQ(other.body.size(), 10001u);
}

}  // namespace
}  // namespace server::testing
