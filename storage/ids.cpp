#include "storage/ids.h"

#include "storage/crypto.h"
#include "storage/hex.h"

namespace storage {

Result<Id> Id::random() {
  std::array<std::uint8_t, kSize> bytes{};
  LV_TRY(randomBytes(bytes));
  return Id(bytes);
}

std::optional<Id> Id::parse(std::string_view hex) {
  std::array<std::uint8_t, kSize> bytes{};
  if (!fromHex(hex, bytes)) return std::nullopt;
  return Id(bytes);
}

std::string Id::hex() const { return toHex(bytes_); }

}  // namespace storage
