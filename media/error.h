// media::Error — what the media module returns instead of throwing. libav
// calls our I/O callbacks from C, so nothing here may throw through it.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace media {

enum class ErrorCode {
  kNotMedia,          // not a recording we accept (text, image, playlist, unknown container)
  kNoStreams,         // neither audio nor video
  kUnsupportedCodec,  // a codec outside the allowlist (named in the message)
  kTooLong,           // duration over the configured limit
  kTooLarge,          // resolution over the configured limit
  kTooManyStreams,
  kCorrupt,    // damaged data (roughly where, in the message)
  kTruncated,  // the file ends early
  kIo,         // the byte source failed
  kTimeout,    // the work took longer than its deadline
  kInternal,   // libav failed for a reason that is not the file's fault
};

// Stable snake_case names ("unsupported_codec"), for the service's API errors.
std::string_view errorCodeName(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
  std::string toString() const;
};

template <typename T>
using Result = std::expected<T, Error>;

using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

// Returns the error of a failed Result/Status from the enclosing function.
#define LV_MEDIA_TRY(expr)                                      \
  do {                                                          \
    if (auto lv_media_try_ = (expr); !lv_media_try_) {          \
      return std::unexpected(std::move(lv_media_try_).error()); \
    }                                                           \
  } while (0)

}  // namespace media
