// storage::Error — what the storage module returns instead of throwing.
//
// Every fallible storage call returns Result<T> (std::expected<T, Error>). The
// code is what callers branch on; the message is for logs and operators and
// never contains key material or plaintext.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace storage {

enum class ErrorCode {
  kInvalidArgument,  // the caller passed something out of contract
  kNotFound,         // no such file, row or key
  kIo,               // the operating system refused a file operation
  kCrypto,           // a crypto library failed (not authentication), or lacks an engine
  kBadMagic,         // not a LessonVault file, or an unsupported version
  kHeaderAuth,       // header failed authentication: tampered, or the wrong key
  kWrongObject,      // a valid header that belongs to another object or upload
  kSegmentAuth,      // a segment failed authentication: tampered, swapped or foreign
  kTruncated,        // the file ends before its final segment
  kKeyFile,          // a master key file is missing, malformed or too permissive
  kKeyUnwrap,        // a wrapped data key does not open under its master key
  kDatabase,         // SQLite failed
  kConstraint,       // SQLite refused a write that breaks a constraint
  kBusy,             // SQLite could not get a lock in time
  kLimit,            // a size or count limit was reached
};

std::string_view errorCodeName(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;

  // "segment_auth: segment 3 of 5 failed authentication"
  std::string toString() const;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline std::unexpected<Error> fail(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}

// Returns the error of a failed Result/Status from the enclosing function.
#define LV_TRY(expr)                                             \
  do {                                                           \
    if (auto lv_try_status_ = (expr); !lv_try_status_) {         \
      return std::unexpected(std::move(lv_try_status_).error()); \
    }                                                            \
  } while (0)

}  // namespace storage
