// JSON string literals for log lines and response bodies: one escaping routine, so nothing the
// server writes can break out of a string, whatever bytes a client or an exception supplied.
#pragma once

#include <string>
#include <string_view>

namespace server {

// Appends `text` to `out` as a quoted JSON string. Quotes, backslashes and control characters
// are escaped; valid UTF-8 passes through unchanged; each byte that is not part of a valid
// UTF-8 sequence becomes U+FFFD, so the result is always valid JSON.
void appendJsonString(std::string& out, std::string_view text);

// appendJsonString into a fresh string.
std::string jsonString(std::string_view text);

}  // namespace server
