// A minimal HTTPS client on raw OpenSSL for the TLS tests. Unlike a general-purpose client it
// pins exactly which protocol versions and cipher suites it offers, so a test can tell what
// the server accepts and refuses, and it reports what was negotiated.
#pragma once

#include <cstdint>
#include <string>

namespace server::testing {

enum class TlsVersion { k1_0, k1_1, k1_2, k1_3 };

struct TlsOffer {
  TlsVersion min = TlsVersion::k1_2;
  TlsVersion max = TlsVersion::k1_3;
  // OpenSSL cipher strings; empty: OpenSSL's defaults. tls12_ciphers applies up to TLS 1.2.
  std::string tls12_ciphers;
  std::string tls13_suites;
};

struct TlsOutcome {
  bool connected = false;  // handshake done and the certificate verified against the CA
  std::string error;       // OpenSSL's errors when !connected
  std::string version;     // e.g. "TLSv1.3"
  std::string cipher;      // e.g. "ECDHE-RSA-AES128-GCM-SHA256"
  std::string head;        // status line and headers of the answer to GET `path`
  bool resumed = false;    // the handshake resumed an earlier session
};

// Connects to 127.0.0.1:port, verifies the server certificate against `ca_file` for the IP
// 127.0.0.1, then sends "GET path" and reads the answer's head. Never throws.
TlsOutcome tlsGet(std::uint16_t port, const std::string& ca_file, const TlsOffer& offer,
                  const std::string& path = "/healthz");

struct TlsResumption {
  TlsOutcome first;              // a full handshake
  bool ticket_received = false;  // the server sent a session ticket on the first connection
  TlsOutcome second;             // offering the first connection's session again
};

// Two connections with `offer`, the second trying to resume the first's session (by ticket or
// by session ID, whichever the first one got).
TlsResumption tlsResume(std::uint16_t port, const std::string& ca_file, const TlsOffer& offer);

}  // namespace server::testing
