// The tus 1.0 wire details the upload routes share: the version header, the
// numeric headers, Upload-Metadata's recording_id, Upload-Expires dates, and
// the checksum extension (sha1, sha256). Each bad header is an HttpError
// naming it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <openssl/types.h>

#include "server/http_error.h"
#include "storage/ids.h"

namespace server {

inline constexpr std::string_view kTusVersion = "1.0.0";

// An error with a status Poco has no name for (423, 460) as well as the usual ones.
HttpError tusError(int status, std::string code, std::string message);

// Tus-Resumable on every response.
void setTusHeaders(Poco::Net::HTTPServerResponse& response);

// 412 unsupported_tus_version (with Tus-Version) unless Tus-Resumable is 1.0.0.
void requireTusVersion(const Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response);

// A header holding a non-negative decimal integer; 400 invalid_header otherwise.
std::uint64_t headerNumber(const Poco::Net::HTTPServerRequest& request, const std::string& name);

// recording_id from Upload-Metadata ("key base64,key base64"); other keys are
// read past and never kept. 400 missing_recording_id, or 404 for a bad id.
storage::Id metadataRecording(const Poco::Net::HTTPServerRequest& request);

// RFC 7231 date, as Upload-Expires carries it.
std::string httpDate(std::int64_t unix_seconds);

struct Checksum {
  const EVP_MD* md;
  std::string expected;  // the raw digest
};

// Upload-Checksum, if sent: 400 unsupported_checksum or invalid_header when malformed.
std::optional<Checksum> requestChecksum(const Poco::Net::HTTPServerRequest& request);

// Whether `data` has the expected digest (compared in constant time).
bool checksumMatches(const Checksum& checksum, const std::string& data);

}  // namespace server
