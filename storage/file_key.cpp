#include "storage/file_key.h"

#include <cstring>
#include <vector>

namespace storage {

Result<AesGcm> deriveFileAead(const SecretKey& data_key, std::string_view label, Bytes salt,
                              const Id& file_id) {
  std::vector<std::uint8_t> info(label.size() + Id::kSize);
  std::memcpy(info.data(), label.data(), label.size());
  std::memcpy(info.data() + label.size(), file_id.bytes().data(), Id::kSize);
  auto file_key = hkdfSha256(data_key, salt, info);
  if (!file_key) return std::unexpected(file_key.error());
  return AesGcm::create(*file_key);
}

}  // namespace storage
