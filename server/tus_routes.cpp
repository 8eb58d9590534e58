// tus 1.0 at /files: core, creation, creation-with-upload, termination,
// expiration and checksum (sha1, sha256). See tus_uploads.h for concurrent
// PATCHes and docs/server-tus.md for what this server decides where tus lets it.
#include <array>

#include "server/api.h"
#include "server/ingest_queue.h"
#include "server/metrics.h"
#include "server/routes.h"
#include "server/tus_protocol.h"
#include "server/tus_uploads.h"
#include "storage/recording_queries.h"
#include "storage/uploads_repo.h"
#include "storage/vault.h"

namespace server {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::size_t kReadSize = 64 * 1024;
constexpr std::size_t kAppendSize = 4 * 1024 * 1024;  // one fsync per 4 MiB

class TusRoutes {
 public:
  explicit TusRoutes(Services services) : s_(std::move(services)) {}

  void options(HTTPServerRequest&, HTTPServerResponse& response) {
    setTusHeaders(response);
    response.set("Tus-Version", std::string(kTusVersion));
    response.set("Tus-Extension",
                 "creation,creation-with-upload,termination,expiration,checksum");
    response.set("Tus-Max-Size", std::to_string(s_.uploads.max_bytes));
    response.set("Tus-Checksum-Algorithm", "sha1,sha256");
    sendNoContent(response);
  }

