#!/usr/bin/env bash
# SIGKILL of the server during 20 concurrent tus-js-client uploads, then a
# restart and a resume of every upload (crash_e2e.mjs).
# Usage: crash_e2e.sh BIN_DIR MEDIA_DIR     (needs `npm ci` in scripts/e2e first)
set -euo pipefail
bin=$1
media=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'pkill -KILL -f "$tmp/lv.properties" 2>/dev/null || true; rm -rf "$tmp"' EXIT

# 20 different H.264/AAC recordings of 3 to 8 MB, made once.
sources=$media/crash_sources
if [[ ! -f $sources/.complete ]]; then
  mkdir -p "$sources"
  for i in $(seq 1 20); do
    ffmpeg -v error -y -f lavfi -i "testsrc2=size=640x360:rate=25" \
      -f lavfi -i "sine=frequency=$((200 + 20 * i)):sample_rate=48000" -t $((3 + i % 6)) \
      -c:v libx264 -preset ultrafast -b:v 6M -g 25 -pix_fmt yuv420p -c:a aac -b:a 96k \
      -movflags +faststart "$sources/$(printf 'source_%02d.mp4' "$i")"
  done
  touch "$sources/.complete"
fi

cat > "$tmp/lv.properties" <<CONF
server.port = 0
storage.data_dir = $tmp/var/data
storage.database = $tmp/var/lv.db
storage.keys_dir = $tmp/var/keys
auth.scrypt_log_n = 14
media.ingest_workers = 2
CONF
admin() { "$bin/lessonvault-admin" --config "$tmp/lv.properties" "$@"; }
admin init > /dev/null
printf 'external_id,display_name,role,birth_date,guardian_of,left_on\nT-1,Anna Smit,staff,,,\n' \
  > "$tmp/roster.csv"
admin import-roster "$tmp/roster.csv" > /dev/null
anna=$(admin create-account T-1 anna | sed -n 's/^one-time password for [a-z]*: //p')
node "$here/crash_e2e.mjs" "$bin/lessonvault" "$tmp/lv.properties" "$sources" "$anna"
