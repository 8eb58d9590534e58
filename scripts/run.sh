#!/usr/bin/env bash
# Runs LessonVault on this machine for trying it out: builds if needed, creates
# ./var/ on first start (a generated master key, mode 0600, and the SQLite
# database), and starts the server on http://127.0.0.1:8080 with the example
# config server/lessonvault.properties. A second run reuses ./var/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
config=server/lessonvault.properties
build/bin/lessonvault-admin --config "$config" init

cat <<TXT

LessonVault is starting (development mode: plain HTTP on 127.0.0.1 only).
  Open:      http://127.0.0.1:8080/healthz
  Data:      ./var/data (encrypted), database ./var/lessonvault.db, key ./var/keys
  Log in:    accounts and the web app are not built yet; the operator CLI is
             build/bin/lessonvault-admin --config $config --help
  Stop:      Ctrl-C (or SIGTERM)

TXT
exec build/bin/lessonvault --config "$config"