  void create(HTTPServerRequest& request, HTTPServerResponse& response) {
    const Principal who = begin(request, response);
    if (request.has("Upload-Defer-Length")) {
      throw tusError(400, "length_required", "Send Upload-Length; deferred lengths are not supported.");
    }
    const std::uint64_t length = headerNumber(request, "Upload-Length");
    if (length == 0) {
      throw tusError(400, "empty_upload", "The file is empty: choose the recording's file.");
    }
    const storage::Id recording = metadataRecording(request);
    if (length > s_.uploads.max_bytes) {
      throw tusError(413, "upload_too_large",
                     "The file is larger than this server accepts (" +
                         std::to_string(s_.uploads.max_bytes) + " bytes).");
    }
    const std::int64_t now = s_.now();
    const acl::Date today = s_.clock->today();
    reopenIfFailed(recording, who, now);
    requireAllowed(who, recording, today, now);
    std::uint64_t stored = 0;
    std::vector<storage::Id> stale;
    unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
      auto bytes = storage::storedBytesOf(db, who.person);
      if (!bytes) return std::unexpected(bytes.error());
      stored = *bytes;
      auto open = storage::openUploadsOf(db, recording);
      if (!open) return std::unexpected(open.error());
      stale = std::move(*open);
      return {};
    }));
    // One upload per recording: a client that lost its stored URL starts over,
    // and the earlier attempt's bytes go (they no longer count to the quota).
    for (const storage::Id& old : stale) {
      s_.upload_registry->forget(old);
      unwrap(s_.vault->removeUpload(old));
    }
    if (!stale.empty()) {
      unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
        auto bytes = storage::storedBytesOf(db, who.person);
        if (!bytes) return std::unexpected(bytes.error());
        stored = *bytes;
        return {};
      }));
    }
    if (stored + length > s_.uploads.quota_bytes) {
      throw tusError(413, "quota_exceeded",
                     "This upload would take you over your storage quota; let older "
                     "recordings end first or ask the school's administrator.");
    }
    const storage::Id upload =
        unwrap(s_.vault->createUpload(recording, length, now, std::to_string(who.person)));
    const std::int64_t expires = now + s_.uploads.expire_s;
    unwrap(storage::setUploadExpiry(*s_.vault, upload, expires));
    response.set("Location", "/files/" + upload.hex());
    response.set("Upload-Expires", httpDate(expires));
    std::uint64_t offset = 0;
    if (request.getContentType() == "application/offset+octet-stream") {
      offset = appendBody(request, response, who, upload, recording, length, 0);
    }
    response.set("Upload-Offset", std::to_string(offset));
    sendEmpty(response, HTTPResponse::HTTP_CREATED);
  }

  void head(HTTPServerRequest& request, HTTPServerResponse& response, const PathParams& params) {
    const Principal who = begin(request, response);
    const storage::UploadRow row = ownUpload(who, params, /*complete_ok=*/true);
    const std::uint64_t offset =
        row.completed ? row.length : unwrap(s_.upload_registry->offset(row.id));
    // Every byte durable but the upload not marked complete: the server died
    // between the last append and its bookkeeping. A client that sees the full
    // offset sends nothing more, so finish here.
    if (!row.completed && offset == row.length) finish(who, row.id, row.recording, row.length);
    response.set("Upload-Offset", std::to_string(offset));
    response.set("Upload-Length", std::to_string(row.length));
    response.set("Upload-Expires", httpDate(row.expires_at));
    response.set("Cache-Control", "no-store");
    sendEmpty(response, HTTPResponse::HTTP_OK);
  }

  void patch(HTTPServerRequest& request, HTTPServerResponse& response, const PathParams& params) {
    const Principal who = begin(request, response);
    if (request.getContentType() != "application/offset+octet-stream") {
      throw tusError(415, "unsupported_media_type",
                     "PATCH bodies must be application/offset+octet-stream.");
    }
    const storage::UploadRow row = ownUpload(who, params);
    const std::uint64_t claimed = headerNumber(request, "Upload-Offset");
    const std::uint64_t offset =
        appendBody(request, response, who, row.id, row.recording, row.length, claimed);
    response.set("Upload-Offset", std::to_string(offset));
    response.set("Upload-Expires", httpDate(row.expires_at));
    sendNoContent(response);
  }

  void terminate(HTTPServerRequest& request, HTTPServerResponse& response,
                 const PathParams& params) {
    const Principal who = begin(request, response);
    const storage::UploadRow row = ownUpload(who, params);
    s_.upload_registry->forget(row.id);
    unwrap(s_.vault->removeUpload(row.id));
    unwrap(s_.vault->audit(
        {s_.now(), std::to_string(who.person), "terminate_upload", row.recording.hex(), "done", ""}));
    sendNoContent(response);
  }

 private:
  // Every tus request but OPTIONS: the headers, the caller, the version.
  Principal begin(HTTPServerRequest& request, HTTPServerResponse& response) {
    setTusHeaders(response);
    const Principal who = uploadsCaller(s_, request);
    requireTusVersion(request, response);
    return who;
  }

  static void sendEmpty(HTTPServerResponse& response, HTTPResponse::HTTPStatus status) {
    response.setStatusAndReason(status);
    response.setContentLength64(0);
    response.send();
  }

  void reopenIfFailed(const storage::Id& recording, const Principal& who, std::int64_t now) {
    auto status = s_.vault->status(recording);
    if (status && *status == storage::RecordingStatus::kFailed) {
      // Only the owner's own failed recording reopens; anything else stays as
      // it is and the decision below answers 404.
      (void)storage::reopenFailedRecording(*s_.vault, recording, who.person, now);
    }
  }

  void requireAllowed(const Principal& who, const storage::Id& recording, acl::Date today,
                      std::int64_t now) {
    const acl::Decision decision = unwrap(
        storage::checkAccess(*s_.vault, who.person, acl::Action::kUpload, recording, today, now));
    if (decision.allowed()) return;
    // Only the owner gets this far in acl's upload rule: tell them plainly
    // (a client that missed the last answer must not start over).
    if (decision.reason == acl::Reason::kDeniedNotUploading) {
      throw tusError(409, "already_uploaded",
                     "This recording already has its file; it is being processed or is ready.");
    }
    throw recordingNotFound();
  }

  // The upload named in the path, if it is the caller's and still open;
  // otherwise the same 404 (unknown and forbidden alike), or 410 once expired.
  // With `complete_ok` (HEAD), a completed upload whose ingest has not yet
  // consumed it answers too, at its full length, as tus expects.
  storage::UploadRow ownUpload(const Principal& who, const PathParams& params,
                               bool complete_ok = false) {
    const storage::Id id = recordingIdParam(params, "upload");
    std::optional<storage::UploadRow> row;
    unwrap(s_.vault->read([&](storage::Database& db) -> storage::Status {
      auto found = storage::findUpload(db, id);
      if (!found) return std::unexpected(found.error());
      row = *found;
      return {};
    }));
    if (!row || (row->completed && !complete_ok)) throw recordingNotFound();
    const std::int64_t now = s_.now();
    // A consumed upload is remembered until then; the sweep forgets it later.
    if (row->consumed && row->expires_at < now) throw recordingNotFound();
    if (row->completed) {
      const acl::Decision decision = unwrap(storage::checkAccess(
          *s_.vault, who.person, acl::Action::kUpload, row->recording, s_.clock->today(), now));
      // Allowed, or refused only because the file is in: the owner.
      if (!decision.allowed() && decision.reason != acl::Reason::kDeniedNotUploading) {
        throw recordingNotFound();
      }
      return *row;
    }
    requireAllowed(who, row->recording, s_.clock->today(), now);
    if (row->expires_at != 0 && row->expires_at < now) {
      throw tusError(410, "upload_expired", "This upload expired; start it again.");
    }
    return *row;
  }

  // Appends the request body at `claimed` and returns the durable offset.
  std::uint64_t appendBody(HTTPServerRequest& request, HTTPServerResponse& response,
                           const Principal& who, const storage::Id& upload,
                           const storage::Id& recording, std::uint64_t length,
                           std::uint64_t claimed) {
    const auto checksum = requestChecksum(request);
    auto lease = unwrap(s_.upload_registry->acquire(upload));
    if (!lease) {
      throw tusError(423, "upload_locked", "Another request is writing this upload right now.");
    }
    std::uint64_t offset = lease->offset();
    if (claimed != offset) {
      response.set("Upload-Offset", std::to_string(offset));
      throw tusError(409, "offset_mismatch",
                     "Upload-Offset is " + std::to_string(claimed) + " but the server has " +
                         std::to_string(offset) + " bytes; resume from there.");
    }
    const std::uint64_t room = length - offset;
    if (request.hasContentLength() &&
        static_cast<std::uint64_t>(request.getContentLength64()) > room) {
      throw tusError(413, "exceeds_upload_length", "The body runs past Upload-Length.");
    }
    if (checksum && request.hasContentLength() &&
        static_cast<std::uint64_t>(request.getContentLength64()) > s_.uploads.checksum_max_bytes) {
      throw chunkTooLarge();
    }
    std::string buffer;
    std::istream& in = request.stream();
    std::array<char, kReadSize> chunk{};
    std::uint64_t received = 0;
    bool taken_over = false;
    auto flush = [&] {
      if (buffer.empty() || taken_over) return;
      auto appended = unwrap(lease->append(
          {reinterpret_cast<const std::uint8_t*>(buffer.data()), buffer.size()}));
      if (!appended) {
        taken_over = true;
      } else {
        if (s_.metrics) s_.metrics->addUploadBytes(*appended - offset);
        offset = *appended;
      }
      buffer.clear();
    };
    while (!taken_over && in) {
      in.read(chunk.data(), chunk.size());
      const auto got = static_cast<std::size_t>(in.gcount());
      if (got == 0) break;
      received += got;
      if (received > room) {
        throw tusError(413, "exceeds_upload_length", "The body runs past Upload-Length.");
      }
      lease->touch();
      buffer.append(chunk.data(), got);
      if (checksum && buffer.size() > s_.uploads.checksum_max_bytes) throw chunkTooLarge();
      if (!checksum && buffer.size() >= kAppendSize) flush();
    }
    if (checksum && !checksumMatches(*checksum, buffer)) {
      throw tusError(460, "checksum_mismatch",
                     "The chunk does not match Upload-Checksum; nothing was stored. Send it again.");
    }
    flush();
    if (taken_over) {
      throw tusError(423, "upload_taken_over", "A newer request took over this upload.");
    }
    if (offset == length) finish(who, upload, recording, length);
    return offset;
  }

  HttpError chunkTooLarge() const {
    return tusError(413, "chunk_too_large",
                    "With Upload-Checksum, send chunks of at most " +
                        std::to_string(s_.uploads.checksum_max_bytes) + " bytes.");
  }

  void finish(const Principal& who, const storage::Id& upload, const storage::Id& recording,
              std::uint64_t length) {
    const bool completed = unwrap(
        storage::completeUpload(*s_.vault, upload, recording, s_.now(), std::to_string(who.person)));
    s_.upload_registry->forget(upload);
    // Only the request that completed it queues the ingest: a retried HEAD
    // racing the last PATCH must not ingest twice.
    if (completed) s_.ingest->submit(recording, upload, length);
  }

  Services s_;
};

}  // namespace

void addTusRoutes(Router& router, const Services& services) {
  auto tus = std::make_shared<TusRoutes>(services);
  router.add("OPTIONS", "/files", route([tus](auto& rq, auto& rs, const PathParams&) {
               tus->options(rq, rs);
             }));
  router.add("OPTIONS", "/files/{upload}", route([tus](auto& rq, auto& rs, const PathParams&) {
               tus->options(rq, rs);
             }));
  router.add("POST", "/files", route([tus](auto& rq, auto& rs, const PathParams&) {
               tus->create(rq, rs);
             }));
  router.add("HEAD", "/files/{upload}", route([tus](auto& rq, auto& rs, const PathParams& p) {
               tus->head(rq, rs, p);
             }));
  router.add("PATCH", "/files/{upload}", route([tus](auto& rq, auto& rs, const PathParams& p) {
               tus->patch(rq, rs, p);
             }));
  router.add("DELETE", "/files/{upload}", route([tus](auto& rq, auto& rs, const PathParams& p) {
               tus->terminate(rq, rs, p);
             }));
}

}  // namespace server
