#!/usr/bin/env bash
# End to end against the real lessonvault process: accounts from the CLI, an
# upload with tus-js-client (aborted and resumed), playback with ffmpeg, Range
# requests, refusals, invariant 1 (upload_e2e.mjs); then the audit chain verifies.
# Usage: service_e2e.sh BIN_DIR MEDIA_DIR     (needs `npm ci` in scripts/e2e first)
set -euo pipefail
bin=$1
media=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
server_pid=
cleanup() {
  [[ -n $server_pid ]] && kill -KILL "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# A recording of at least 60 MB, made once and kept with the other fixtures.
fixture=$("$here/make_e2e_fixture.sh" "$media")

cat > "$tmp/lv.properties" <<CONF
server.port = 0
storage.data_dir = $tmp/var/data
storage.database = $tmp/var/lv.db
storage.keys_dir = $tmp/var/keys
auth.scrypt_log_n = 14
CONF
admin() { "$bin/lessonvault-admin" --config "$tmp/lv.properties" "$@"; }
admin init > /dev/null
cat > "$tmp/roster.csv" <<CSV
external_id,display_name,role,birth_date,guardian_of,left_on
T-1,Anna Smit,staff,,,
T-2,Bert Kok,staff,,,
T-3,Carla Bos,staff,,,
CSV
admin import-roster "$tmp/roster.csv" > /dev/null
password() { admin create-account "$1" "$2" | sed -n 's/^one-time password for [a-z]*: //p'; }
anna=$(password T-1 anna)
bert=$(password T-2 bert)
carla=$(password T-3 carla)

"$bin/lessonvault" --config "$tmp/lv.properties" > "$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/server.log" && break; sleep 0.1; done
url=$(grep -o 'listening on http://[0-9.:]*' "$tmp/server.log" | head -1 | sed 's/listening on //')
[[ -n $url ]] || { cat "$tmp/server.log"; exit 1; }

node "$here/upload_e2e.mjs" "$url" "$fixture" "$tmp/var/data" "$anna" "$bert" "$carla"
. "$tmp/var/e2e.env"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Range requests through curl's own client.
media="$url/api/recordings/$id/media.mp4"
size=$(curl -s -I -H "Cookie: $bert_cookie" "$media" | tr -d '\r' | sed -n 's/^Content-Length: //p')
[[ $size -gt 0 ]] || fail "no Content-Length"
check_range() {  # range, expected Content-Range, expected status
  local out
  out=$(curl -s -o /dev/null -D - -H "Cookie: $bert_cookie" -r "$1" "$media" | tr -d '\r')
  [[ $out == *"HTTP/1.1 $3"* && $out == *"Content-Range: $2"* ]] ||
    fail "curl -r $1: expected $3 with $2, got: $out"
}
check_range 0-99 "bytes 0-99/$size" 206
check_range 500- "bytes 500-$((size - 1))/$size" 206
check_range -100 "bytes $((size - 100))-$((size - 1))/$size" 206
check_range "$size-" "bytes */$size" 416
echo "curl: Range cases answered exactly"

kill -TERM "$server_pid"
wait "$server_pid"
server_pid=
head=$(grep -o 'audit head [0-9]*:[0-9a-f]*' "$tmp/server.log" | tail -1 | sed 's/audit head //')
admin audit-verify --expect-head "$head"

# Expiry through the CLI, as if the day after the end date had come.
after=$(date -d "$end + 1 day" +%F)
admin sweep --now "$after" | grep -q "deleted 1 recordings past their purpose end" ||
  fail "the sweep did not delete the recording"
[[ -z $(ls "$tmp/var/data/objects") ]] || fail "files left after the sweep"
keys=$(sqlite3 "$tmp/var/lv.db" "SELECT count(*) FROM data_keys WHERE recording_id = '$id'")
[[ $keys == 0 ]] || fail "the data key survived the sweep"
receipt=$(sqlite3 "$tmp/var/lv.db" "SELECT reason FROM deletion_receipts WHERE recording_id = '$id'")
[[ $receipt == purpose_ended ]] || fail "no deletion receipt: '$receipt'"
audited=$(sqlite3 "$tmp/var/lv.db" \
  "SELECT count(*) FROM audit WHERE action = 'delete_recording' AND object = '$id'")
[[ $audited == 1 ]] || fail "the deletion was not audited"
admin audit-verify > /dev/null
"$bin/lessonvault" --config "$tmp/lv.properties" > "$tmp/server2.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/server2.log" && break; sleep 0.1; done
url=$(grep -o 'listening on http://[0-9.:]*' "$tmp/server2.log" | head -1 | sed 's/listening on //')
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$url/api/recordings/$id")
[[ $status == 404 ]] || fail "after the sweep the recording answers $status"
echo "sweep --now: gone from the API, the disk and the keys; receipt and audit kept; chain verifies"
kill -TERM "$server_pid"
wait "$server_pid"
server_pid=
