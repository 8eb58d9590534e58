// The two byte interfaces media reads and writes through. media never sees a
// file or a key: storage implements these over its encrypted formats and the
// server wires the two together.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace media {

// Random-access input (an upload being ingested). Implementations report
// errors by returning false; they never throw, because libav calls through
// them from C.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::uint64_t size() const = 0;
  // Fills `out` from `offset`; the range lies within size().
  virtual bool readAt(std::uint64_t offset, std::span<std::uint8_t> out) noexcept = 0;
};

// Sequential output (the playable fMP4, the poster). Same error convention.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual bool write(std::span<const std::uint8_t> data) noexcept = 0;
};

}  // namespace media
