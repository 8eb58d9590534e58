#include "server/config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include "acl/consent.h"
#include "acl/people.h"
#include "media/transcode.h"
#include "server/cors.h"
#include "server/network_policy.h"
#include "server/tls.h"

namespace server {

std::vector<std::string> splitCategories(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

namespace {

using Field = std::variant<std::string Config::*, int Config::*, std::uint16_t Config::*>;

// Extra validation for a string value: an error message, or nothing when the value is fine.
using Check = std::optional<std::string> (*)(const std::string& value);

struct KeySpec {
  std::string_view key;
  Field field;
  std::string_view help;
  bool required;
  long min;  // integer fields only
  long max;
  Check check;
};

std::optional<std::string> checkHost(const std::string& value) {
  // Enough to catch typos and stray quotes; resolution happens when the socket is bound.
  const bool plausible = !value.empty() && std::ranges::all_of(value, [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '-';
  });
  if (plausible) return std::nullopt;
  return "expected an IP address or host name, got \"" + value + "\"";
}

std::optional<std::string> checkLevel(const std::string& value) {
  static constexpr std::array<std::string_view, 9> kLevels = {
      "none", "fatal", "critical", "error", "warning", "notice", "information", "debug", "trace"};
  if (std::ranges::find(kLevels, value) != kLevels.end()) return std::nullopt;
  return "expected one of none, fatal, critical, error, warning, notice, information, debug, "
         "trace; got \"" +
         value + "\"";
}

std::optional<std::string> checkTimeZone(const std::string& value) {
  const std::string expected =
      "expected a time zone name such as Europe/Amsterdam, got \"" + value + "\"";
  // The charset has no '.', so neither ".." nor a leading '/' can take the name outside the
  // zoneinfo directory: the key can never be used to read another file.
  const bool plain_name =
      !value.empty() && value.front() != '/' && std::ranges::all_of(value, [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' || c == '+' ||
               c == '-';
      });
  if (!plain_name) return expected;
  // zoneinfo also holds tables (zone.tab, ...) and directories; only TZif files are zones.
  std::ifstream file(std::string(kZoneInfoDir) + "/" + value, std::ios::binary);
  std::array<char, 4> magic{};
  if (!file.read(magic.data(), magic.size()) || std::string_view(magic.data(), 4) != "TZif") {
    return expected + " (no such zone under " + std::string(kZoneInfoDir) + ")";
  }
  return std::nullopt;
}

std::optional<std::string> checkConsentCategories(const std::string& value) {
  const acl::ConsentConfig config{splitCategories(value)};
  if (auto checked = acl::checkConsentConfig(config); !checked) {
    return "expected comma-separated names of a-z, 0-9 and _, without duplicates, including " +
           std::string(acl::kGuardianAccessCategory) + "; got \"" + value + "\"";
  }
  return std::nullopt;
}

std::optional<std::string> checkCidrs(const std::string& value) {
  if (parseCidrList(value)) return std::nullopt;
  return "expected comma-separated addresses or CIDR blocks (10.0.0.0/8, fd00::/8), got \"" +
         value + "\"";
}

std::optional<std::string> checkOrigin(const std::string& value) {
  // scheme://host[:port], nothing after: what a browser sends in Origin.
  const std::string expected =
      "expected an origin such as https://lessonvault.school.nl (scheme, host and optional port, "
      "no path), got \"" + value + "\"";
  std::string_view rest(value);
  if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else {
    return expected;
  }
  const bool plain = !rest.empty() && std::ranges::all_of(rest, [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
  if (!plain) return expected;
  return std::nullopt;
}

std::optional<std::string> checkOrigins(const std::string& value) {
  for (const auto& origin : splitOrigins(value)) {
    if (auto problem = checkOrigin(origin)) return problem;
  }
  return std::nullopt;
}

std::optional<std::string> checkRoles(const std::string& value) {
  if (value.empty()) return std::nullopt;
  for (const auto& name : splitCategories(value)) {
    if (!acl::parseRole(name)) {
      return "expected comma-separated roles among admin, privacy_officer, staff, guardian, "
             "pupil (or empty), got \"" + value + "\"";
    }
  }
  return std::nullopt;
}

std::optional<std::string> checkX264Preset(const std::string& value) {
  if (std::ranges::find(media::kX264Presets, value) != media::kX264Presets.end()) {
    return std::nullopt;
  }
  std::string names;
  for (const auto preset : media::kX264Presets) {
    names += (names.empty() ? "" : ", ") + std::string(preset);
  }
  return "expected one of " + names + "; got \"" + value + "\"";
}

// The one list of keys: reading, validation, typo detection and --help all come from it.
// Adding a key means adding a Config member and one row here.
const std::array kKeys = std::to_array<KeySpec>({
    {"server.host", &Config::listen_host, "Address to listen on (IPv4, IPv6 or host name).", false,
     0, 0, checkHost},
    {"server.port", &Config::listen_port, "TCP port to listen on; 0 picks a free port.", false, 0,
     65535, nullptr},
    {"server.threads", &Config::max_threads, "Most requests served at the same time.", false, 1,
     1024, nullptr},
    {"server.queue", &Config::max_queued, "Most accepted connections waiting for a thread.", false,
     1, 10000, nullptr},
    {"server.keep_alive_timeout_s", &Config::keep_alive_timeout_s,
     "Seconds an idle keep-alive connection stays open.", false, 1, 300, nullptr},
    {"server.max_keep_alive_requests", &Config::max_keep_alive_requests,
     "Requests served on one connection before it is closed.", false, 1, 100000, nullptr},
    {"server.io_timeout_s", &Config::io_timeout_s,
     "Seconds a read or write on a connection may wait (a client that stops sending a body "
     "frees its thread after this).",
     false, 5, 3600, nullptr},
    {"server.upload_max_mib", &Config::upload_max_mib,
     "Largest upload accepted, in MiB (tus answers 413 above it).", false, 1, 1048576, nullptr},
    {"server.upload_quota_mib", &Config::upload_quota_mib,
     "Most one owner may hold (recordings and uploads in progress), in MiB.", false, 1, 16777216,
     nullptr},
    {"server.upload_expire_s", &Config::upload_expire_s,
     "Seconds an unfinished upload is kept before the sweep purges it.", false, 3600, 7776000,
     nullptr},
    {"server.upload_stall_s", &Config::upload_stall_s,
     "Seconds without bytes after which a new PATCH may take over an upload.", false, 1, 600,
     nullptr},
    {"server.sweep_interval_s", &Config::sweep_interval_s,
     "Seconds between two runs of the expiry sweep.", false, 10, 86400, nullptr},
    {"server.recordings_allow", &Config::recordings_allow,
     "Client networks that may reach recordings (CIDR list; R4).", false, 0, 0, checkCidrs},
    {"server.uploads_allow", &Config::uploads_allow,
     "Client networks that may log in and upload; empty: the same as server.recordings_allow.",
     false, 0, 0, checkCidrs},
    {"server.trusted_proxies", &Config::trusted_proxies,
     "Reverse proxies whose X-Forwarded-For is believed (CIDR list); empty: none.", false, 0, 0,
     checkCidrs},
    {"server.tls_certificate", &Config::tls_certificate,
     "PEM certificate for HTTPS (the leaf, optionally followed by its intermediates); empty: "
     "plain HTTP on a loopback server.host only (development mode). Needs "
     "server.tls_private_key.",
     false, 0, 0, nullptr},
    {"server.tls_private_key", &Config::tls_private_key,
     "PEM private key of server.tls_certificate, unencrypted; mode 0600 or 0640 (a key every "
     "user may read is refused).",
     false, 0, 0, nullptr},
    {"server.tls_ca_chain", &Config::tls_ca_chain,
     "PEM intermediate certificates sent after the leaf; empty: none (or already in "
     "server.tls_certificate).",
     false, 0, 0, nullptr},
    {"storage.data_dir", &Config::data_dir, "Directory for encrypted media and uploads.", true, 0,
     0, nullptr},
    {"storage.database", &Config::database_path, "SQLite database file.", true, 0, 0, nullptr},
    {"storage.keys_dir", &Config::keys_dir,
     "Directory holding the master key files (keep it outside data_dir).", true, 0, 0, nullptr},
    {"log.level", &Config::log_level,
     "Least severe level logged: none, fatal, critical, error, warning, notice, information, "
     "debug or trace.",
     false, 0, 0, checkLevel},
    {"log.file", &Config::log_file, "Log file; empty logs to standard output.", false, 0, 0,
     nullptr},
    {"school.time_zone", &Config::time_zone,
     "Time zone of the school's calendar dates, as named under /usr/share/zoneinfo.", false, 0, 0,
     checkTimeZone},
    {"school.consent_categories", &Config::consent_categories,
     "Categories of the consent register (R7), comma-separated; must include "
     "guardian_access_recordings.",
     false, 0, 0, checkConsentCategories},
    {"school.max_days_teacher_training", &Config::max_days_teacher_training,
     "Longest a teacher_training recording may be kept, in days from its creation (R5).", false, 1,
     3650, nullptr},
    {"school.max_days_student_support", &Config::max_days_student_support,
     "Longest a student_support recording may be kept, in days from its creation (R5).", false, 1,
     3650, nullptr},
    {"media.max_duration_s", &Config::media_max_duration_s,
     "Longest recording accepted, in seconds.", false, 1, 86400, nullptr},
    {"media.max_width", &Config::media_max_width,
     "Largest video accepted: pixels on the longer side.", false, 16, 16384, nullptr},
    {"media.max_height", &Config::media_max_height,
     "Largest video accepted: pixels on the shorter side.", false, 16, 16384, nullptr},
    {"media.ingest_workers", &Config::ingest_workers,
     "Uploads ingested at the same time (each uses about one core).", false, 1, 16, nullptr},
    {"server.public_origin", &Config::public_origin,
     "The origin browsers reach the service at (scheme://host[:port]); every state-changing "
     "request must send it as its Origin header.",
     false, 0, 0, checkOrigin},
    {"server.cors_origins", &Config::cors_origins,
     "Other origins (comma-separated scheme://host[:port]) whose pages may call the API with "
     "the user's session, e.g. an upload page on its own host; empty: none.",
     false, 0, 0, checkOrigins},
    {"server.web_root", &Config::web_root,
     "The web app's folder (index.html and assets/), read once at start-up; empty: the "
     "server answers the API only.",
     false, 0, 0, nullptr},
    {"auth.scrypt_log_n", &Config::scrypt_log_n,
     "Password hashing cost: scrypt N = 2^n with r=8, p=1 (17: 128 MiB and about 0.5 s per "
     "hash). Stored hashes keep their own cost, so changing it affects new hashes only.",
     false, 10, 20, nullptr},
    {"auth.max_concurrent_hashes", &Config::max_concurrent_hashes,
     "Most password hashes computed at the same time; more logins wait (bounds memory).", false,
     1, 64, nullptr},
    {"auth.password_min_length", &Config::password_min_length,
     "Shortest password accepted, in characters.", false, 8, 128, nullptr},
    {"auth.session_idle_s", &Config::session_idle_s,
     "A session ends after this many seconds without a request.", false, 60, 86400, nullptr},
    {"auth.session_absolute_s", &Config::session_absolute_s,
     "A session ends this many seconds after login, however active.", false, 300, 604800,
     nullptr},
    {"auth.totp_required_roles", &Config::totp_required_roles,
     "Roles that must use a second factor (TOTP), comma-separated; empty: optional for all.",
     false, 0, 0, checkRoles},
    {"auth.lockout_threshold", &Config::lockout_threshold,
     "Failed logins in a row that lock an account.", false, 1, 100, nullptr},
    {"auth.lockout_s", &Config::lockout_s,
     "Seconds the first lockout of an account lasts; each further one in a row doubles, up to "
     "a day.",
     false, 1, 86400, nullptr},
    {"auth.address_lockout_threshold", &Config::address_lockout_threshold,
     "Failed logins from one client address, within auth.address_lockout_s of each other, that "
     "block that address. Keep it well above auth.lockout_threshold when the school's users "
     "share an address.",
     false, 1, 100000, nullptr},
    {"auth.address_lockout_s", &Config::address_lockout_s,
     "Seconds a client address stays blocked.", false, 1, 86400, nullptr},
    {"media.x264_preset", &Config::media_x264_preset,
     "libx264 preset for recordings that must be transcoded (not H.264/AAC): ultrafast, "
     "superfast, veryfast, faster, fast, medium, slow, slower, veryslow or placebo; slower "
     "presets make smaller files for the same quality.",
     false, 0, 0, checkX264Preset},
    {"media.crf", &Config::media_crf,
     "libx264 constant rate factor for transcoded video: 0 (lossless) .. 51 (worst); 23 is "
     "libx264's default, about 6 more halves the size.",
     false, 0, 51, nullptr},
    {"media.max_output_height", &Config::media_max_output_height,
     "Transcoded video taller than this many lines is scaled down to it (aspect kept); "
     "remuxed H.264 keeps its size.",
     false, 16, 16384, nullptr},
});

constexpr std::array<std::string_view, 6> kCheckedSections = {"server", "storage", "log",
                                                              "school", "media",  "auth"};

std::optional<std::string> parseInteger(const std::string& text, long min, long max, long& value) {
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end || value < min || value > max) {
    return "expected an integer " + std::to_string(min) + ".." + std::to_string(max) + ", got \"" +
           text + "\"";
  }
  return std::nullopt;
}

std::optional<std::string> assign(const KeySpec& spec, const std::string& value, Config& config) {
  if (const auto* text = std::get_if<std::string Config::*>(&spec.field)) {
    if (spec.check != nullptr) {
      if (auto problem = spec.check(value)) return problem;
    }
    config.*(*text) = value;
    return std::nullopt;
  }
  long number = 0;
  if (auto problem = parseInteger(value, spec.min, spec.max, number)) return problem;
  // The range check above guarantees both narrowings are exact.
  if (const auto* port = std::get_if<std::uint16_t Config::*>(&spec.field)) {
    config.*(*port) = static_cast<std::uint16_t>(number);
  } else {
    config.*std::get<int Config::*>(spec.field) = static_cast<int>(number);
  }
  return std::nullopt;
}

void collectKeys(const Poco::Util::AbstractConfiguration& source, const std::string& key,
                 std::vector<std::string>& out) {
  if (source.has(key)) out.push_back(key);
  Poco::Util::AbstractConfiguration::Keys children;
  source.keys(key, children);
  for (const auto& child : children) collectKeys(source, key + "." + child, out);
}

std::string knownKeysIn(std::string_view section) {
  std::string names;
  for (const auto& spec : kKeys) {
    if (spec.key.size() > section.size() && spec.key.starts_with(section) &&
        spec.key[section.size()] == '.') {
      if (!names.empty()) names += ", ";
      names += spec.key.substr(section.size() + 1);
    }
  }
  return names;
}

std::optional<ConfigError> findUnknownKey(const Poco::Util::AbstractConfiguration& source) {
  for (const auto section : kCheckedSections) {
    std::vector<std::string> present;
    collectKeys(source, std::string(section), present);
    std::ranges::sort(present);
    for (const auto& key : present) {
      const bool known = std::ranges::any_of(kKeys, [&](const KeySpec& s) { return s.key == key; });
      if (!known) {
        return ConfigError{key, "unknown key; known keys under \"" + std::string(section) +
                                    ".\": " + knownKeysIn(section)};
      }
    }
  }
  return std::nullopt;
}

std::string defaultOf(const KeySpec& spec) {
  const Config defaults;
  return std::visit(
      [&](auto member) {
        const auto& value = defaults.*member;
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, std::string>) {
          return value.empty() ? std::string("empty") : value;
        } else {
          return std::to_string(value);
        }
      },
      spec.field);
}

// `text` word-wrapped to `width` columns, each line starting with `indent`.
std::string wrapped(std::string_view text, std::string_view indent, std::size_t width) {
  std::string out;
  std::size_t column = 0;
  while (!text.empty()) {
    const std::size_t space = text.find(' ');
    const std::string_view word = text.substr(0, space);
    text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    if (column > 0 && column + 1 + word.size() > width) {
      out += '\n';
      column = 0;
    }
    out += column == 0 ? std::string(indent) : std::string(" ");
    out += word;
    column += (column == 0 ? indent.size() : 1) + word.size();
  }
  return out + "\n";
}

}  // namespace

std::string ConfigError::describe() const { return key.empty() ? message : key + ": " + message; }

std::expected<Config, ConfigError> loadConfig(const Poco::Util::AbstractConfiguration& source) {
  if (auto unknown = findUnknownKey(source)) return std::unexpected(*unknown);
  Config config;
  for (const auto& spec : kKeys) {
    const std::string key(spec.key);
    if (!source.has(key)) {
      if (spec.required) return std::unexpected(ConfigError{key, "required key is missing"});
      continue;
    }
    const std::string value = Poco::trim(source.getRawString(key));
    if (spec.required && value.empty()) {
      return std::unexpected(ConfigError{key, "required key is empty"});
    }
    if (auto problem = assign(spec, value, config)) {
      return std::unexpected(ConfigError{key, *problem});
    }
  }
  if (auto problem = checkTransport(config)) return std::unexpected(*problem);
  return config;
}

std::expected<Config, ConfigError> loadConfigFile(const std::string& path) {
  Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> file;
  try {
    file = new Poco::Util::PropertyFileConfiguration(path);
  } catch (const Poco::Exception& e) {
    return std::unexpected(
        ConfigError{"", "cannot read config file \"" + path + "\": " + e.displayText()});
  }
  return loadConfig(*file);
}

std::string describeConfigKeys() {
  std::ostringstream out;
  for (const auto& spec : kKeys) {
    out << "  " << spec.key << " ("
        << (spec.required ? std::string("required") : "default: " + defaultOf(spec)) << ")\n"
        << wrapped(spec.help, "      ", 80);
  }
  return out.str();
}

}  // namespace server
