// Random 128-bit identifiers for recordings, objects, uploads and keys. Their
// hex form is the only thing that ever becomes part of a file name.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "storage/error.h"

namespace storage {

class Id {
 public:
  static constexpr std::size_t kSize = 16;

  static Result<Id> random();
  // Accepts exactly 32 lowercase hex digits; anything else (paths, dots,
  // slashes, upper case) is rejected, so a parsed Id is always a safe name.
  static std::optional<Id> parse(std::string_view hex);
  static Id fromBytes(const std::array<std::uint8_t, kSize>& bytes) { return Id(bytes); }

  std::string hex() const;
  const std::array<std::uint8_t, kSize>& bytes() const { return bytes_; }

  friend bool operator==(const Id&, const Id&) = default;

 private:
  explicit Id(const std::array<std::uint8_t, kSize>& bytes) : bytes_(bytes) {}
  std::array<std::uint8_t, kSize> bytes_;
};

}  // namespace storage
