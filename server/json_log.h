// Logging as JSON lines: one object per message, for journald, files or a log shipper,
//   {"ts":"2026-11-22T20:50:01.123Z","level":"info","source":"lessonvault","msg":"..."}
// `ts` is UTC with milliseconds; `source` is the Poco logger name.
#pragma once

#include <expected>
#include <string>
#include <string_view>

#include <Poco/Formatter.h>
#include <Poco/Message.h>

#include "server/config.h"

namespace server {

// A Poco Formatter producing one JSON object without a trailing newline (channels add it).
// Stateless, so one instance may serve every thread.
class JsonLogFormatter : public Poco::Formatter {
 public:
  void format(const Poco::Message& message, std::string& text) override;
};

// The short level name written in `level`: fatal, critical, error, warning, notice, info,
// debug, trace.
std::string_view levelName(Poco::Message::Priority priority);

// Sends every Poco logger (existing and future) through JsonLogFormatter to config.log_file,
// or to standard output when it is empty, at config.log_level. The file is opened here, so
// an unwritable log.file is reported as an error naming that key and logging is left as it
// was. Call once at start-up, before threads that log are started.
std::expected<void, ConfigError> setupLogging(const Config& config);

}  // namespace server
