// HTTPS: the real listener with a test CA and leaf made by make_test_certs.sh, probed with a
// client that offers exactly one protocol version or cipher at a time; and the configuration
// checks of server/tls.h.
#include "server/tls.h"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>
#include <gtest/gtest.h>

#include "server/http_service.h"
#include "server/routes.h"
#include "tests/server/http_client.h"
#include "tests/server/test_server.h"
#include "tests/server/tls_client.h"

namespace server {
namespace {

using testing::TlsOffer;
using testing::TlsVersion;
namespace fs = std::filesystem;

constexpr const char* kHsts = "Strict-Transport-Security: max-age=63072000";

// What the client offers: TLS 1.2 only with these ciphers.
TlsOffer tls12With(const std::string& ciphers) {
  TlsOffer offer;
  offer.max = TlsVersion::k1_2;
  offer.tls12_ciphers = ciphers;
  return offer;
}

// TLS 1.3 only with this suite.
TlsOffer tls13With(const std::string& suite) {
  TlsOffer offer;
  offer.min = TlsVersion::k1_3;
  offer.tls13_suites = suite;
  return offer;
}

TlsOffer onlyVersion(TlsVersion version) {
  TlsOffer offer;
  offer.min = version;
  offer.max = version;
  return offer;
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("lv-tls-test-" + std::to_string(::getpid())));
    const std::string command = "bash '" LV_TLS_CERT_SCRIPT "' '" + dir_->string() + "'";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }

  static std::string file(const char* name) { return (*dir_ / name).string(); }

  static Config tlsConfig() {
    Config config = testing::testConfig();
    config.tls_certificate = file("server.pem");
    config.tls_private_key = file("server.key");
    return config;
  }

  // A source that loadConfig accepts, with the test certificate and key.
  static Poco::AutoPtr<Poco::Util::MapConfiguration> tlsSource() {
    Poco::AutoPtr<Poco::Util::MapConfiguration> source = new Poco::Util::MapConfiguration;
    source->setString("storage.data_dir", "var/data");
    source->setString("storage.database", "var/lessonvault.db");
    source->setString("storage.keys_dir", "var/keys");
    source->setString("server.tls_certificate", file("server.pem"));
    source->setString("server.tls_private_key", file("server.key"));
    source->setString("server.public_origin", "https://127.0.0.1:8443");
    return source;
  }

  static void expectConfigError(const Poco::Util::MapConfiguration& source, const std::string& key,
                                const std::string& fragment) {
    const auto config = loadConfig(source);
    ASSERT_FALSE(config.has_value()) << "expected an error for " << key;
    EXPECT_EQ(config.error().key, key) << config.error().describe();
    EXPECT_NE(config.error().message.find(fragment), std::string::npos) << config.error().message;
  }

  void SetUp() override {
    service_ = std::make_unique<HttpService>(tlsConfig(), makeRouter(Services{}));
    service_->start();
  }
  void TearDown() override { service_->stop(std::chrono::seconds(2)); }

  testing::TlsOutcome get(const TlsOffer& offer) {
    return testing::tlsGet(service_->port(), file("ca.pem"), offer);
  }

  static fs::path* dir_;
  std::unique_ptr<HttpService> service_;
};

fs::path* TlsTest::dir_ = nullptr;

TEST_F(TlsTest, Tls13AnswersWithHsts) {
  EXPECT_EQ(service_->url().rfind("https://127.0.0.1:", 0), 0u) << service_->url();
  const auto outcome = get({});
  ASSERT_TRUE(outcome.connected) << outcome.error;
  EXPECT_EQ(outcome.version, "TLSv1.3");
  EXPECT_EQ(outcome.head.rfind("HTTP/1.1 200", 0), 0u) << outcome.head;
  EXPECT_NE(outcome.head.find(kHsts), std::string::npos) << outcome.head;
}

