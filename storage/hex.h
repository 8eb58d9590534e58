// Lowercase hex for ids and key files.
#pragma once

#include <string>
#include <string_view>

#include "storage/crypto.h"

namespace storage {

std::string toHex(Bytes bytes);
// Decodes exactly 2 * out.size() lowercase hex digits; false on anything else.
bool fromHex(std::string_view hex, MutableBytes out);

}  // namespace storage
