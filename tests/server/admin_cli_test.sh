#!/usr/bin/env bash
# lessonvault-admin through its real entry point, and the server's refusal to
# start on an installation that is missing or unsafe.
# Usage: admin_cli_test.sh PATH_TO_LESSONVAULT_ADMIN PATH_TO_LESSONVAULT
set -uo pipefail
admin=$1
server=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
# expect RC NEEDLE CMD...: runs CMD, checks its exit code and that NEEDLE is in its output.
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
storage.keys_dir = $tmp/var/keys
CONF
cfg=(--config "$tmp/lv.properties")

expect 0 "Commands:" "$admin" --help > /dev/null
for word in init list-master-keys rotate-master-key retire-master-key --config; do
  expect 0 "$word" "$admin" --help > /dev/null
done
expect 64 "unknown command" "$admin" "${cfg[@]}" frobnicate > /dev/null
expect 64 "" "$admin" "${cfg[@]}" > /dev/null
expect 78 "storage.data_dir" "$admin" --config /dev/null init > /dev/null

# The server refuses to start before init, and says what to do.
expect 78 "lessonvault-admin init" "$server" "${cfg[@]}" > /dev/null

out=$(umask 022; expect 0 "ready:" "$admin" "${cfg[@]}" init) || exit 1
key=$(ls "$tmp/var/keys")
[[ $key =~ ^[0-9a-f]{32}\.key$ ]] || fail "unexpected key file name: $key"
[[ $(stat -c %a "$tmp/var/keys/$key") == 600 ]] || fail "key file is not mode 600"
[[ $(stat -c %a "$tmp/var/keys") == 700 ]] || fail "key directory is not mode 700"
[[ -f $tmp/var/lv.db ]] || fail "no database created"
[[ $(stat -c %a "$tmp/var/lv.db") == 600 ]] || fail "database is not mode 600"
out2=$(expect 0 "ready:" "$admin" "${cfg[@]}" init) || exit 1
[[ $out == "$out2" ]] || fail "a second init changed something: $out / $out2"

old=${key%.key}
expect 0 "$old  active" "$admin" "${cfg[@]}" list-master-keys > /dev/null
expect 1 "active key" "$admin" "${cfg[@]}" retire-master-key "$old" > /dev/null
expect 64 "not a master key id" "$admin" "${cfg[@]}" retire-master-key ../../etc/passwd > /dev/null
expect 0 "re-wrapped 0 data key(s)" "$admin" "${cfg[@]}" rotate-master-key > /dev/null
expect 0 "retired master key $old" "$admin" "${cfg[@]}" retire-master-key "$old" > /dev/null
[[ $(ls "$tmp/var/keys" | wc -l) == 1 ]] || fail "expected exactly one key file after retiring"

# While the server runs, the CLI refuses to open the same installation (it would
# otherwise sweep "orphan" files from under the server's writers).
"$server" "${cfg[@]}" > "$tmp/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/server.log" && break; sleep 0.1; done
grep -q "listening on" "$tmp/server.log" || fail "server did not start: $(cat "$tmp/server.log")"
expect 1 "stop it first" "$admin" "${cfg[@]}" rotate-master-key > /dev/null
expect 1 "stop it first" "$admin" "${cfg[@]}" init > /dev/null
kill -TERM "$server_pid"; wait "$server_pid"
expect 0 "active" "$admin" "${cfg[@]}" list-master-keys > /dev/null

