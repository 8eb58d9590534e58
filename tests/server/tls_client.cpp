#include "tests/server/tls_client.h"

#include <memory>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace server::testing {
namespace {

struct SslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
struct SslFree {
  void operator()(SSL* ssl) const { SSL_free(ssl); }
};
struct BioFreeAll {
  void operator()(BIO* bio) const { BIO_free_all(bio); }
};

int toOpenSsl(TlsVersion version) {
  switch (version) {
    case TlsVersion::k1_0:
      return TLS1_VERSION;
    case TlsVersion::k1_1:
      return TLS1_1_VERSION;
    case TlsVersion::k1_2:
      return TLS1_2_VERSION;
    case TlsVersion::k1_3:
      return TLS1_3_VERSION;
  }
  return 0;
}

TlsOutcome failure(const std::string& step) {
  TlsOutcome outcome;
  outcome.error = step;
  while (const unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    outcome.error += std::string("; ") + text;
  }
  return outcome;
}

}  // namespace

namespace {

struct SslSessionFree {
  void operator()(SSL_SESSION* session) const { SSL_SESSION_free(session); }
};
using SslSessionPtr = std::unique_ptr<SSL_SESSION, SslSessionFree>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxFree>;

SslCtxPtr makeContext(const std::string& ca_file, const TlsOffer& offer) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return nullptr;
  SSL_CTX_set_min_proto_version(ctx.get(), toOpenSsl(offer.min));
  SSL_CTX_set_max_proto_version(ctx.get(), toOpenSsl(offer.max));
  // OpenSSL 3 allows TLS 1.0/1.1 only at security level 0; lower it when they are offered,
  // so that a refusal comes from the server and not from this client.
  std::string ciphers = offer.tls12_ciphers.empty() ? "DEFAULT" : offer.tls12_ciphers;
  if (offer.min < TlsVersion::k1_2) ciphers += ":@SECLEVEL=0";
  if (SSL_CTX_set_cipher_list(ctx.get(), ciphers.c_str()) != 1) return nullptr;
  if (!offer.tls13_suites.empty() &&
      SSL_CTX_set_ciphersuites(ctx.get(), offer.tls13_suites.c_str()) != 1) {
    return nullptr;
  }
  if (SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr) != 1) return nullptr;
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  return ctx;
}

// One connection: handshake (resuming `resume` if given), GET `path`, read to the end.
// `session` receives the connection's session afterwards (TLS 1.3 tickets arrive after the
// handshake, so it is taken once the answer has been read).
TlsOutcome exchange(SSL_CTX* ctx, std::uint16_t port, const std::string& path, SSL_SESSION* resume,
                    SslSessionPtr* session) {
  std::unique_ptr<BIO, BioFreeAll> bio(BIO_new_ssl_connect(ctx));
  if (!bio) return failure("BIO_new_ssl_connect");
  SSL* ssl = nullptr;
  BIO_get_ssl(bio.get(), &ssl);
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), "127.0.0.1");
  if (resume != nullptr) SSL_set_session(ssl, resume);
  BIO_set_conn_hostname(bio.get(), ("127.0.0.1:" + std::to_string(port)).c_str());
  if (BIO_do_handshake(bio.get()) != 1) return failure("handshake");

  TlsOutcome outcome;
  outcome.connected = true;
  outcome.version = SSL_get_version(ssl);
  outcome.cipher = SSL_get_cipher_name(ssl);
  outcome.resumed = SSL_session_reused(ssl) == 1;
  const std::string request =
      "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (BIO_write(bio.get(), request.data(), static_cast<int>(request.size())) <= 0) {
    return failure("write");
  }
  std::string answer;
  char buffer[4096];
  int got = 0;
  while ((got = BIO_read(bio.get(), buffer, sizeof buffer)) > 0) answer.append(buffer, got);
  outcome.head = answer.substr(0, answer.find("\r\n\r\n"));
  if (session != nullptr) session->reset(SSL_get1_session(ssl));
  return outcome;
}

}  // namespace

TlsOutcome tlsGet(std::uint16_t port, const std::string& ca_file, const TlsOffer& offer,
                  const std::string& path) {
  ERR_clear_error();
  const SslCtxPtr ctx = makeContext(ca_file, offer);
  if (!ctx) return failure("client context");
  return exchange(ctx.get(), port, path, nullptr, nullptr);
}

TlsResumption tlsResume(std::uint16_t port, const std::string& ca_file, const TlsOffer& offer) {
  ERR_clear_error();
  TlsResumption result;
  const SslCtxPtr ctx = makeContext(ca_file, offer);
  if (!ctx) {
    result.first = failure("client context");
    return result;
  }
  SslSessionPtr session;
  result.first = exchange(ctx.get(), port, "/healthz", nullptr, &session);
  if (!result.first.connected || !session) return result;
  result.ticket_received = SSL_SESSION_has_ticket(session.get()) == 1;
  result.second = exchange(ctx.get(), port, "/healthz", session.get(), nullptr);
  return result;
}

}  // namespace server::testing
