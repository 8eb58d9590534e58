#!/usr/bin/env bash
# Runs lessonvault on an ephemeral port, checks /healthz with curl and the JSON log lines, then
# sends SIGTERM and expects a clean stop: exit code 0 within 10 s and a "stopped" log line,
# even with an idle connection and a half-sent request open.
# Usage: sigterm_test.sh PATH_TO_LESSONVAULT PATH_TO_LESSONVAULT_ADMIN
set -uo pipefail

bin=$1
admin=$2
tmp=$(mktemp -d)
pid=
cleanup() {
  [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- stdout" >&2; cat "$tmp/out.log" >&2
  echo "--- stderr" >&2; cat "$tmp/err.log" >&2
  exit 1
}

cat > "$tmp/lv.properties" <<CONF
server.port = 0
server.threads = 4
storage.data_dir = $tmp/data
storage.database = $tmp/lv.db
storage.keys_dir = $tmp/keys
log.level = information
CONF

"$admin" --config "$tmp/lv.properties" init > /dev/null || fail "lessonvault-admin init failed"
"$bin" --config "$tmp/lv.properties" > "$tmp/out.log" 2> "$tmp/err.log" &
pid=$!

port=
for _ in $(seq 100); do
  port=$(sed -n 's/.*"msg":"listening on http:\/\/127\.0\.0\.1:\([0-9]*\)".*/\1/p' "$tmp/out.log")
  [[ -n $port ]] && break
  kill -0 "$pid" 2>/dev/null || fail "lessonvault exited before listening"
  sleep 0.1
done
[[ -n $port ]] || fail "no 'listening on' line within 10 s"
[[ $port -ne 0 ]] || fail "logged port 0 instead of the bound port"

body=$(curl -sS --max-time 5 "http://127.0.0.1:$port/healthz") || fail "curl /healthz failed"
[[ $body == '{"status":"ok"}' ]] || fail "unexpected /healthz body: $body"

# Neither an idle connection (a browser's preconnect) nor a half-sent request may hold the
# stop beyond the grace period.
exec 3<>"/dev/tcp/127.0.0.1/$port" || fail "cannot open an idle connection"
exec 4<>"/dev/tcp/127.0.0.1/$port" || fail "cannot open a second connection"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&4
sleep 0.2  # let the server start reading that request

kill -TERM "$pid"
start=$SECONDS
while kill -0 "$pid" 2>/dev/null && ((SECONDS - start < 10)); do sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "still running 10 s after SIGTERM"
wait "$pid"
rc=$?
pid=
exec 3<&- 4<&-
echo "stopped $((SECONDS - start)) s after SIGTERM"
[[ $rc -eq 0 ]] || fail "exit code $rc after SIGTERM, expected 0"

grep -q '"msg":"stopped"' "$tmp/out.log" || fail "no 'stopped' log line"
line_re='^\{"ts":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z","level":"[a-z]+","source":"[^"]*","msg":".*"\}$'
bad=$(grep -Evc "$line_re" "$tmp/out.log")
[[ $bad -eq 0 ]] || fail "$bad stdout line(s) are not JSON log lines"
[[ -s $tmp/err.log ]] && fail "unexpected output on stderr"
echo "clean stop after SIGTERM"