# The audit chain: rotation and retirement above were audited; the server logs
# the head at start; editing an entry or cutting the tail is reported.
grep -q '"msg":"audit head 2:' "$tmp/server.log" || fail "the server did not log the audit head"
verified=$(expect 0 "ok: 2 entries, head 2:" "$admin" "${cfg[@]}" audit-verify) || exit 1
head=${verified##* }
expect 0 "ok: 2 entries" "$admin" "${cfg[@]}" audit-verify --expect-head "$head" > /dev/null
expect 64 "--expect-head wants" "$admin" "${cfg[@]}" audit-verify --expect-head nonsense > /dev/null
cp "$tmp/var/lv.db" "$tmp/lv.db.orig"
sqlite3 "$tmp/var/lv.db" "DELETE FROM audit WHERE seq = 2" || fail "sqlite3 failed"
expect 0 "ok: 1 entries" "$admin" "${cfg[@]}" audit-verify > /dev/null
expect 1 "entries were cut off" "$admin" "${cfg[@]}" audit-verify --expect-head "$head" > /dev/null
cp "$tmp/lv.db.orig" "$tmp/var/lv.db"
sqlite3 "$tmp/var/lv.db" "UPDATE audit SET actor = 'cli:uid1000' WHERE seq = 1" || fail "sqlite3 failed"
expect 1 "BROKEN at entry 1: entry 1 was altered" "$admin" "${cfg[@]}" audit-verify > /dev/null
cp "$tmp/lv.db.orig" "$tmp/var/lv.db"

# The roster: a bad line names its line and column and imports nothing; a good
# file imports, and importing it again changes nothing.
cat > "$tmp/roster.csv" <<'CSV'
external_id;display_name;role;birth_date;guardian_of;left_on
T-001;Anna de Vries;staff;;;
L-100;Sem Jansen;pupil;2012-02-29;;
O-500;Eva Jansen;guardian;;L-100;
CSV
cp "$tmp/roster.csv" "$tmp/bad.csv"
echo "L-101;Noor;pupil;2012-02-30;;" >> "$tmp/bad.csv"
expect 1 "line 5, column birth_date: \"2012-02-30\" is not a date" \
  "$admin" "${cfg[@]}" import-roster "$tmp/bad.csv" > /dev/null
expect 1 "nothing was imported" "$admin" "${cfg[@]}" import-roster "$tmp/bad.csv" > /dev/null
[[ $(sqlite3 "$tmp/var/lv.db" "SELECT count(*) FROM people") == 0 ]] || fail "a bad roster imported people"
expect 0 "3 added, 0 updated, 0 unchanged" "$admin" "${cfg[@]}" import-roster "$tmp/roster.csv" > /dev/null
expect 0 "0 added, 0 updated, 3 unchanged" "$admin" "${cfg[@]}" import-roster "$tmp/roster.csv" > /dev/null
expect 1 "cannot read" "$admin" "${cfg[@]}" import-roster "$tmp/missing.csv" > /dev/null
exported=$(expect 0 '"format": "lessonvault-person-export-v1"' "$admin" "${cfg[@]}" export-person O-500) || exit 1
[[ $exported == *'"display_name": "Eva Jansen"'* && $exported == *'"L-100"'* ]] ||
  fail "unexpected export: $exported"
[[ $exported != *"Sem Jansen"* ]] || fail "the export holds another person's name"
expect 1 "nobody has external id X-1" "$admin" "${cfg[@]}" export-person X-1 > /dev/null
register=$(expect 0 "processing register (R15)" "$admin" "${cfg[@]}" register) || exit 1
for needle in "at most 180 days (teacher training) or 365 days" "1 staff, 1 pupils, 1 guardians" \
    "guardian_access_recordings"; do
  [[ $register == *"$needle"* ]] || fail "register lacks '$needle': $register"
done

# Accounts: the first admin (scripts/run.sh), then accounts for roster people,
# reset, unlock, deactivate. A cheap scrypt keeps this quick; hashes carry their cost.
echo "auth.scrypt_log_n = 10" >> "$tmp/lv.properties"
boot=$(expect 0 "one-time password for admin: " "$admin" "${cfg[@]}" bootstrap-admin) || exit 1
[[ $boot =~ password\ for\ admin:\ ([a-z2-9-]{23}) ]] || fail "no password printed: $boot"
admin_password=${BASH_REMATCH[1]}
expect 0 "nothing to do" "$admin" "${cfg[@]}" bootstrap-admin > /dev/null
[[ $(sqlite3 "$tmp/var/lv.db" "SELECT count(*) FROM accounts a JOIN person_roles r
      ON r.person_id = a.person_id JOIN people p ON p.id = a.person_id WHERE a.username = 'admin'
      AND r.role = 'admin' AND a.must_change_password = 1 AND p.display_name = 'Beheerder'") == 1 ]] ||
  fail "bootstrap-admin did not create a Beheerder admin who must change the password"
# The printed password logs in to the real server, into a session that must change it.
"$server" "${cfg[@]}" > "$tmp/server2.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$tmp/server2.log" && break; sleep 0.1; done
url=$(grep -o 'listening on http://[0-9.:]*' "$tmp/server2.log" | head -1 | sed 's/listening on //')
[[ -n $url ]] || fail "server did not start: $(cat "$tmp/server2.log")"
login=$(curl -s -i -H "Origin: http://127.0.0.1:8080" -H "Content-Type: application/json" -X POST \
  --data "{\"username\":\"admin\",\"password\":\"$admin_password\"}" "$url/api/login")
kill -TERM "$server_pid"; wait "$server_pid"
[[ $login == *"HTTP/1.1 200"* && $login == *"__Host-lv_session="* &&
   $login == *'"must_change_password":true'* ]] || fail "admin could not log in: $login"

expect 0 "one-time password for anna" "$admin" "${cfg[@]}" create-account T-001 anna > /dev/null
expect 1 "username is taken" "$admin" "${cfg[@]}" create-account L-100 Anna > /dev/null
expect 1 "already has an account" "$admin" "${cfg[@]}" create-account T-001 anna2 > /dev/null
expect 1 'no person with external id "X-9"' "$admin" "${cfg[@]}" create-account X-9 x99 > /dev/null
expect 1 "username: expected 3 to 64" "$admin" "${cfg[@]}" create-account L-100 "no spaces" > /dev/null
expect 64 "--role wants" "$admin" "${cfg[@]}" create-account O-500 eva --role king > /dev/null
expect 64 "expected 2 argument(s)" "$admin" "${cfg[@]}" create-account O-500 > /dev/null
expect 0 "one-time password for eva" "$admin" "${cfg[@]}" create-account O-500 eva --role privacy_officer > /dev/null
[[ $(sqlite3 "$tmp/var/lv.db" "SELECT group_concat(role) FROM person_roles r JOIN people p
      ON p.id = r.person_id WHERE p.external_id = 'O-500' ORDER BY role") == *privacy_officer* ]] ||
  fail "--role did not give the role"
before=$(sqlite3 "$tmp/var/lv.db" "SELECT password_hash FROM accounts WHERE username = 'anna'")
sqlite3 "$tmp/var/lv.db" "UPDATE accounts SET must_change_password = 0 WHERE username = 'anna'"
expect 0 "one-time password for anna" "$admin" "${cfg[@]}" reset-password ANNA > /dev/null
[[ $(sqlite3 "$tmp/var/lv.db" "SELECT password_hash <> '$before' AND must_change_password = 1
      FROM accounts WHERE username = 'anna'") == 1 ]] || fail "reset-password changed nothing"
sqlite3 "$tmp/var/lv.db" "UPDATE accounts SET locked_until = 99999999999, failed_logins = 2 WHERE username = 'anna'"
expect 0 "unlocked anna" "$admin" "${cfg[@]}" unlock anna > /dev/null
[[ $(sqlite3 "$tmp/var/lv.db" "SELECT locked_until + failed_logins FROM accounts WHERE username = 'anna'") == 0 ]] ||
  fail "unlock left the lock"
expect 0 "deactivated anna" "$admin" "${cfg[@]}" deactivate anna > /dev/null
[[ $(sqlite3 "$tmp/var/lv.db" "SELECT active FROM accounts WHERE username = 'anna'") == 0 ]] ||
  fail "deactivate left the account active"
expect 1 'no account named "nobody"' "$admin" "${cfg[@]}" unlock nobody > /dev/null
# The audit names accounts by id, never by username or name.
[[ $(sqlite3 "$tmp/var/lv.db" "SELECT count(*) FROM audit WHERE object IN ('anna', 'eva', 'admin')
      OR reason LIKE '%anna%'") == 0 ]] || fail "a username reached the audit"
[[ $(sqlite3 "$tmp/var/lv.db" "SELECT count(*) FROM audit WHERE action IN ('create_account',
      'reset_password', 'unlock_account', 'deactivate_account')") == 6 ]] || fail "account changes not audited"
expect 0 "ok:" "$admin" "${cfg[@]}" audit-verify > /dev/null

# check-media: the verdict ingest would give, on a local file, storing nothing. The media
# fixtures come from the media_fixtures step (MEDIA_DIR, passed by ctest).
[[ -n ${MEDIA_DIR:-} ]] || fail "MEDIA_DIR is not set (ctest passes the media fixtures' directory)"
{
  expect 0 "accepted: remux" "$admin" "${cfg[@]}" check-media "$MEDIA_DIR/h264_aac_faststart.mp4" > /dev/null
  expect 0 "accepted: transcode (video hevc → h264; audio aac copied)" "$admin" "${cfg[@]}" check-media "$MEDIA_DIR/hevc_aac_tagged.mov" > /dev/null
  expect 1 "refused: corrupt: damaged" "$admin" "${cfg[@]}" check-media "$MEDIA_DIR/corrupt.mp4" > /dev/null
  expect 1 "refused: not_media" "$admin" "${cfg[@]}" check-media "$MEDIA_DIR/text.mp4" > /dev/null
  expect 1 '"code": "truncated"' "$admin" "${cfg[@]}" check-media "$MEDIA_DIR/truncated.mp4" --json > /dev/null
  expect 0 '"verdict": "accepted"' "$admin" "${cfg[@]}" check-media "$MEDIA_DIR/vp9_opus.webm" --json > /dev/null
  echo "media.max_duration_s = 1" >> "$tmp/lv.properties"
  expect 1 "too_long" "$admin" "${cfg[@]}" check-media "$MEDIA_DIR/h264_aac_faststart.mp4" > /dev/null
  sed -i '/^media.max_duration_s/d' "$tmp/lv.properties"
}
expect 1 "cannot read" "$admin" "${cfg[@]}" check-media "$tmp/nothing.mp4" > /dev/null

# A key file others can read stops both programs, naming the file and the fix.
new=$(ls "$tmp/var/keys")
chmod 644 "$tmp/var/keys/$new"
expect 1 "chmod 600" "$admin" "${cfg[@]}" list-master-keys > /dev/null
expect 78 "chmod 600" "$server" "${cfg[@]}" > /dev/null
echo "admin_cli_test: ok"
