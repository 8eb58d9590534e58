// Internal to server/auth_*.cpp: small helpers the login side (auth_service.cpp) and the
// account side (auth_accounts.cpp) of AuthService share. Not for other files.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "acl/people.h"
#include "server/auth_crypto.h"
#include "server/http_error.h"
#include "storage/error.h"

namespace server::auth_detail {

using Poco::Net::HTTPResponse;

constexpr int kRecoveryCodes = 10;

inline void check(const storage::Status& status, std::string_view what) {
  if (!status) throw std::runtime_error(std::string(what) + ": " + status.error().toString());
}

template <typename T>
T value(storage::Result<T>&& result, std::string_view what) {
  if (!result) throw std::runtime_error(std::string(what) + ": " + result.error().toString());
  return std::move(*result);
}

inline HttpError invalidCredentials() {
  return HttpError(HTTPResponse::HTTP_UNAUTHORIZED, "invalid_credentials",
                   "The username or password is wrong.");
}

inline std::string lowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

inline bool isAccountId(std::string_view id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

inline acl::Date utcDate(std::int64_t now) {
  return acl::Date{std::chrono::floor<std::chrono::days>(
      std::chrono::sys_seconds{std::chrono::seconds{now}})};
}

inline storage::TokenHash recoveryHash(std::string_view account, std::string_view code) {
  return sha256(std::string(account) + ":" + std::string(code));
}

}  // namespace server::auth_detail
