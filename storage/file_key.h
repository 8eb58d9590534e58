// The per-file key both encrypted formats use: HKDF-SHA256 of the recording's
// data key, with the file's random salt and info = format label || file id,
// so that no two files (or formats) ever share a key.
#pragma once

#include <string_view>

#include "storage/crypto.h"
#include "storage/ids.h"

namespace storage {

Result<AesGcm> deriveFileAead(const SecretKey& data_key, std::string_view label, Bytes salt,
                              const Id& file_id);

}  // namespace storage
