#include "server/config.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>
#include <gtest/gtest.h>

namespace server {
namespace {

using Source = Poco::AutoPtr<Poco::Util::MapConfiguration>;

// The smallest valid configuration: the three required keys.
Source minimalSource() {
  Source source = new Poco::Util::MapConfiguration;
  source->setString("storage.data_dir", "var/data");
  source->setString("storage.database", "var/lessonvault.db");
  source->setString("storage.keys_dir", "var/keys");
  return source;
}

// Expects loading to fail on `key` with a message containing `fragment`.
void expectError(const Source& source, const std::string& key, const std::string& fragment) {
  const auto config = loadConfig(*source);
  ASSERT_FALSE(config.has_value()) << "expected an error for " << key;
  EXPECT_EQ(config.error().key, key);
  EXPECT_NE(config.error().message.find(fragment), std::string::npos) << config.error().message;
  EXPECT_EQ(config.error().describe().rfind(key + ": ", 0), 0u) << config.error().describe();
}

TEST(ConfigTest, DefaultsApplyToOptionalKeys) {
  const auto config = loadConfig(*minimalSource());
  ASSERT_TRUE(config.has_value()) << config.error().describe();
  EXPECT_EQ(config->listen_host, "127.0.0.1");
  EXPECT_EQ(config->listen_port, 8080);
  EXPECT_EQ(config->max_threads, 128);
  EXPECT_EQ(config->max_queued, 256);
  EXPECT_EQ(config->keep_alive_timeout_s, 15);
  EXPECT_EQ(config->max_keep_alive_requests, 1000);
  EXPECT_EQ(config->data_dir, "var/data");  // relative paths are kept as given
  EXPECT_EQ(config->database_path, "var/lessonvault.db");
  EXPECT_EQ(config->keys_dir, "var/keys");
  EXPECT_EQ(config->log_level, "information");
  EXPECT_EQ(config->log_file, "");
  EXPECT_EQ(config->time_zone, "Europe/Amsterdam");
}

TEST(ConfigTest, ReadsEveryKey) {
  Source source = minimalSource();
  source->setString("server.host", "0.0.0.0");
  // Plain HTTP off loopback only behind a TLS-terminating proxy (server/tls.h).
  source->setString("server.trusted_proxies", "10.0.0.5");
  source->setString("server.public_origin", "https://lessonvault.school.nl");
  source->setString("server.port", " 0 ");  // whitespace is trimmed; 0 = ephemeral
  source->setString("server.threads", "1024");
  source->setString("server.queue", "1");
  source->setString("server.keep_alive_timeout_s", "300");
  source->setString("server.max_keep_alive_requests", "7");
  source->setString("log.level", "debug");
  source->setString("log.file", "var/log/lv.log");
  source->setString("school.time_zone", "America/Argentina/Buenos_Aires");
  const auto config = loadConfig(*source);
  ASSERT_TRUE(config.has_value()) << config.error().describe();
  EXPECT_EQ(config->listen_host, "0.0.0.0");
  EXPECT_EQ(config->listen_port, 0);
  EXPECT_EQ(config->max_threads, 1024);
  EXPECT_EQ(config->max_queued, 1);
  EXPECT_EQ(config->keep_alive_timeout_s, 300);
  EXPECT_EQ(config->max_keep_alive_requests, 7);
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->log_file, "var/log/lv.log");
  EXPECT_EQ(config->time_zone, "America/Argentina/Buenos_Aires");
}

TEST(ConfigTest, MissingRequiredKeyIsNamed) {
  for (const std::string key : {"storage.data_dir", "storage.database", "storage.keys_dir"}) {
    SCOPED_TRACE(key);
    Source source = minimalSource();
    source->remove(key);
    expectError(source, key, "required key is missing");
  }
}

TEST(ConfigTest, EmptyRequiredKeyIsNamed) {
  Source source = minimalSource();
  source->setString("storage.keys_dir", "  ");
  expectError(source, "storage.keys_dir", "required key is empty");
}

TEST(ConfigTest, BadIntegerIsNamedWithRangeAndValue) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"server.port", "80x"},
      {"server.port", ""},
      {"server.port", "-1"},
      {"server.port", "65536"},
      {"server.port", "8.5"},
      {"server.port", "+80"},
      {"server.threads", "0"},
      {"server.threads", "1025"},
      {"server.queue", "10001"},
      {"server.keep_alive_timeout_s", "0"},
      {"server.max_keep_alive_requests", "0"},
      {"server.threads", "99999999999999999999999"},
  };
  for (const auto& [key, value] : cases) {
    SCOPED_TRACE(key + " = " + value);
    Source source = minimalSource();
    source->setString(key, value);
    expectError(source, key, "expected an integer");
    expectError(source, key, "got \"" + value + "\"");
  }
  Source source = minimalSource();
  source->setString("server.port", "80x");
  EXPECT_EQ(loadConfig(*source).error().describe(),
            "server.port: expected an integer 0..65535, got \"80x\"");
}

