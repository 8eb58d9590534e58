// Playback: the HLS playlist, the fMP4 bytes behind it (Range requests) and the
// poster. Every request is decided by the policy at that moment, so revoking a
// grant stops the next fragment; only the start of a viewing session is
// audited (view_tracker.h). Responses stream from the decrypting reader: a
// range reads and decrypts only the segments it covers, and memory does not
// grow with its length. There is no download route and no Content-Disposition.
#include <array>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <ostream>
#include <stdexcept>
#include <sys/socket.h>

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>

#include "media/hls.h"
#include "server/api.h"
#include "server/http_range.h"
#include "server/metrics.h"
#include "server/routes.h"
#include "server/view_tracker.h"
#include "storage/recording_queries.h"
#include "storage/vault.h"

namespace server {
namespace {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::size_t kStreamBuffer = 256 * 1024;
// How often a long response asks the policy again (a 1 MiB range never does).
constexpr std::uint64_t kRecheckBytes = 8 << 20;

// Poco's response stream passes the socket 4 KiB at a time (HTTPBufferAllocator), one
// send() each: 256 system calls per MiB, which bounded serving at well under 1 GB/s.
// The body goes to the connection's socket in whole buffers instead; status line and
// headers have already been written by response.send(). Without a socket (a request
// object that is not Poco's own), the stream is used.
class BodyWriter {
 public:
  BodyWriter(HTTPServerRequest& request, std::ostream& out) : out_(out) {
    if (auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request)) {
      socket_ = &impl->socket();
      cork(true);
      out_.flush();
    }
  }
  ~BodyWriter() {
    if (socket_ != nullptr) cork(false);
  }
  BodyWriter(const BodyWriter&) = delete;
  BodyWriter& operator=(const BodyWriter&) = delete;

  bool good() const { return out_.good(); }

  // Throws on a broken connection (Poco::Exception) or sets the stream's failbit.
  void write(const std::uint8_t* data, std::size_t n) {
    if (socket_ == nullptr) {
      out_.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n));
      return;
    }
    while (n > 0) {
      const int sent = socket_->sendBytes(data, static_cast<int>(n));
      if (sent <= 0) throw std::runtime_error("the client stopped receiving");
      data += sent;
      n -= static_cast<std::size_t>(sent);
    }
  }

 private:
  // Corked while the body goes out, the kernel sends only full segments: the
  // headers travel in the body's first one, and a write's partial last segment
  // waits for the next write (a 256 KiB write is four full loopback segments
  // and 212 bytes). With TCP_NODELAY alone each of those was a segment of its
  // own, with an ACK and a wake-up of the client: about six more per MiB.
  // Uncorking sends what is left at once.
  void cork(bool on) noexcept {
    const int value = on ? 1 : 0;
    // A failure costs only segments; the response goes out either way.
    (void)::setsockopt(socket_->impl()->sockfd(), IPPROTO_TCP, TCP_CORK, &value, sizeof value);
  }

  std::ostream& out_;
  Poco::Net::StreamSocket* socket_ = nullptr;
};

class StreamRoutes {
 public:
  explicit StreamRoutes(Services services) : s_(std::move(services)) {}

  void playlist(HTTPServerRequest& request, HTTPServerResponse& response,
                const PathParams& params) {
    const storage::Id recording = allowedRecording(request, params).recording;
    const storage::StoredMedia stored = unwrap(s_.vault->media(recording));
    media::FragmentIndex index;
    index.init_offset = 0;
    index.init_size = stored.init_size;
    for (const auto& f : stored.fragments) index.fragments.push_back({f.duration_s, f.offset, f.size});
    auto text = media::hlsPlaylist(index, "media.mp4");
    if (!text) throw std::runtime_error("playlist: " + text.error().message);
    response.setContentType("application/vnd.apple.mpegurl");
    response.setContentLength64(static_cast<Poco::Int64>(text->size()));
    response.setStatusAndReason(HTTPResponse::HTTP_OK);
    response.sendBuffer(text->data(), text->size());
  }

  void mediaBytes(HTTPServerRequest& request, HTTPServerResponse& response,
                  const PathParams& params) {
    const Viewing viewing = allowedRecording(request, params);
    // Not media(): every Range request would load the whole fragment index.
    sendObject(request, response, unwrap(s_.vault->mediaObject(viewing.recording)), "video/mp4",
               viewing);
  }

  void poster(HTTPServerRequest& request, HTTPServerResponse& response, const PathParams& params) {
    const Viewing viewing = allowedRecording(request, params, /*viewing=*/false);
    const auto object = unwrap(s_.vault->poster(viewing.recording));
    if (!object) {
      throw HttpError(HTTPResponse::HTTP_NOT_FOUND, "no_poster", "This recording has no poster.");
    }
    sendObject(request, response, *object, "image/jpeg", viewing);
  }

 private:
  // The recording in the path if the caller may view its media right now;
  // otherwise 404 (invariant 2). Audits the denial, or the start of a viewing
  // session.
  // `viewing`: false for the poster, which a library page shows for every
  // recording listed and which is no viewing of the lesson.
  struct Viewing {
    storage::Id recording;
    acl::PersonId person;
  };

