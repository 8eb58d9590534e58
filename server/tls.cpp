#include "server/tls.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <expected>
#include <memory>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/IPAddress.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace server {
namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

// Mozilla: a shared cache of about 40000 sessions, kept for a day.
constexpr long kSessionCacheSize = 40000;
constexpr long kSessionTimeoutS = 86400;

// OpenSSL's per-thread error queue, drained into one line (and so emptied for the next call).
std::string drainOpenSslErrors() {
  std::string out;
  while (const unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    if (!out.empty()) out += "; ";
    out += text;
  }
  return out.empty() ? "no detail from OpenSSL" : out;
}

std::expected<BioPtr, std::string> openFile(const std::string& path) {
  // fopen rather than BIO_new_file: errno gives the operator "Permission denied" or "No such
  // file or directory" instead of an OpenSSL error string.
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr)
    return std::unexpected("cannot read \"" + path + "\": " + std::strerror(errno));
  BioPtr bio(BIO_new_fp(file, BIO_CLOSE));
  if (!bio) {
    std::fclose(file);
    return std::unexpected("cannot read \"" + path + "\": " + drainOpenSslErrors());
  }
  return bio;
}

// Never prompts: an encrypted key cannot be used by a service that starts unattended.
int refusePassphrase(char*, int, int, void*) { return 0; }

// Every certificate in a PEM file, in order; at least one.
std::expected<std::vector<X509Ptr>, std::string> readCertificates(const std::string& path) {
  auto bio = openFile(path);
  if (!bio) return std::unexpected(bio.error());
  std::vector<X509Ptr> certs;
  while (X509* cert = PEM_read_bio_X509(bio->get(), nullptr, refusePassphrase, nullptr)) {
    certs.emplace_back(cert);
  }
  // The loop ends on "no start line" at the end of the file; anything else is a broken PEM.
  const unsigned long last = ERR_peek_last_error();
  if (certs.empty() || (last != 0 && ERR_GET_REASON(last) != PEM_R_NO_START_LINE)) {
    const std::string detail = drainOpenSslErrors();
    return std::unexpected("\"" + path + "\" does not hold PEM certificates (" + detail + ")");
  }
  ERR_clear_error();
  return certs;
}

std::expected<EvpPkeyPtr, std::string> readPrivateKey(const std::string& path) {
  auto bio = openFile(path);
  if (!bio) return std::unexpected(bio.error());
  // Like the master key files: a key every local user can read is not a secret any more.
  // Group access stays allowed (Debian's ssl-cert group, a key shared with a proxy).
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & S_IRWXO) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    return std::unexpected("\"" + path + "\" is accessible to every user (mode " + mode +
                           "); run chmod o-rwx on it");
  }
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio->get(), nullptr, refusePassphrase, nullptr));
  if (!key) {
    return std::unexpected("\"" + path + "\" does not hold an unencrypted PEM private key (" +
                           drainOpenSslErrors() + ")");
  }
  return key;
}

// What the listener serves: the leaf, its private key and the intermediates sent with it.
struct Identity {
  X509Ptr leaf;
  EvpPkeyPtr key;
  std::vector<X509Ptr> chain;
};

std::expected<Identity, ConfigError> loadIdentity(const Config& config) {
  auto certs = readCertificates(config.tls_certificate);
  if (!certs) return std::unexpected(ConfigError{"server.tls_certificate", certs.error()});
  auto key = readPrivateKey(config.tls_private_key);
  if (!key) return std::unexpected(ConfigError{"server.tls_private_key", key.error()});
  Identity identity{std::move(certs->front()), std::move(*key), {}};
  // A "full chain" file (what ACME clients write) carries the intermediates after the leaf.
  for (auto it = certs->begin() + 1; it != certs->end(); ++it)
    identity.chain.push_back(std::move(*it));
  if (!config.tls_ca_chain.empty()) {
    auto chain = readCertificates(config.tls_ca_chain);
    if (!chain) return std::unexpected(ConfigError{"server.tls_ca_chain", chain.error()});
    for (auto& cert : *chain) identity.chain.push_back(std::move(cert));
  }
  if (X509_check_private_key(identity.leaf.get(), identity.key.get()) != 1) {
    drainOpenSslErrors();
    return std::unexpected(ConfigError{"server.tls_private_key",
                                       "\"" + config.tls_private_key +
                                           "\" is not the private key of the certificate in \"" +
                                           config.tls_certificate + "\""});
  }
  return identity;
}

void require(bool ok, const char* what) {
  if (!ok)
    throw std::runtime_error(std::string("TLS setup: ") + what + ": " + drainOpenSslErrors());
}