TEST(ConfigTest, UnknownKeyUnderCheckedPrefixIsRejected) {
  for (const std::string key : {"server.prot", "storage.data_dri", "log.levle", "school.timezone",
                                "server.port.extra", "server"}) {
    SCOPED_TRACE(key);
    Source source = minimalSource();
    source->setString(key, "1");
    expectError(source, key, "unknown key");
  }
}

TEST(ConfigTest, UnknownKeyIsReportedBeforeTheMissingOneItExplains) {
  Source source = minimalSource();
  source->remove("storage.data_dir");
  source->setString("storage.data_dri", "var/data");
  expectError(source, "storage.data_dri", "data_dir");  // lists the known keys
}

TEST(ConfigTest, KeysOutsideCheckedPrefixesAreIgnored) {
  Source source = minimalSource();
  source->setString("media.max_height", "720");
  source->setString("servers.x", "1");
  EXPECT_TRUE(loadConfig(*source).has_value());
}

TEST(ConfigTest, BadLogLevelIsNamed) {
  Source source = minimalSource();
  source->setString("log.level", "verbose");
  expectError(source, "log.level", "expected one of");
}

TEST(ConfigTest, ConsentCategoriesMustBeCodesAndIncludeGuardianAccess) {
  for (const char* bad : {"website,social media,guardian_access_recordings",
                          "website,website,guardian_access_recordings", "website,newsletter", "",
                          "website,,guardian_access_recordings"}) {
    SCOPED_TRACE(bad);
    Source source = minimalSource();
    source->setString("school.consent_categories", bad);
    expectError(source, "school.consent_categories", "guardian_access_recordings");
  }
  Source source = minimalSource();
  source->setString("school.consent_categories", "website,guardian_access_recordings");
  auto config = loadConfig(*source);
  ASSERT_TRUE(config.has_value());
  EXPECT_EQ(splitCategories(config->consent_categories),
            (std::vector<std::string>{"website", "guardian_access_recordings"}));
}

TEST(ConfigTest, TranscodingKeysAreValidated) {
  auto defaults = loadConfig(*minimalSource());
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->media_x264_preset, "veryfast");
  EXPECT_EQ(defaults->media_crf, 23);
  EXPECT_EQ(defaults->media_max_output_height, 1080);
  {
    Source source = minimalSource();
    source->setString("media.x264_preset", "quick");
    expectError(source, "media.x264_preset", "expected one of ultrafast");
  }
  {
    Source source = minimalSource();
    source->setString("media.crf", "52");
    expectError(source, "media.crf", "expected an integer 0..51");
  }
  {
    Source source = minimalSource();
    source->setString("media.max_output_height", "8");
    expectError(source, "media.max_output_height", "expected an integer 16..16384");
  }
  Source source = minimalSource();
  source->setString("media.x264_preset", "slow");
  source->setString("media.crf", "28");
  source->setString("media.max_output_height", "720");
  auto config = loadConfig(*source);
  ASSERT_TRUE(config.has_value()) << config.error().describe();
  EXPECT_EQ(config->media_x264_preset, "slow");
  EXPECT_EQ(config->media_crf, 28);
  EXPECT_EQ(config->media_max_output_height, 720);
}

TEST(ConfigTest, PurposeCapsAreBounded) {
  Source source = minimalSource();
  source->setString("school.max_days_student_support", "0");
  expectError(source, "school.max_days_student_support", "expected an integer 1..3650");
  auto defaults = loadConfig(*minimalSource());
  ASSERT_TRUE(defaults.has_value());
  EXPECT_EQ(defaults->max_days_teacher_training, 180);
  EXPECT_EQ(defaults->max_days_student_support, 365);
}

TEST(ConfigTest, BadHostIsNamed) {
  Source source = minimalSource();
  source->setString("server.host", "\"127.0.0.1\"");
  expectError(source, "server.host", "expected an IP address or host name");
}

