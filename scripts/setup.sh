#!/usr/bin/env bash
# Installs exactly what building and running LessonVault need on Debian 12,
# then configures and builds into build/. Idempotent: a second run installs
# nothing and rebuilds only what changed.
#
#   scripts/setup.sh            build the programs
#   LV_BUILD_TESTS=ON scripts/setup.sh   also the test suites (scripts/test.sh does this)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/apt.sh

ensure_packages cmake g++ make pkg-config \
  libpoco-dev libssl-dev libsqlite3-dev tzdata \
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
# AES-256-GCM's faster engine on AVX-512 VAES CPUs (docs/storage-aes-gcm-engines.md);
# Debian builds it for amd64 only, and the build goes without it elsewhere.
if [ "$(dpkg --print-architecture)" = amd64 ]; then ensure_packages libipsec-mb-dev; fi

# The web app's two third-party scripts (hls.js, tus-js-client) come from npm, pinned by
# server/web/package-lock.json; CMake copies them into build/web.
command -v npm > /dev/null || ensure_packages nodejs npm
if [ ! -f server/web/node_modules/.package-lock.json ] ||
   [ server/web/package-lock.json -nt server/web/node_modules/.package-lock.json ]; then
  echo "==> npm ci in server/web"
  (cd server/web && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "==> building into build/"
# Without LV_BUILD_TESTS, keep what build/ was configured with: scripts/run.sh after
# scripts/test.sh must not switch the test suites off (their binaries would go stale).
# A new build/ gets no tests (a school's server has no GoogleTest).
tests=${LV_BUILD_TESTS:-$(sed -n 's/^LV_BUILD_TESTS:BOOL=//p' build/CMakeCache.txt 2>/dev/null)}
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLV_BUILD_TESTS="${tests:-OFF}" >/dev/null
cmake --build build -j"$(nproc)"
