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

echo "==> building into build/"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLV_BUILD_TESTS="${LV_BUILD_TESTS:-OFF}" >/dev/null
cmake --build build -j"$(nproc)"
