// HTTPS for the listener. checkTransport() validates the transport keys when the configuration
// is loaded (certificate and key readable and matching, the chain parseable, and no plaintext
// listener outside loopback); makeTlsContext() builds the Poco NetSSL server Context the
// listener wraps its socket in. The settings follow Mozilla's "intermediate" server-side TLS
// profile, with server cipher preference on; docs/server-tls.md says what and why.
//
// OpenSSL and NetSSL headers stay out of this header: callers that need the Context's
// definition include <Poco/Net/Context.h> themselves.
#pragma once

#include <optional>
#include <string_view>

#include <Poco/AutoPtr.h>

#include "server/config.h"

namespace Poco::Net {
class Context;
}

namespace server {

// TLS 1.2 suites of Mozilla's intermediate profile (v5.7) without the optional DHE ones, so
// no finite-field group has to be configured: ECDHE key exchange, AEAD ciphers only.
inline constexpr std::string_view kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// TLS 1.3 suites (all three of the standard AEAD ones, as Mozilla lists them).
inline constexpr std::string_view kTls13Ciphers =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// Key exchange groups, Mozilla's order.
inline constexpr std::string_view kTlsGroups = "X25519:prime256v1:secp384r1";

// True when server.tls_certificate is set: the listener speaks HTTPS only.
bool tlsEnabled(const Config& config);

// True when server.host is a loopback address (127.0.0.0/8, ::1) or "localhost".
bool isLoopbackHost(const std::string& host);

// The cross-key checks of the transport, run by loadConfig() after every key was read:
// - server.tls_certificate and server.tls_private_key are both set or both empty, and
//   server.tls_ca_chain only with them;
// - each file is readable and holds what it should (PEM certificates; an unencrypted private
//   key) and the key belongs to the certificate, and server.public_origin is https://;
// - without TLS, server.host is loopback, unless a TLS-terminating reverse proxy is declared:
//   server.trusted_proxies set and server.public_origin an https:// origin.
// Returns the first problem, naming the key it is about.
std::optional<ConfigError> checkTransport(const Config& config);

// The server Context for tlsEnabled(config): certificate, key and chain loaded, TLS 1.2-1.3,
// the ciphers and groups above, server preference, no compression, no renegotiation, no
// stateless session tickets (a server-side session cache instead), no client certificates.
// Throws std::runtime_error naming the key when a file fails to load (checkTransport() ran at
// load time, so only a file changed since then gets here).
Poco::AutoPtr<Poco::Net::Context> makeTlsContext(const Config& config);

}  // namespace server
