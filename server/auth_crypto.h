// The small primitives of the auth service: SHA-256 for session tokens and
// recovery codes (stored only hashed), random hex tokens from OpenSSL's CSPRNG,
// and a constant-time comparison for secrets a client sends.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "storage/accounts.h"

namespace server {

storage::TokenHash sha256(std::string_view data);

// `bytes` random bytes (RAND_bytes) as 2 * bytes lowercase hex digits.
// Throws std::runtime_error if the CSPRNG fails.
std::string randomHex(std::size_t bytes);

// Equal in length and content; the time taken depends only on the lengths.
bool constantTimeEquals(std::string_view a, std::string_view b);

// Wipes a string holding a secret (a password, a token) before it is freed.
void wipe(std::string& secret);

}  // namespace server
