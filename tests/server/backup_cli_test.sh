#!/usr/bin/env bash
# lessonvault-admin backup and restore through the real binaries: a backup
# beside a running server, restore refusing while it runs, into a non-empty
# installation without --force, and from a damaged backup; then a restore
# that reports the journal replay and the sweep.
# Usage: backup_cli_test.sh PATH_TO_LESSONVAULT_ADMIN PATH_TO_LESSONVAULT
set -uo pipefail
admin=$1
server=$2
tmp=$(mktemp -d)
server_pid=
trap '[[ -n $server_pid ]] && kill "$server_pid" 2> /dev/null; rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {
  local rc=$1 needle=$2 output status
  shift 2
  output=$("$@" 2>&1); status=$?
  [[ $status -eq $rc ]] || fail "$* exited $status, expected $rc: $output"
  [[ $output == *"$needle"* ]] || fail "$* did not print '$needle': $output"
  printf '%s' "$output"
}

cat > "$tmp/lv.properties" <<CONF
server.port = 0
storage.data_dir = $tmp/var/data
storage.database = $tmp/var/lv.db
storage.keys_dir = $tmp/keys
CONF
cfg=(--config "$tmp/lv.properties")
expect 0 "ready:" "$admin" "${cfg[@]}" init > /dev/null
expect 0 "backup DIR" "$admin" --help > /dev/null
expect 0 "restore DIR [--force]" "$admin" --help > /dev/null
expect 64 "wants one argument" "$admin" "${cfg[@]}" backup > /dev/null
expect 64 "unknown option --frobnicate" "$admin" "${cfg[@]}" restore "$tmp/b" --frobnicate > /dev/null

# A backup while the server runs: the online backup needs no lock.
"$server" "${cfg[@]}" > "$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/server.log" && break; sleep 0.1; done
grep -q "listening on" "$tmp/server.log" || fail "server did not start: $(cat "$tmp/server.log")"
expect 0 "backed up the database, 0 object(s)" "$admin" "${cfg[@]}" backup "$tmp/b1" > /dev/null
[[ $(stat -c %a "$tmp/b1") == 700 ]] || fail "backup directory is not mode 700"
[[ $(stat -c %a "$tmp/b1/lessonvault.db") == 600 ]] || fail "backup database is not mode 600"
head -1 "$tmp/b1/MANIFEST" | grep -qx "lessonvault-backup 1" || fail "no manifest header"
grep -Eq "^file [0-9a-f]{64} [0-9]+ lessonvault.db$" "$tmp/b1/MANIFEST" || fail "db not listed"
ls "$tmp/b1" | grep -q key && fail "a key file got into the backup"
expect 1 "stop it first" "$admin" "${cfg[@]}" restore "$tmp/b1" --force > /dev/null
kill -TERM "$server_pid"; wait "$server_pid"; server_pid=

expect 1 "is not empty" "$admin" "${cfg[@]}" backup "$tmp/b1" > /dev/null
expect 1 "without --force" "$admin" "${cfg[@]}" restore "$tmp/b1" > /dev/null
expect 1 "holds no MANIFEST" "$admin" "${cfg[@]}" restore "$tmp" > /dev/null

# A damaged backup is refused, naming the file, and leaves the installation alone.
cp -r "$tmp/b1" "$tmp/b2"
printf 'x' >> "$tmp/b2/lessonvault.db"
before=$(sha256sum < "$tmp/var/lv.db")
expect 1 "does not match its manifest: lessonvault.db has" \
  "$admin" "${cfg[@]}" restore "$tmp/b2" --force > /dev/null
[[ $(sha256sum < "$tmp/var/lv.db") == "$before" ]] || fail "a refused restore changed the database"

out=$(expect 0 "done: the server may be started" "$admin" "${cfg[@]}" restore "$tmp/b1" --force) \
  || exit 1
[[ $out == *"replayed the deletion journal; sweep:"* ]] || fail "no replay and sweep: $out"
expect 0 "ok:" "$admin" "${cfg[@]}" audit-verify > /dev/null
echo "ok"
