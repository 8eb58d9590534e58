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
# On first start this creates the account "admin" and prints its one-time
# password (once: note it now); later starts say there is nothing to do.
build/bin/lessonvault-admin --config "$config" bootstrap-admin

cat <<TXT

LessonVault is starting (development mode: plain HTTP on 127.0.0.1 only).
  Open:      http://127.0.0.1:8080/ (the web app; the API is described at /api/openapi.json)
  Data:      ./var/data (encrypted), database ./var/lessonvault.db, key ./var/keys
  Log in:    as "admin" with the one-time password printed above (first start only); the
             web app then asks for a new password and to set up two-step login (TOTP).
             Next: Beheer > import the roster CSV and create accounts for the staff.
             Lost the password? build/bin/lessonvault-admin --config $config
             reset-password admin (with the server stopped).
  Stop:      Ctrl-C (or SIGTERM)

TXT
exec build/bin/lessonvault --config "$config"
