#include "server/metrics.h"

#include <algorithm>
#include <array>
#include <sstream>

namespace server {
namespace {

// Label values: backslash, quote and newline escaped, as the format requires.
std::string label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void header(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}  // namespace

void Metrics::setSources(Sources sources) {
  std::lock_guard lock(mutex_);
  sources_ = std::move(sources);
}

void Metrics::countRequest(const std::string& route, const std::string& method, int status) {
  // The method comes from the client: only known ones become labels, so the
  // series stay few and the exposition stays valid UTF-8.
  static const std::array<std::string, 7> kMethods = {"GET",   "HEAD",   "POST",   "PUT",
                                                       "PATCH", "DELETE", "OPTIONS"};
  const bool known = std::ranges::find(kMethods, method) != kMethods.end();
  std::lock_guard lock(mutex_);
  ++requests_[{route, known ? method : std::string("other"), status}];
}

void Metrics::recordSweep(bool ok, int recordings, int uploads, int failed, int people) {
  std::lock_guard lock(mutex_);
  ++(ok ? sweeps_ok_ : sweeps_failed_);
  swept_["recording"] += static_cast<std::uint64_t>(recordings);
  swept_["upload"] += static_cast<std::uint64_t>(uploads);
  swept_["failed_recording"] += static_cast<std::uint64_t>(failed);
  swept_["person"] += static_cast<std::uint64_t>(people);
}

std::string Metrics::render() const {
  // Read the gauges first, without our lock: they take the vault's and the
  // queue's, and request threads must never wait on a scrape for those.
  Sources sources;
  {
    std::lock_guard lock(mutex_);
    sources = sources_;
  }
  const auto uploads_open = sources.uploads_open ? sources.uploads_open() : 0;
  const auto queued = sources.ingest_queued ? sources.ingest_queued() : 0;
  const auto running = sources.ingest_running ? sources.ingest_running() : 0;
  const auto done = sources.ingest_done ? sources.ingest_done()
                                        : std::tuple<std::uint64_t, std::uint64_t, double>{};
  const auto chain = sources.audit_chain_length ? sources.audit_chain_length() : 0;
  std::lock_guard lock(mutex_);
  std::ostringstream out;
  header(out, "lessonvault_http_requests_total", "counter",
         "HTTP requests answered, by route pattern, method and status.");
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out << "lessonvault_http_requests_total{route=\"" << label(route) << "\",method=\""
        << label(method) << "\",status=\"" << status << "\"} " << count << '\n';
  }
  header(out, "lessonvault_upload_bytes_total", "counter",
         "Upload bytes made durable (tus PATCH bodies).");
  out << "lessonvault_upload_bytes_total " << upload_bytes_.load() << '\n';
  header(out, "lessonvault_active_streams", "gauge", "Media responses being streamed now.");
  out << "lessonvault_active_streams " << active_streams_.load() << '\n';
  if (sources.uploads_open) {
    header(out, "lessonvault_uploads_open", "gauge", "Uploads with an open log.");
    out << "lessonvault_uploads_open " << uploads_open << '\n';
  }
  if (sources.ingest_queued && sources.ingest_running) {
    header(out, "lessonvault_ingest_queued", "gauge", "Complete uploads waiting for ingest.");
    out << "lessonvault_ingest_queued " << queued << '\n';
    header(out, "lessonvault_ingest_running", "gauge", "Ingests running now.");
    out << "lessonvault_ingest_running " << running << '\n';
  }
  if (sources.ingest_done) {
    const auto [ok, failed, seconds] = done;
    header(out, "lessonvault_ingest_jobs_total", "counter", "Finished ingests by outcome.");
    out << "lessonvault_ingest_jobs_total{outcome=\"ready\"} " << ok << '\n';
    out << "lessonvault_ingest_jobs_total{outcome=\"failed\"} " << failed << '\n';
    header(out, "lessonvault_ingest_seconds_total", "counter", "Wall time of finished ingests.");
    out << "lessonvault_ingest_seconds_total " << seconds << '\n';
  }
  header(out, "lessonvault_sweeps_total", "counter", "Expiry sweep runs by outcome.");
  out << "lessonvault_sweeps_total{outcome=\"ok\"} " << sweeps_ok_ << '\n';
  out << "lessonvault_sweeps_total{outcome=\"failed\"} " << sweeps_failed_ << '\n';
  header(out, "lessonvault_swept_total", "counter", "What expiry sweeps removed, by kind.");
  for (const char* kind : {"recording", "upload", "failed_recording", "person"}) {
    const auto found = swept_.find(kind);
    out << "lessonvault_swept_total{kind=\"" << kind << "\"} "
        << (found == swept_.end() ? 0 : found->second) << '\n';
  }
  if (sources.audit_chain_length) {
    header(out, "lessonvault_audit_chain_length", "gauge", "Entries in the audit chain.");
    out << "lessonvault_audit_chain_length " << chain << '\n';
  }
  return out.str();
}

}  // namespace server
