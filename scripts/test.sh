#!/usr/bin/env bash
# Installs what is missing, builds the normal and the sanitizer (ASan + UBSan)
# configurations, and runs every test suite on both. Exits non-zero on any
# failure; ends with one summary line over both runs.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/apt.sh

# Only tests need these, so a school's server never gets them from setup.sh.
# promtool (prometheus) lints /metrics; testssl.sh, jq and openssl: the HTTPS tests
# (tests/server/testssl_test.sh, make_test_certs.sh).
# chromium: the browser tests (scripts/e2e/web_*.mjs, playwright-core drives it; no browser
# is ever downloaded).
ensure_packages libgtest-dev libbenchmark-dev curl sqlite3 ffmpeg prometheus testssl.sh jq openssl \
  chromium ||
  exit 1
LV_BUILD_TESTS=ON scripts/setup.sh || exit 1
# The end-to-end clients (tus-js-client, playwright-core) from the committed lockfile.
echo "==> npm ci in scripts/e2e"
(cd scripts/e2e && npm ci --no-audit --no-fund --loglevel=error) || exit 1

echo "==> building the sanitizer configuration into build-asan/"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLV_SANITIZE=ON -DLV_BUILD_TESTS=ON >/dev/null &&
  cmake --build build-asan -j"$(nproc)" || exit 1

passed=0
failed=0
status=0
run_suite() {  # name, build dir
  local log
  log=$(mktemp)
  echo "==> ctest ($1)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$2" --output-on-failure -j"$(nproc)" 2>&1 | tee "$log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  local line total bad
  line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    status=1  # ctest did not even report
  else
    bad=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
    total=$(sed -E 's/.* failed out of ([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + total - bad))
    failed=$((failed + bad))
  fi
  rm -f "$log"
}
run_suite normal build
run_suite "asan+ubsan" build-asan

echo "test.sh: $passed passed, $failed failed"
exit "$status"
