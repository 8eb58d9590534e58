#include "server/json_log.h"

#include <iostream>

#include <Poco/AutoPtr.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/StreamChannel.h>

#include "server/json_escape.h"

namespace server {

std::string_view levelName(Poco::Message::Priority priority) {
  switch (priority) {
    case Poco::Message::PRIO_FATAL:
      return "fatal";
    case Poco::Message::PRIO_CRITICAL:
      return "critical";
    case Poco::Message::PRIO_ERROR:
      return "error";
    case Poco::Message::PRIO_WARNING:
      return "warning";
    case Poco::Message::PRIO_NOTICE:
      return "notice";
    case Poco::Message::PRIO_INFORMATION:
      return "info";
    case Poco::Message::PRIO_DEBUG:
      return "debug";
    case Poco::Message::PRIO_TRACE:
      return "trace";
  }
  return "unknown";
}

void JsonLogFormatter::format(const Poco::Message& message, std::string& text) {
  text += "{\"ts\":\"";
  text += Poco::DateTimeFormatter::format(message.getTime(), "%Y-%m-%dT%H:%M:%S.%iZ");
  text += "\",\"level\":";
  appendJsonString(text, levelName(message.getPriority()));
  text += ",\"source\":";
  appendJsonString(text, message.getSource());
  text += ",\"msg\":";
  appendJsonString(text, message.getText());
  text += '}';
}

std::expected<void, ConfigError> setupLogging(const Config& config) {
  Poco::AutoPtr<Poco::Channel> sink;
  if (config.log_file.empty()) {
    // StreamChannel ends each line with std::endl, so lines reach a pipe as they are written.
    sink = new Poco::StreamChannel(std::cout);
  } else {
    Poco::AutoPtr<Poco::FileChannel> file = new Poco::FileChannel(config.log_file);
    try {
      file->open();
    } catch (const Poco::Exception& e) {
      return std::unexpected(ConfigError{
          "log.file", "cannot open \"" + config.log_file + "\" for writing: " + e.displayText()});
    }
    sink = file;
  }
  Poco::AutoPtr<Poco::Formatter> formatter = new JsonLogFormatter;
  Poco::AutoPtr<Poco::Channel> channel = new Poco::FormattingChannel(formatter, sink);
  // The name "" addresses the root logger and every logger already created from it.
  Poco::Logger::setChannel("", channel);
  Poco::Logger::setLevel("", Poco::Logger::parseLevel(config.log_level));
  return {};
}

}  // namespace server