  Viewing allowedRecording(HTTPServerRequest& request, const PathParams& params,
                           bool viewing = true) {
    const Principal who = recordingsCaller(s_, request);
    const storage::Id recording = recordingIdParam(params);
    const std::int64_t now = s_.now();
    const acl::Decision decision = unwrap(storage::checkAccess(
        *s_.vault, who.person, acl::Action::kViewMedia, recording, s_.clock->today(), now));
    if (!decision.allowed()) throw recordingNotFound();
    if (viewing && s_.views->startsSession(who.person, recording.hex(), now)) {
      const auto audited =
          s_.vault->audit({now, std::to_string(who.person), "view_started", recording.hex(),
                           "allowed", std::string(acl::reasonName(decision.reason))});
      // Not audited, not served: forget the session so the retry audits it.
      if (!audited) s_.views->forget(who.person, recording.hex());
      unwrap(audited);
    }
    return {recording, who.person};
  }

  // Whether the viewer may still see the recording (asked again during a long
  // response, so revoking a grant also ends a stream already under way).
  bool stillAllowed(const Viewing& viewing) {
    const acl::Decision decision =
        unwrap(storage::checkAccess(*s_.vault, viewing.person, acl::Action::kViewMedia,
                                    viewing.recording, s_.clock->today(), s_.now()));
    return decision.allowed();
  }

  void sendObject(HTTPServerRequest& request, HTTPServerResponse& response,
                  const storage::Id& object, const std::string& type, const Viewing& viewing) {
    auto reader = unwrap(s_.vault->openObject(object));
    const std::uint64_t size = reader->size();
    const ByteRange range = parseRange(request.get("Range", ""), size);
    response.set("Accept-Ranges", "bytes");
    response.setContentType(type);
    if (range.kind == ByteRange::Kind::kUnsatisfiable) {
      response.set("Content-Range", "bytes */" + std::to_string(size));
      throw HttpError(HTTPResponse::HTTP_REQUESTED_RANGE_NOT_SATISFIABLE, "range_not_satisfiable",
                      "The range lies outside the " + std::to_string(size) + "-byte file.");
    }
    std::uint64_t first = 0;
    std::uint64_t length = size;
    if (range.kind == ByteRange::Kind::kPartial) {
      first = range.first;
      length = range.length();
      response.setStatusAndReason(HTTPResponse::HTTP_PARTIAL_CONTENT);
      response.set("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                        std::to_string(range.last) + "/" + std::to_string(size));
    } else {
      response.setStatusAndReason(HTTPResponse::HTTP_OK);
    }
    response.setContentLength64(static_cast<Poco::Int64>(length));
    std::ostream& out = response.send();
    if (request.getMethod() == Poco::Net::HTTPRequest::HTTP_HEAD) return;
    const StreamGuard streaming(s_.metrics.get());
    // Not zeroed: the reader fills every byte before it is sent.
    const auto buffer_size = static_cast<std::size_t>(std::min<std::uint64_t>(kStreamBuffer, length));
    const auto buffer = std::make_unique_for_overwrite<std::uint8_t[]>(buffer_size);
    BodyWriter body(request, out);
    std::uint64_t offset = first;
    const std::uint64_t end = first + length;
    std::uint64_t next_check = first + kRecheckBytes;
    while (offset < end && body.good()) {
      if (offset >= next_check) {
        // A whole-file or open-ended GET can last long: decide again, and end
        // the stream (RequestHandler closes the connection) once access is gone.
        if (!stillAllowed(viewing)) throw std::runtime_error("access ended during the response");
        next_check = offset + kRecheckBytes;
      }
      // Chunks end at multiples of the buffer size in the object, segment boundaries
      // for the default 64 KiB segments: every segment but the range's first and last
      // decrypts straight into the buffer, not through the reader's cache and a copy.
      const auto n = static_cast<std::size_t>(
          std::min<std::uint64_t>(kStreamBuffer - offset % kStreamBuffer, end - offset));
      // After send() no second status can go out: a failure here reaches
      // RequestHandler, which logs it and closes the connection.
      unwrap(reader->read(offset, {buffer.get(), n}));
      body.write(buffer.get(), n);
      offset += n;
    }
  }

  Services s_;
};

}  // namespace

void addStreamRoutes(Router& router, const Services& services) {
  auto routes = std::make_shared<StreamRoutes>(services);
  router.add("GET", "/api/recordings/{id}/playlist.m3u8",
             route([routes](auto& rq, auto& rs, const PathParams& p) { routes->playlist(rq, rs, p); }));
  router.add("GET", "/api/recordings/{id}/media.mp4",
             route([routes](auto& rq, auto& rs, const PathParams& p) { routes->mediaBytes(rq, rs, p); }));
  router.add("GET", "/api/recordings/{id}/poster.jpg",
             route([routes](auto& rq, auto& rs, const PathParams& p) { routes->poster(rq, rs, p); }));
}

}  // namespace server