void applyIdentity(SSL_CTX* ctx, const Identity& identity) {
  // The SSL_CTX takes its own references, so the Identity can go when this returns.
  require(SSL_CTX_use_certificate(ctx, identity.leaf.get()) == 1, "certificate");
  require(SSL_CTX_use_PrivateKey(ctx, identity.key.get()) == 1, "private key");
  for (const auto& cert : identity.chain) {
    require(SSL_CTX_add1_chain_cert(ctx, cert.get()) == 1, "chain certificate");
  }
  require(SSL_CTX_check_private_key(ctx) == 1, "key check");
}

void applyProtocolSettings(SSL_CTX* ctx) {
  require(SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1, "minimum version");
  require(SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1, "maximum version");
  require(SSL_CTX_set_cipher_list(ctx, std::string(kTls12Ciphers).c_str()) == 1, "ciphers");
  require(SSL_CTX_set_ciphersuites(ctx, std::string(kTls13Ciphers).c_str()) == 1, "suites");
  require(SSL_CTX_set1_groups_list(ctx, std::string(kTlsGroups).c_str()) == 1, "groups");
  // No stateless tickets (Mozilla): their key would live for the whole process and a stolen
  // key decrypts every session resumed with it. TLS 1.2 resumes by session ID from the cache.
  SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION |
                               SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET);
  // TLS 1.3 would still send (stateful) tickets after the handshake; whether a client reads
  // them before it closes is a race, which made testssl's resumption check flaky. Without them
  // a new TLS 1.3 connection costs one full handshake; keep-alive makes that rare.
  require(SSL_CTX_set_num_tickets(ctx, 0) == 1, "TLS 1.3 tickets");
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);  // no client certificates asked for
}

}  // namespace

bool tlsEnabled(const Config& config) { return !config.tls_certificate.empty(); }

bool isLoopbackHost(const std::string& host) {
  if (host == "localhost") return true;
  Poco::Net::IPAddress address;
  return Poco::Net::IPAddress::tryParse(host, address) && address.isLoopback();
}

std::optional<ConfigError> checkTransport(const Config& config) {
  if (config.tls_certificate.empty() != config.tls_private_key.empty()) {
    const bool cert_missing = config.tls_certificate.empty();
    return ConfigError{cert_missing ? "server.tls_certificate" : "server.tls_private_key",
                       "server.tls_certificate and server.tls_private_key go together: set both "
                       "for HTTPS or neither for development mode"};
  }
  if (!tlsEnabled(config)) {
    if (!config.tls_ca_chain.empty()) {
      return ConfigError{"server.tls_ca_chain", "set only together with server.tls_certificate"};
    }
    const bool behind_proxy =
        !config.trusted_proxies.empty() && config.public_origin.starts_with("https://");
    if (!isLoopbackHost(config.listen_host) && !behind_proxy) {
      return ConfigError{
          "server.host",
          "\"" + config.listen_host +
              "\" is not a loopback address, and without TLS the "
              "server listens on loopback only (development mode). Set server.tls_certificate and "
              "server.tls_private_key, or, behind a TLS-terminating reverse proxy, set "
              "server.trusted_proxies and an https:// server.public_origin"};
    }
    return std::nullopt;
  }
  if (auto identity = loadIdentity(config); !identity) return identity.error();
  // Browsers send the https:// origin; an http:// one would fail every login's Origin check.
  if (!config.public_origin.starts_with("https://")) {
    return ConfigError{"server.public_origin",
                       "with server.tls_certificate set, browsers reach the service over HTTPS: "
                       "expected an https:// origin, got \"" +
                           config.public_origin + "\""};
  }
  return std::nullopt;
}

Poco::AutoPtr<Poco::Net::Context> makeTlsContext(const Config& config) {
  auto identity = loadIdentity(config);
  if (!identity) throw std::runtime_error(identity.error().describe());
  Poco::Net::Context::Params params;
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;
  params.loadDefaultCAs = false;
  params.cipherList = std::string(kTls12Ciphers);
  params.dhUse2048Bits = true;  // unused (no DHE suites), but never the 1024-bit default
  Poco::Net::Context::Ptr context;
  try {
    context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("TLS setup: " + e.displayText());
  }
  SSL_CTX* ctx = context->sslContext();
  applyIdentity(ctx, *identity);
  applyProtocolSettings(ctx);
  context->enableSessionCache(true, "lessonvault");
  context->setSessionCacheSize(kSessionCacheSize);
  context->setSessionTimeout(kSessionTimeoutS);
  return context;
}

}  // namespace server
