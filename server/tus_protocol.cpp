#include "server/tus_protocol.h"

#include <array>
#include <charconv>
#include <sstream>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <Poco/Base64Decoder.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/Exception.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include "server/api.h"

namespace server {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::size_t kMaxMetadataBytes = 4096;

std::string base64Decode(const std::string& text) {
  std::istringstream in(text);
  Poco::Base64Decoder decoder(in);
  std::string out;
  char c = 0;
  try {
    while (decoder.get(c)) {
      out.push_back(c);
      if (out.size() > kMaxMetadataBytes) break;
    }
  } catch (const Poco::Exception&) {
    throw tusError(400, "invalid_header", "A header holds malformed base64.");
  }
  return out;
}

}  // namespace


HttpError tusError(int status, std::string code, std::string message) {
  return HttpError(static_cast<HTTPResponse::HTTPStatus>(status), std::move(code),
                   std::move(message));
}

void setTusHeaders(HTTPServerResponse& response) {
  response.set("Tus-Resumable", std::string(kTusVersion));
}

void requireTusVersion(const HTTPServerRequest& request, HTTPServerResponse& response) {
  if (request.get("Tus-Resumable", "") != kTusVersion) {
    response.set("Tus-Version", std::string(kTusVersion));
    throw tusError(412, "unsupported_tus_version", "This server speaks tus 1.0.0 only.");
  }
}

std::uint64_t headerNumber(const HTTPServerRequest& request, const std::string& name) {
  const std::string text = request.get(name, "");
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || text.size() > 19 || ec != std::errc{} || end != text.data() + text.size()) {
    throw tusError(400, "invalid_header", name + " must be a non-negative integer.");
  }
  return value;
}

// The recording id from Upload-Metadata ("key base64,key base64"). Other
// keys (filename, filetype) are read past and never stored.
storage::Id metadataRecording(const HTTPServerRequest& request) {
  const std::string metadata = request.get("Upload-Metadata", "");
  if (metadata.size() > kMaxMetadataBytes) {
    throw tusError(400, "invalid_metadata", "Upload-Metadata is too long.");
  }
  std::istringstream pairs(metadata);
  std::string pair;
  while (std::getline(pairs, pair, ',')) {
    while (!pair.empty() && pair.front() == ' ') pair.erase(0, 1);
    const auto space = pair.find(' ');
    if (pair.substr(0, space) != "recording_id") continue;
    const std::string value = space == std::string::npos ? "" : base64Decode(pair.substr(space + 1));
    if (auto id = storage::Id::parse(value)) return *id;
    throw recordingNotFound();
  }
  throw tusError(400, "missing_recording_id",
                 "Upload-Metadata must carry recording_id (base64), as returned on creation.");
}

std::string httpDate(std::int64_t unix_seconds) {
  return Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(unix_seconds),
                                         Poco::DateTimeFormat::HTTP_FORMAT);
}

std::optional<Checksum> requestChecksum(const HTTPServerRequest& request) {
  const std::string header = request.get("Upload-Checksum", "");
  if (header.empty()) return std::nullopt;
  const auto space = header.find(' ');
  const std::string algorithm = header.substr(0, space);
  const EVP_MD* md = algorithm == "sha1" ? EVP_sha1() : algorithm == "sha256" ? EVP_sha256() : nullptr;
  if (md == nullptr) {
    throw tusError(400, "unsupported_checksum", "Upload-Checksum supports sha1 and sha256.");
  }
  if (space == std::string::npos) {
    throw tusError(400, "invalid_header", "Upload-Checksum is \"algorithm base64-digest\".");
  }
  std::string digest = base64Decode(header.substr(space + 1));
  if (digest.size() != static_cast<std::size_t>(EVP_MD_get_size(md))) {
    throw tusError(400, "invalid_header", "Upload-Checksum's digest has the wrong length.");
  }
  return Checksum{md, std::move(digest)};
}

bool checksumMatches(const Checksum& checksum, const std::string& data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &size, checksum.md, nullptr) != 1) {
    throw std::runtime_error("EVP_Digest failed");
  }
  return size == checksum.expected.size() &&
         CRYPTO_memcmp(digest.data(), checksum.expected.data(), size) == 0;
}

}  // namespace server
