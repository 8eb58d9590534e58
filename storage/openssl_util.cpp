#include "storage/openssl_util.h"

#include <cstdio>
#include <string>

#include <openssl/err.h>

namespace storage::internal {

Error opensslError(std::string_view what) {
  std::string message(what);
  const char* file = nullptr;
  int line = 0;
  const char* func = nullptr;
  const char* data = nullptr;
  int flags = 0;
  bool first = true;
  while (unsigned long code = ERR_get_error_all(&file, &line, &func, &data, &flags)) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    message += first ? ": " : "; ";
    message += text;
    if ((flags & ERR_TXT_STRING) && data != nullptr && *data != '\0') {
      message += " (";
      message += data;
      message += ")";
    }
    first = false;
  }
  return Error{ErrorCode::kCrypto, std::move(message)};
}

const EVP_CIPHER* aes256Gcm() {
  // Never freed: it lives as long as the process, like the provider it came from.
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

}  // namespace storage::internal