TEST_F(TlsTest, EveryTls13SuiteWorks) {
  for (const char* suite :
       {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
    SCOPED_TRACE(suite);
    const auto outcome = get(tls13With(suite));
    ASSERT_TRUE(outcome.connected) << outcome.error;
    EXPECT_EQ(outcome.cipher, suite);
  }
}

TEST_F(TlsTest, Tls12WorksWithIntermediateCiphers) {
  for (const char* cipher : {"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384",
                             "ECDHE-RSA-CHACHA20-POLY1305"}) {
    SCOPED_TRACE(cipher);
    const auto outcome = get(tls12With(cipher));
    ASSERT_TRUE(outcome.connected) << outcome.error;
    EXPECT_EQ(outcome.version, "TLSv1.2");
    EXPECT_EQ(outcome.cipher, cipher);
    EXPECT_NE(outcome.head.find(kHsts), std::string::npos) << outcome.head;
  }
}

TEST_F(TlsTest, ServerOrderWinsOverClientOrder) {
  // The client prefers ChaCha20; the server's list puts AES-128-GCM first.
  const auto outcome = get(tls12With(
      "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256"));
  ASSERT_TRUE(outcome.connected) << outcome.error;
  EXPECT_EQ(outcome.cipher, "ECDHE-RSA-AES128-GCM-SHA256");
}

TEST_F(TlsTest, Tls11AndTls10AreRefused) {
  for (const TlsVersion version : {TlsVersion::k1_0, TlsVersion::k1_1}) {
    SCOPED_TRACE(static_cast<int>(version));
    const auto outcome = get(onlyVersion(version));
    EXPECT_FALSE(outcome.connected) << outcome.version;
    // The server's alert, not a refusal of this client's own.
    EXPECT_NE(outcome.error.find("alert protocol version"), std::string::npos) << outcome.error;
  }
}

TEST_F(TlsTest, WeakTls12CiphersAreRefused) {
  // RSA key exchange, CBC with SHA-1 or SHA-256, and DHE (left out on purpose).
  for (const char* cipher :
       {"AES128-SHA", "AES128-GCM-SHA256", "AES256-SHA256", "ECDHE-RSA-AES128-SHA",
        "ECDHE-RSA-AES256-SHA384", "DHE-RSA-AES128-GCM-SHA256"}) {
    SCOPED_TRACE(cipher);
    const auto outcome = get(tls12With(std::string(cipher) + ":@SECLEVEL=0"));
    EXPECT_FALSE(outcome.connected) << outcome.cipher;
    EXPECT_NE(outcome.error.find("alert handshake failure"), std::string::npos) << outcome.error;
  }
}

TEST_F(TlsTest, NoSessionTicketsButTls12ResumesBySessionId) {
  const auto tls12 = testing::tlsResume(service_->port(), file("ca.pem"), tls12With(""));
  ASSERT_TRUE(tls12.first.connected) << tls12.first.error;
  ASSERT_TRUE(tls12.second.connected) << tls12.second.error;
  EXPECT_FALSE(tls12.ticket_received);
  EXPECT_TRUE(tls12.second.resumed);

  // TLS 1.3 resumes only with tickets, and the server sends none.
  const auto tls13 = testing::tlsResume(service_->port(), file("ca.pem"), tls13With(""));
  ASSERT_TRUE(tls13.first.connected) << tls13.first.error;
  ASSERT_TRUE(tls13.second.connected) << tls13.second.error;
  EXPECT_FALSE(tls13.ticket_received);
  EXPECT_FALSE(tls13.second.resumed);
}

TEST_F(TlsTest, PlainHttpOnTheHttpsPortGetsNoAnswerAndServingGoesOn) {
  // The handshake fails on the worker thread; it must neither answer in plaintext nor take
  // the listener down.
  EXPECT_ANY_THROW(testing::fetch(service_->port(), "GET", "/healthz"));
  const auto outcome = get({});
  ASSERT_TRUE(outcome.connected) << outcome.error;
  EXPECT_EQ(outcome.head.rfind("HTTP/1.1 200", 0), 0u) << outcome.head;
}

TEST_F(TlsTest, PlainHttpHasNoHsts) {
  testing::TestServer plain(makeRouter(Services{}));
  EXPECT_EQ(plain.service().url().rfind("http://127.0.0.1:", 0), 0u);
  const auto result = testing::fetch(plain.port(), "GET", "/healthz");
  EXPECT_EQ(result.status, 200);
  EXPECT_FALSE(result.headers.has("Strict-Transport-Security"));
}

TEST_F(TlsTest, ConfigAcceptsCertificateAndKey) {
  auto source = tlsSource();
  source->setString("server.host", "0.0.0.0");  // with TLS, any interface
  source->setString("server.tls_ca_chain", file("ca.pem"));
  const auto config = loadConfig(*source);
  ASSERT_TRUE(config.has_value()) << config.error().describe();
  EXPECT_TRUE(tlsEnabled(*config));
  EXPECT_EQ(config->tls_ca_chain, file("ca.pem"));
}

TEST_F(TlsTest, ConfigNamesTheBadKey) {
  struct Case {
    const char* key;
    std::string value;
    const char* fragment;
  };
  const Case cases[] = {
      {"server.tls_private_key", file("missing.key"), "No such file or directory"},
      {"server.tls_private_key", file("other.key"), "is not the private key of the certificate"},
      {"server.tls_private_key", file("encrypted.key"), "unencrypted PEM private key"},
      {"server.tls_private_key", file("server.pem"), "unencrypted PEM private key"},
      {"server.tls_private_key", file("open.key"), "accessible to every user (mode 0644)"},
      {"server.tls_certificate", file("server.key"), "does not hold PEM certificates"},
      {"server.tls_certificate", file("missing.pem"), "No such file or directory"},
      {"server.tls_ca_chain", file("missing-chain.pem"), "No such file or directory"},
      {"server.tls_private_key", "", "go together"},
      {"server.public_origin", "http://127.0.0.1:8080", "expected an https:// origin"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.key) + " = " + c.value);
    auto source = tlsSource();
    source->setString(c.key, c.value);
    expectConfigError(*source, c.key, c.fragment);
  }
}

TEST_F(TlsTest, PlainHttpOnlyOnLoopbackUnlessBehindATlsProxy) {
  Poco::AutoPtr<Poco::Util::MapConfiguration> source = tlsSource();
  source->remove("server.tls_certificate");
  source->remove("server.tls_private_key");
  source->setString("server.public_origin", "http://127.0.0.1:8080");
  for (const char* host : {"127.0.0.1", "127.1.2.3", "::1", "localhost"}) {
    SCOPED_TRACE(host);
    source->setString("server.host", host);
    EXPECT_TRUE(loadConfig(*source).has_value());
  }
  source->setString("server.host", "0.0.0.0");
  expectConfigError(*source, "server.host", "not a loopback address");
  source->setString("server.trusted_proxies", "10.0.0.5");
  expectConfigError(*source, "server.host", "https:// server.public_origin");
  source->setString("server.public_origin", "https://lessonvault.school.nl");
  EXPECT_TRUE(loadConfig(*source).has_value());
  source->setString("server.tls_ca_chain", file("ca.pem"));
  expectConfigError(*source, "server.tls_ca_chain", "only together with");
}

}  // namespace
}  // namespace server
