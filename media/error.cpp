#include "media/error.h"

namespace media {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotMedia:
      return "not_media";
    case ErrorCode::kNoStreams:
      return "no_streams";
    case ErrorCode::kUnsupportedCodec:
      return "unsupported_codec";
    case ErrorCode::kTooLong:
      return "too_long";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kTooManyStreams:
      return "too_many_streams";
    case ErrorCode::kCorrupt:
      return "corrupt";
    case ErrorCode::kTruncated:
      return "truncated";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

std::string Error::toString() const { return std::string(errorCodeName(code)) + ": " + message; }

}  // namespace media
