// The web app's static files: served from memory with the security headers, revalidated by
// ETag, and nothing outside the loaded table reachable by any path.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "server/web_routes.h"
#include "tests/server/http_client.h"
#include "tests/server/test_server.h"
#include "tests/storage/test_util.h"

namespace server::testing {
namespace {

void write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class WebRoutesTest : public ::testing::Test {
 protected:
  WebRoutesTest() {
    write(dir_.file("web/index.html"), "<!doctype html><title>LessonVault</title>");
    write(dir_.file("web/assets/main.js"), "export const answer = 42;\n");
    write(dir_.file("web/assets/app.css"), "body { margin: 0; }\n");
    write(dir_.file("secret.txt"), "not for anyone");
  }

  std::unique_ptr<TestServer> start() {
    auto web = WebAssets::load(dir_.file("web"));
    EXPECT_TRUE(web.has_value()) << web.error();
    Router::Ptr router = new Router;
    addWebRoutes(*router, std::make_shared<const WebAssets>(std::move(*web)));
    return std::make_unique<TestServer>(router);
  }

  storage::testing::TempDir dir_;
};

TEST_F(WebRoutesTest, ServesThePageAndItsAssetsWithTheSecurityHeaders) {
  auto server = start();
  const HttpResult page = fetch(server->port(), "GET", "/");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html><title>LessonVault</title>");
  EXPECT_EQ(page.headers.get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.headers.get("Content-Security-Policy").find("default-src 'self'"),
            std::string::npos);
  EXPECT_EQ(page.headers.get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(page.headers.get("Cache-Control"), "no-cache");

  const HttpResult script = fetch(server->port(), "GET", "/assets/main.js");
  ASSERT_EQ(script.status, 200);
  EXPECT_EQ(script.body, "export const answer = 42;\n");
  EXPECT_EQ(script.headers.get("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(fetch(server->port(), "GET", "/assets/app.css").headers.get("Content-Type"),
            "text/css; charset=utf-8");
}

TEST_F(WebRoutesTest, AMatchingETagGetsNotModified) {
  auto server = start();
  const HttpResult first = fetch(server->port(), "GET", "/assets/main.js");
  const std::string etag = first.headers.get("ETag");
  ASSERT_EQ(etag.size(), 26u) << etag;
  Poco::Net::NameValueCollection headers;
  headers.set("If-None-Match", etag);
  const HttpResult again = fetch(server->port(), "GET", "/assets/main.js", {}, headers);
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  headers.set("If-None-Match", "\"stale\"");
  EXPECT_EQ(fetch(server->port(), "GET", "/assets/main.js", {}, headers).status, 200);
}

TEST_F(WebRoutesTest, NothingOutsideTheTableIsReachable) {
  auto server = start();
  for (const char* path : {"/assets/missing.js", "/assets/..%2Fsecret.txt", "/assets/../secret.txt",
                           "/assets/%2e%2e%2f%2e%2e%2fsecret.txt", "/secret.txt", "/index.html",
                           "/assets/", "/assets/main.js/x"}) {
    SCOPED_TRACE(path);
    const HttpResult result = fetch(server->port(), "GET", path);
    EXPECT_EQ(result.status, 404);
    EXPECT_EQ(result.body.find("not for anyone"), std::string::npos);
  }
}

TEST_F(WebRoutesTest, LoadRefusesWhatItCannotServeSafely) {
  {
    auto missing = WebAssets::load(dir_.file("nowhere"));
    ASSERT_FALSE(missing.has_value());
    EXPECT_NE(missing.error().find("index.html"), std::string::npos) << missing.error();
  }
  write(dir_.file("web/assets/nested/x.js"), "");
  auto nested = WebAssets::load(dir_.file("web"));
  ASSERT_FALSE(nested.has_value());
  EXPECT_NE(nested.error().find("nested"), std::string::npos) << nested.error();
  std::filesystem::remove_all(dir_.file("web/assets/nested"));

  write(dir_.file("web/assets/run.sh"), "#!/bin/sh\n");
  auto unknown = WebAssets::load(dir_.file("web"));
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().find("run.sh"), std::string::npos) << unknown.error();
  std::filesystem::remove(dir_.file("web/assets/run.sh"));

  std::filesystem::create_symlink(dir_.file("secret.txt"), dir_.file("web/assets/link.txt"));
  auto linked = WebAssets::load(dir_.file("web"));
  ASSERT_FALSE(linked.has_value());
  EXPECT_NE(linked.error().find("link.txt"), std::string::npos) << linked.error();
  std::filesystem::remove(dir_.file("web/assets/link.txt"));

  write(dir_.file("web/assets/big.js"), std::string(WebAssets::kMaxTotalBytes, 'x'));
  auto big = WebAssets::load(dir_.file("web"));
  ASSERT_FALSE(big.has_value());
  EXPECT_NE(big.error().find("32 MiB"), std::string::npos) << big.error();
}

}  // namespace
}  // namespace server::testing