TEST(ConfigTest, AuthKeysHaveDefaultsAndBounds) {
  const auto defaults = loadConfig(*minimalSource());
  ASSERT_TRUE(defaults.has_value()) << defaults.error().describe();
  EXPECT_EQ(defaults->public_origin, "http://127.0.0.1:8080");
  EXPECT_EQ(defaults->scrypt_log_n, 17);
  EXPECT_EQ(defaults->max_concurrent_hashes, 2);
  EXPECT_EQ(defaults->password_min_length, 12);
  EXPECT_EQ(defaults->session_idle_s, 1800);
  EXPECT_EQ(defaults->session_absolute_s, 43200);
  EXPECT_EQ(defaults->totp_required_roles, "admin,privacy_officer");
  EXPECT_EQ(defaults->lockout_threshold, 5);
  EXPECT_EQ(defaults->lockout_s, 300);
  EXPECT_EQ(defaults->address_lockout_threshold, 30);
  EXPECT_EQ(defaults->address_lockout_s, 300);

  Source source = minimalSource();
  source->setString("server.public_origin", "https://lessonvault.school.nl");
  source->setString("auth.scrypt_log_n", "10");
  source->setString("auth.totp_required_roles", "");
  source->setString("auth.session_idle_s", "60");
  const auto config = loadConfig(*source);
  ASSERT_TRUE(config.has_value()) << config.error().describe();
  EXPECT_EQ(config->public_origin, "https://lessonvault.school.nl");
  EXPECT_EQ(config->scrypt_log_n, 10);
  EXPECT_EQ(config->totp_required_roles, "");
  EXPECT_EQ(config->session_idle_s, 60);

  struct Case {
    const char* key;
    const char* value;
    const char* fragment;
  };
  for (const auto& [key, value, fragment] : std::vector<Case>{
           {"server.public_origin", "https://school.nl/app", "no path"},
           {"server.public_origin", "lessonvault.school.nl", "expected an origin"},
           {"server.public_origin", "HTTPS://X", "expected an origin"},
           {"auth.scrypt_log_n", "9", "10..20"},
           {"auth.scrypt_log_n", "21", "10..20"},
           {"auth.max_concurrent_hashes", "0", "1..64"},
           {"auth.password_min_length", "7", "8..128"},
           {"auth.session_idle_s", "59", "60..86400"},
           {"auth.session_absolute_s", "1", "300..604800"},
           {"auth.totp_required_roles", "admin,king", "comma-separated roles"},
           {"auth.lockout_threshold", "0", "1..100"},
           {"auth.address_lockout_s", "x", "1..86400"},
           {"auth.scrypt_logn", "10", "unknown key"},
       }) {
    SCOPED_TRACE(std::string(key) + " = " + value);
    Source bad = minimalSource();
    bad->setString(key, value);
    expectError(bad, key, fragment);
  }
}

TEST(ConfigTest, BadTimeZoneIsNamed) {
  for (const std::string zone : {"Mars/Olympus_Mons", "", "Europe", "zone.tab", "../../etc/passwd",
                                 "/usr/share/zoneinfo/UTC", "Europe/../UTC", "Europe/Amsterdam "}) {
    SCOPED_TRACE(zone);
    Source source = minimalSource();
    source->setString("school.time_zone", zone);
    // The trailing-space case is trimmed and valid; everything else is refused.
    if (zone == "Europe/Amsterdam ") {
      EXPECT_TRUE(loadConfig(*source).has_value());
    } else {
      expectError(source, "school.time_zone", "expected a time zone name");
    }
  }
}

TEST(ConfigTest, LoadsAPropertiesFile) {
  const auto path = std::filesystem::path(::testing::TempDir()) / "config_test.properties";
  std::ofstream(path) << "# comment\nstorage.data_dir = d\nstorage.database = db\n"
                         "storage.keys_dir = k\nserver.port = 9090\n";
  const auto config = loadConfigFile(path.string());
  ASSERT_TRUE(config.has_value()) << config.error().describe();
  EXPECT_EQ(config->listen_port, 9090);
  EXPECT_EQ(config->database_path, "db");
  std::filesystem::remove(path);
}

TEST(ConfigTest, TheExampleFileIsValid) {
  const auto config = loadConfigFile(LV_EXAMPLE_CONFIG);
  ASSERT_TRUE(config.has_value()) << config.error().describe();
  EXPECT_EQ(config->listen_host, "127.0.0.1");
  EXPECT_EQ(config->listen_port, 8080);
  EXPECT_EQ(config->data_dir, "var/data");
  EXPECT_EQ(config->database_path, "var/lessonvault.db");
  EXPECT_EQ(config->keys_dir, "var/keys");
}

TEST(ConfigTest, MissingFileIsAnErrorWithoutKey) {
  const auto config = loadConfigFile("/nonexistent/lessonvault.properties");
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().key, "");
  EXPECT_NE(config.error().message.find("/nonexistent/lessonvault.properties"), std::string::npos);
}

TEST(ConfigTest, HelpDescribesEveryKey) {
  const std::string help = describeConfigKeys();
  for (const char* key :
       {"server.host", "server.port", "server.threads", "server.queue",
        "server.keep_alive_timeout_s", "server.max_keep_alive_requests", "storage.data_dir",
        "storage.database", "storage.keys_dir", "log.level", "log.file", "school.time_zone"}) {
    EXPECT_NE(help.find(key), std::string::npos) << key;
  }
  EXPECT_NE(help.find("server.port (default: 8080)"), std::string::npos) << help;
  EXPECT_NE(help.find("storage.data_dir (required)"), std::string::npos) << help;
  for (const char* key :
       {"server.public_origin", "auth.scrypt_log_n", "auth.max_concurrent_hashes",
        "auth.password_min_length", "auth.session_idle_s", "auth.session_absolute_s",
        "auth.totp_required_roles", "auth.lockout_threshold", "auth.lockout_s",
        "auth.address_lockout_threshold", "auth.address_lockout_s", "server.tls_certificate",
        "server.tls_private_key", "server.tls_ca_chain"}) {
    EXPECT_NE(help.find(key), std::string::npos) << key;
  }
  EXPECT_NE(help.find("auth.scrypt_log_n (default: 17)"), std::string::npos) << help;
  EXPECT_NE(help.find("auth.totp_required_roles (default: admin,privacy_officer)"),
            std::string::npos)
      << help;
}

}  // namespace
}  // namespace server
