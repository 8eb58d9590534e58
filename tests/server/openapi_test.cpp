// The OpenAPI document against the server it describes: every registered route
// is documented and every documented route registered; every error code the
// server's sources answer with, and every acl refusal reason, is listed, and
// nothing listed is stale. Served at /api/openapi.json as valid JSON.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include "acl/reason.h"
#include "server/openapi.h"
#include "server/web_assets.h"
#include "tests/server/service_fixture.h"

namespace server::testing {
namespace {

Poco::JSON::Object::Ptr document() {
  Poco::JSON::Parser parser;
  return parser.parse(std::string(openApiDocument())).extract<Poco::JSON::Object::Ptr>();
}

// Error codes in the server's sources: snake_case literals inside the
// arguments of the calls that answer with an error.
std::set<std::string> codesInSources() {
  std::set<std::string> codes;
  const std::regex call(R"((HttpError|tusError|ErrorHandler>|sendError|answerFailure)\s*\()");
  const std::regex literal(R"re("([a-z][a-z0-9_]*)")re");
  for (const auto& dir : {"server", "server/admin"}) {
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(LV_SOURCE_DIR) + "/" + dir)) {
      if (entry.path().extension() != ".cpp") continue;
      std::ifstream in(entry.path());
      const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      for (auto it = std::sregex_iterator(text.begin(), text.end(), call);
           it != std::sregex_iterator(); ++it) {
        const auto start = text.begin() + it->position() + it->length();
        const auto end = text.begin() + static_cast<std::ptrdiff_t>(
                                            std::min(text.find(';', it->position()), text.size()));
        for (auto lit = std::sregex_iterator(start, end, literal); lit != std::sregex_iterator();
             ++lit) {
          codes.insert((*lit)[1]);
        }
      }
    }
  }
  return codes;
}

TEST(OpenApi, TheDocumentListsEveryErrorCodeAndNothingStale) {
  std::set<std::string> listed;
  const auto values = document()
                          ->getObject("components")
                          ->getObject("schemas")
                          ->getObject("ErrorCode")
                          ->getArray("enum");
  for (unsigned i = 0; i < values->size(); ++i) listed.insert(values->getElement<std::string>(i));
  const std::set<std::string> sources = codesInSources();
  ASSERT_GT(sources.size(), 30u) << "the scan found too little to be trusted";
  std::set<std::string> expected = sources;
#define LV_REASON_NAME(enumerator, name) \
  if (std::string_view(name).starts_with("denied_")) expected.insert(name);
  LV_ACL_REASONS(LV_REASON_NAME)
#undef LV_REASON_NAME
  for (const auto& code : expected) EXPECT_TRUE(listed.contains(code)) << code << " is not listed";
  for (const auto& code : listed) EXPECT_TRUE(expected.contains(code)) << code << " is stale";
}

class OpenApiRoutesTest : public ServiceFixture {};

TEST_F(OpenApiRoutesTest, TheRouterAndTheDocumentAgree) {
  const auto paths = document()->getObject("paths");
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, value] : *paths) {
    const auto item = paths->getObject(path);
    for (const auto& [method, operation] : *item) {
      if (method == "parameters") continue;
      documented.emplace(Poco::toUpper(method), path);
    }
  }
  services_.web = std::make_shared<const WebAssets>();  // the web app's routes too
  const Router::Ptr router = makeRouter(services_);
  std::set<std::pair<std::string, std::string>> registered;
  for (const auto& [method, pattern] : router->routeTable()) registered.emplace(method, pattern);
  for (const auto& route : registered) {
    EXPECT_TRUE(documented.contains(route)) << route.first << " " << route.second
                                            << " is not documented";
  }
  for (const auto& route : documented) {
    // HEAD is served by GET unless a route registers it.
    if (route.first == "HEAD" && registered.contains({"GET", route.second})) continue;
    EXPECT_TRUE(registered.contains(route)) << route.first << " " << route.second
                                            << " is documented but not served";
  }
  const HttpResult served = call("GET", "/api/openapi.json", nullptr);
  ASSERT_EQ(served.status, 200);
  EXPECT_EQ(parseObject(served.body)->getValue<std::string>("openapi"), "3.0.3");
}

}  // namespace
}  // namespace server::testing
