#!/usr/bin/env bash
# Runs testssl (Debian package testssl.sh) against lessonvault's HTTPS listener, started as a
# process with a test CA and leaf from make_test_certs.sh, and fails on any finding rated LOW,
# MEDIUM, HIGH or CRITICAL (and on scan warnings, which mean a check did not run). Also checks
# that a key that does not match the certificate stops start-up with exit 78 naming the key,
# and that the server stops cleanly after the scan.
# Usage: testssl_test.sh LESSONVAULT LESSONVAULT_ADMIN MAKE_TEST_CERTS_SH
# TESTSSL_CHECKS overrides the checks run (default below: about 1 minute on 2 cores); it must
# include -p -S -P -h, whose findings are required below.
set -uo pipefail

bin=$1
admin=$2
make_certs=$3
checks=${TESTSSL_CHECKS-"-p -s -f -P -S -h -U -c -E"}
tmp=$(mktemp -d)
pid=
cleanup() {
  [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  [[ -f $tmp/out.log ]] && { echo "--- server stdout" >&2; tail -20 "$tmp/out.log" >&2; }
  [[ -f $tmp/err.log ]] && { echo "--- server stderr" >&2; cat "$tmp/err.log" >&2; }
  exit 1
}

command -v testssl > /dev/null || fail "testssl not installed (Debian package testssl.sh)"
bash "$make_certs" "$tmp/certs" || fail "cannot make the test certificates"

write_config() {  # write_config KEYFILE
  cat > "$tmp/lv.properties" <<CONF
server.host = 127.0.0.1
server.port = 0
server.threads = 16
server.public_origin = https://127.0.0.1
server.tls_certificate = $tmp/certs/server.pem
server.tls_private_key = $1
storage.data_dir = $tmp/data
storage.database = $tmp/lv.db
storage.keys_dir = $tmp/keys
log.level = information
CONF
}

# A key that is not the certificate's: no start, exit 78, the key named.
write_config "$tmp/certs/other.key"
"$bin" --config "$tmp/lv.properties" > "$tmp/out.log" 2> "$tmp/err.log"
rc=$?
[[ $rc -eq 78 ]] || fail "mismatched key: exit code $rc, expected 78"
grep -q 'server.tls_private_key: .*is not the private key of the certificate' "$tmp/err.log" ||
  fail "mismatched key: stderr does not name server.tls_private_key"

write_config "$tmp/certs/server.key"
"$admin" --config "$tmp/lv.properties" init > /dev/null || fail "lessonvault-admin init failed"
"$bin" --config "$tmp/lv.properties" > "$tmp/out.log" 2> "$tmp/err.log" &
pid=$!
port=
for _ in $(seq 100); do
  port=$(sed -n 's/.*"msg":"listening on https:\/\/127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$tmp/out.log")
  [[ -n $port ]] && break
  kill -0 "$pid" 2>/dev/null || fail "lessonvault exited before listening"
  sleep 0.1
done
[[ -n $port ]] || fail "no 'listening on https://' line within 10 s"

start=$SECONDS
# shellcheck disable=SC2086  # $checks is a list of flags
timeout 300 testssl --quiet --color 0 --warnings batch --nodns min \
  --add-ca "$tmp/certs/ca.pem" --connect-timeout 10 --openssl-timeout 10 \
  --jsonfile "$tmp/testssl.json" $checks "https://127.0.0.1:$port" > "$tmp/testssl.log" 2>&1
testssl_rc=$?
cat "$tmp/testssl.log"
echo "testssl ($checks) took $((SECONDS - start)) s, exit code $testssl_rc"
[[ $testssl_rc -ne 124 ]] || fail "testssl timed out after 300 s"
[[ -s $tmp/testssl.json ]] || fail "testssl wrote no JSON"

# A run that reached the server rates these OK; without them "no findings" would prove nothing.
for id in TLS1_3 TLS1_2 HSTS_time cert_chain_of_trust cipher_order; do
  jq -e --arg id "$id" 'any(.[]; .id == $id and .severity == "OK")' "$tmp/testssl.json" \
    > /dev/null || fail "testssl did not rate \"$id\" OK"
done

bad=$(jq -r '.[] | select(.severity | test("^(LOW|MEDIUM|HIGH|CRITICAL|WARN)$"))
             | "\(.severity)\t\(.id)\t\(.finding)"' "$tmp/testssl.json")
if [[ -n $bad ]]; then
  echo "findings rated LOW or worse (or scan warnings):"
  echo "$bad"
  fail "testssl found problems"
fi
echo "testssl: $(jq length "$tmp/testssl.json") findings, none LOW or worse"

# A clean stop after the scan's thousands of handshakes (under the sanitizer build this is
# where leaks in the TLS path would show).
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[[ $rc -eq 0 ]] || fail "exit code $rc after SIGTERM, expected 0"
