// Server configuration: the properties file is read once, at start-up, into a plain Config
// that is passed down; no module reads configuration on its own.
//
// Every key under the prefixes "server.", "storage.", "log.", "school.", "media." and "auth."
// must be known:
// an unknown key there is a typo and stops start-up, like a bad or missing value does. Each
// error names the key and says what was expected. Values are taken literally (no ${...}
// expansion, surrounding whitespace trimmed); relative paths are kept as given, so they
// resolve against the working directory of the process.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace Poco::Util {
class AbstractConfiguration;
}

namespace server {

// Member initializers are the defaults; the three storage paths have none (required keys).
struct Config {
  std::string listen_host = "127.0.0.1";       // server.host
  std::uint16_t listen_port = 8080;            // server.port; 0 = ephemeral (tests)
  int max_threads = 128;                       // server.threads
  int max_queued = 256;                        // server.queue
  int keep_alive_timeout_s = 15;               // server.keep_alive_timeout_s
  int max_keep_alive_requests = 1000;          // server.max_keep_alive_requests
  int io_timeout_s = 60;                       // server.io_timeout_s
  std::string data_dir;                        // storage.data_dir (required)
  std::string database_path;                   // storage.database (required)
  std::string keys_dir;                        // storage.keys_dir (required)
  std::string log_level = "information";       // log.level, a Poco level name
  std::string log_file;                        // log.file; empty = stdout
  std::string time_zone = "Europe/Amsterdam";  // school.time_zone, under kZoneInfoDir
  // school.consent_categories: the consent register's categories (R7), comma-separated.
  std::string consent_categories =
      "school_guide,website,social_media,newsletter,guardian_access_recordings";
  int max_days_teacher_training = 180;  // school.max_days_teacher_training (R5)
  int max_days_student_support = 365;   // school.max_days_student_support (R5)
  int media_max_duration_s = 4 * 3600;  // media.max_duration_s
  int media_max_width = 3840;           // media.max_width (the longer side)
  int media_max_height = 2160;          // media.max_height (the shorter side)
  int ingest_workers = 1;               // media.ingest_workers
  // Uploads (tus) and the expiry sweep.
  int upload_max_mib = 8192;            // server.upload_max_mib: one upload
  int upload_quota_mib = 65536;         // server.upload_quota_mib: all one owner holds
  int upload_expire_s = 7 * 24 * 3600;  // server.upload_expire_s
  int upload_stall_s = 10;              // server.upload_stall_s
  int sweep_interval_s = 3600;          // server.sweep_interval_s
  // "Internal use only" (R4): CIDR lists, comma-separated.
  std::string recordings_allow =       // server.recordings_allow
      "127.0.0.0/8,::1,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7";
  std::string uploads_allow;           // server.uploads_allow; empty: as recordings_allow
  std::string trusted_proxies;         // server.trusted_proxies; empty: none
  // HTTPS (server/tls.h): certificate and key both set, or neither (development mode:
  // loopback only). PEM files; the chain holds intermediates sent after the leaf.
  std::string tls_certificate;         // server.tls_certificate
  std::string tls_private_key;         // server.tls_private_key
  std::string tls_ca_chain;            // server.tls_ca_chain; optional
  // server.public_origin: the origin browsers use for the service; state-changing
  // requests must carry it in their Origin header (CSRF).
  std::string public_origin = "http://127.0.0.1:8080";
  // server.cors_origins: other origins of the school allowed to call the API
  // with credentials (an upload page on its own host); empty: none.
  std::string cors_origins;
  // server.web_root: the web app's folder (index.html, assets/); empty: no web app.
  std::string web_root;
  int scrypt_log_n = 17;                  // auth.scrypt_log_n: scrypt N = 2^n (r=8, p=1)
  int max_concurrent_hashes = 2;          // auth.max_concurrent_hashes
  int password_min_length = 12;           // auth.password_min_length
  int session_idle_s = 1800;              // auth.session_idle_s
  int session_absolute_s = 43200;         // auth.session_absolute_s
  std::string totp_required_roles = "admin,privacy_officer";  // auth.totp_required_roles
  int lockout_threshold = 5;              // auth.lockout_threshold
  int lockout_s = 300;                    // auth.lockout_s
  int address_lockout_threshold = 30;     // auth.address_lockout_threshold
  int address_lockout_s = 300;            // auth.address_lockout_s
  std::string media_x264_preset = "veryfast";  // media.x264_preset (transcoding speed)
  int media_crf = 23;                          // media.crf (transcoding quality, 0..51)
  int media_max_output_height = 1080;          // media.max_output_height (transcoded lines)
};

// Where time zone names are looked up; a name must be a relative path below it.
inline constexpr std::string_view kZoneInfoDir = "/usr/share/zoneinfo";

struct ConfigError {
  std::string key;      // the offending key; empty when the file itself cannot be read
  std::string message;  // what is wrong and what is expected

  // "key: message", or just the message when there is no key.
  std::string describe() const;
};

// Reads and validates every key. Returns the first error found; unknown keys are reported
// before missing ones, since a misspelt key usually explains the missing one.
std::expected<Config, ConfigError> loadConfig(const Poco::Util::AbstractConfiguration& source);

// Reads a Java-style properties file (Poco::Util::PropertyFileConfiguration) and validates it
// as loadConfig does. An unreadable file is an error with an empty key.
std::expected<Config, ConfigError> loadConfigFile(const std::string& path);

// The entries of school.consent_categories (validated at load).
std::vector<std::string> splitCategories(const std::string& text);
// Also used for auth.totp_required_roles (validated at load; empty: none).

// One paragraph per key (name, default, meaning) for `lessonvault --help`.
std::string describeConfigKeys();

}  // namespace server
