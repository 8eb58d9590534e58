#include "storage/error.h"

namespace storage {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kCrypto:
      return "crypto";
    case ErrorCode::kBadMagic:
      return "bad_magic";
    case ErrorCode::kHeaderAuth:
      return "header_auth";
    case ErrorCode::kWrongObject:
      return "wrong_object";
    case ErrorCode::kSegmentAuth:
      return "segment_auth";
    case ErrorCode::kTruncated:
      return "truncated";
    case ErrorCode::kKeyFile:
      return "key_file";
    case ErrorCode::kKeyUnwrap:
      return "key_unwrap";
    case ErrorCode::kDatabase:
      return "database";
    case ErrorCode::kConstraint:
      return "constraint";
    case ErrorCode::kBusy:
      return "busy";
    case ErrorCode::kLimit:
      return "limit";
  }
  return "unknown";
}

std::string Error::toString() const {
  std::string out(errorCodeName(code));
  out += ": ";
  out += message;
  return out;
}

}  // namespace storage
