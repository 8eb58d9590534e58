#include "server/web_assets.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <openssl/sha.h>

namespace server {
namespace {

namespace fs = std::filesystem;

constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kTypes{{
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".html", "text/html; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json; charset=utf-8"},
    {".txt", "text/plain; charset=utf-8"},
}};

bool plainName(std::string_view name) {
  return !name.empty() && name.front() != '.' && name.size() <= 100 &&
         std::ranges::all_of(name, [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                  c == '-';
         });
}

std::string_view contentType(std::string_view name) {
  for (const auto& [extension, type] : kTypes) {
    if (name.ends_with(extension)) return type;
  }
  return {};
}

std::string etagOf(const std::string& body) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag = "\"";
  for (std::size_t i = 0; i < 12; ++i) {
    tag += kHex[digest[i] >> 4];
    tag += kHex[digest[i] & 0xf];
  }
  return tag + "\"";
}

std::expected<std::string, std::string> readAll(const fs::path& path, std::size_t budget) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return std::unexpected(path.string() + ": " + ec.message());
  if (size > budget) return std::unexpected(path.string() + ": the web app exceeds 32 MiB");
  std::ifstream in(path, std::ios::binary);
  std::string body{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (!in && !in.eof()) return std::unexpected(path.string() + ": cannot be read");
  return body;
}

}  // namespace

std::expected<WebAssets, std::string> WebAssets::load(const std::string& web_root) {
  WebAssets web;
  std::size_t budget = kMaxTotalBytes;
  auto index = readAll(fs::path(web_root) / "index.html", budget);
  if (!index) return std::unexpected(index.error());
  budget -= index->size();
  web.index_ = {std::move(*index), "text/html; charset=utf-8", ""};
  web.index_.etag = etagOf(web.index_.body);

  std::error_code ec;
  for (fs::directory_iterator it(fs::path(web_root) / "assets", ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::string_view type = contentType(name);
    // symlink_status: a link is refused, not followed (it could point anywhere).
    if (!std::filesystem::is_regular_file(it->symlink_status()) || !plainName(name) ||
        type.empty()) {
      return std::unexpected(it->path().string() +
                             ": not a plain file with a known extension in assets/");
    }
    if (web.assets_.size() == kMaxFiles) {
      return std::unexpected(web_root + "/assets: more than 256 files");
    }
    auto body = readAll(it->path(), budget);
    if (!body) return std::unexpected(body.error());
    budget -= body->size();
    WebAsset asset{std::move(*body), std::string(type), ""};
    asset.etag = etagOf(asset.body);
    web.assets_.emplace(name, std::move(asset));
  }
  if (ec) return std::unexpected(web_root + "/assets: " + ec.message());
  return web;
}

const WebAsset* WebAssets::asset(std::string_view name) const {
  const auto it = assets_.find(name);
  return it == assets_.end() ? nullptr : &it->second;
}

}  // namespace server
