#include "server/json_log.h"

#include <string>
#include <vector>

#include <Poco/DateTime.h>
#include <Poco/JSON/Object.h>
#include <Poco/Message.h>
#include <gtest/gtest.h>

#include "server/json_escape.h"
#include "tests/server/http_client.h"

namespace server {
namespace {

std::string formatted(const std::string& text,
                      Poco::Message::Priority priority = Poco::Message::PRIO_INFORMATION) {
  Poco::Message message("lessonvault.test", text, priority);
  message.setTime(Poco::DateTime(2026, 11, 22, 20, 50, 1, 123).timestamp());
  JsonLogFormatter formatter;
  std::string line;
  formatter.format(message, line);
  return line;
}

TEST(JsonLogTest, WritesTheDocumentedShape) {
  EXPECT_EQ(formatted("listening on http://127.0.0.1:8080"),
            R"({"ts":"2026-11-22T20:50:01.123Z","level":"info","source":"lessonvault.test",)"
            R"("msg":"listening on http://127.0.0.1:8080"})");
}

TEST(JsonLogTest, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(jsonString("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(jsonString("l1\nl2\r\t\b\f"), R"("l1\nl2\r\t\b\f")");
  EXPECT_EQ(jsonString(std::string("nul\0x\x01\x1f", 7)), R"("nul\u0000x\u0001\u001f")");
  EXPECT_EQ(jsonString("/path/ok"), R"("/path/ok")");
}

TEST(JsonLogTest, PassesValidUtf8Through) {
  EXPECT_EQ(jsonString("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xA5"),
            "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x8E\xA5\"");
}

TEST(JsonLogTest, ReplacesInvalidUtf8) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"\xC3", "\"\\ufffd\""},                                   // truncated sequence
      {"\xC3(", "\"\\ufffd(\""},                                 // bad continuation
      {"\xC0\xAF", "\"\\ufffd\\ufffd\""},                        // overlong '/'
      {"\xED\xA0\x80", "\"\\ufffd\\ufffd\\ufffd\""},             // surrogate
      {"\xF4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""},  // above U+10FFFF
      {"\xFF", "\"\\ufffd\""},
  };
  for (const auto& [input, expected] : cases) {
    SCOPED_TRACE(expected);
    EXPECT_EQ(jsonString(input), expected);
  }
}

TEST(JsonLogTest, EveryLineIsOneParsableObjectThatRoundTrips) {
  const std::vector<std::string> texts = {"plain",
                                          "quote \" backslash \\ slash /",
                                          "multi\nline\r\nmessage",
                                          std::string("\0\x7f", 2),
                                          "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x8E\xA5",
                                          "} \"level\":\"fatal\" {",
                                          "\x1b[31mred"};
  for (const auto& text : texts) {
    SCOPED_TRACE(text);
    const std::string line = formatted(text, Poco::Message::PRIO_ERROR);
    EXPECT_EQ(line.find('\n'), std::string::npos);
    const auto object = testing::parseObject(line);
    EXPECT_EQ(object->getValue<std::string>("msg"), text);
    EXPECT_EQ(object->getValue<std::string>("level"), "error");
    EXPECT_EQ(object->getValue<std::string>("source"), "lessonvault.test");
    EXPECT_EQ(object->size(), 4u);
  }
}

TEST(JsonLogTest, NamesEveryLevel) {
  EXPECT_EQ(levelName(Poco::Message::PRIO_FATAL), "fatal");
  EXPECT_EQ(levelName(Poco::Message::PRIO_CRITICAL), "critical");
  EXPECT_EQ(levelName(Poco::Message::PRIO_ERROR), "error");
  EXPECT_EQ(levelName(Poco::Message::PRIO_WARNING), "warning");
  EXPECT_EQ(levelName(Poco::Message::PRIO_NOTICE), "notice");
  EXPECT_EQ(levelName(Poco::Message::PRIO_INFORMATION), "info");
  EXPECT_EQ(levelName(Poco::Message::PRIO_DEBUG), "debug");
  EXPECT_EQ(levelName(Poco::Message::PRIO_TRACE), "trace");
}

TEST(JsonLogTest, UnwritableLogFileIsNamed) {
  Config config;
  config.log_file = "/nonexistent-dir/lessonvault.log";
  const auto result = setupLogging(config);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().key, "log.file");
  EXPECT_NE(result.error().message.find("/nonexistent-dir/lessonvault.log"), std::string::npos);
}

}  // namespace
}  // namespace server
