#!/usr/bin/env bash
# Writes a throw-away test CA and a server certificate for 127.0.0.1 into DIR, with the
# openssl CLI, for the HTTPS tests (the gtest suite and the testssl run):
#   ca.pem           the test CA (self-signed, RSA 2048) — clients trust it (testssl --add-ca)
#   server.pem       leaf: SAN IP:127.0.0.1 and DNS:localhost, 90 days (well under the 397 days
#                    browsers accept), serverAuth, a CRL distribution point URI (testssl wants
#                    a revocation source), RSA 2048 (Mozilla intermediate allows RSA 2048)
#   server.key       its private key (mode 0600)
#   other.key        an unrelated key, for the "key does not match" test
#   encrypted.key    a passphrase-protected key, which the server must refuse
#   open.key         server.key with mode 0644, which the server must refuse
# Usage: make_test_certs.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir"
cd "$dir"
umask 077

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -keyout ca.key -out ca.pem \
  -subj "/O=LessonVault tests/CN=LessonVault test CA" \
  -addext "basicConstraints=critical,CA:true" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

openssl req -newkey rsa:2048 -nodes -sha256 -keyout server.key -out server.csr \
  -subj "/O=LessonVault tests/CN=127.0.0.1" 2>/dev/null

cat > server.ext <<EXT
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
crlDistributionPoints = URI:http://127.0.0.1/lessonvault-test-ca.crl
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 90 \
  -extfile server.ext -out server.pem 2>/dev/null

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out other.key 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes256 -pass pass:secret \
  -out encrypted.key 2>/dev/null
cp server.key open.key
chmod 0644 open.key
rm -f server.csr server.ext ca.srl
