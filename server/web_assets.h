// The web app's static files (index.html and assets/*), read once at start-up from
// server.web_root into memory and served from there: a request names a file only by
// looking it up in this table, so no path from a client ever reaches the file system.
//
// Layout of web_root: index.html, and assets/ holding flat files (no subfolders) named
// [a-z0-9._-]+ with a known extension (.js .css .svg .png .ico .json .txt). Bounded: at most
// kMaxFiles files and kMaxTotalBytes in all, so a wrong web_root cannot fill memory.
#pragma once

#include <cstddef>
#include <expected>
#include <map>
#include <string>
#include <string_view>

namespace server {

struct WebAsset {
  std::string body;
  std::string content_type;
  std::string etag;  // a strong validator: "\"" + hex of the SHA-256 prefix + "\""
};

class WebAssets {
 public:
  static constexpr std::size_t kMaxFiles = 256;
  static constexpr std::size_t kMaxTotalBytes = 32u << 20;

  // Reads `web_root`; an error message names the file or the limit that failed.
  static std::expected<WebAssets, std::string> load(const std::string& web_root);

  // The page served at "/".
  const WebAsset& index() const { return index_; }
  // The file assets/<name>; null for any other name. Thread-safe (read-only after load).
  const WebAsset* asset(std::string_view name) const;
  std::size_t size() const { return assets_.size(); }

 private:
  WebAsset index_;
  std::map<std::string, WebAsset, std::less<>> assets_;
};

}  // namespace server
