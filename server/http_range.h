// The Range header of a GET on a stored object (RFC 9110 §14), reduced to what a
// player and a download tool send: one byte range, explicit ("bytes=a-b"),
// open-ended ("bytes=a-") or a suffix ("bytes=-n").
#pragma once

#include <cstdint>
#include <string_view>

namespace server {

struct ByteRange {
  enum class Kind {
    kWhole,          // no Range header, or one the server may ignore: 200 with every byte
    kPartial,        // 206 with bytes [first, last]
    kUnsatisfiable,  // 416 with Content-Range: bytes */size
  };
  Kind kind = Kind::kWhole;
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive; only for kPartial

  std::uint64_t length() const { return last - first + 1; }
};

// Interprets `header` (the Range value, possibly empty) for an object of `size`
// bytes. A malformed header, another unit, or several ranges are ignored (the
// whole object is sent, as RFC 9110 allows): answering multipart/byteranges
// would buy players nothing. A last byte past the end is clipped to the end; a
// first byte at or past it, or a zero-length suffix, is unsatisfiable.
ByteRange parseRange(std::string_view header, std::uint64_t size);

}  // namespace server
