#!/usr/bin/env bash
# Command-line behaviour of the lessonvault binary: --help, --version, and start-up refused
# (non-zero exit, the offending key named on stderr) for bad configuration.
# Usage: cli_test.sh PATH_TO_LESSONVAULT
set -uo pipefail

bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run EXPECTED_RC NEEDLE ARGS...: runs the binary, checks its exit code and that NEEDLE
# appears in its combined output.
run() {
  local expected_rc=$1 needle=$2
  shift 2
  local output rc
  output=$(timeout 10 "$bin" "$@" 2>&1)
  rc=$?
  if [[ $rc -ne $expected_rc ]]; then
    fail "lessonvault $* exited $rc, expected $expected_rc; output: $output"
  fi
  if [[ $output != *"$needle"* ]]; then
    fail "lessonvault $* did not print '$needle'; output: $output"
  fi
}

# A valid configuration; tests derive broken ones from it.
write_config() {
  cat > "$1" <<CONF
server.host = 127.0.0.1
server.port = 0
storage.data_dir = $tmp/data
storage.database = $tmp/lv.db
storage.keys_dir = $tmp/keys
CONF
}

for flag in --help -h; do
  for needle in --config --help --version storage.data_dir school.time_zone; do
    run 0 "$needle" "$flag"
  done
done
run 0 "lessonvault 0." --version

run 78 "/nonexistent/lv.properties" --config /nonexistent/lv.properties

write_config "$tmp/good.properties"

grep -v '^storage.data_dir' "$tmp/good.properties" > "$tmp/missing.properties"
run 78 "storage.data_dir: required key is missing" --config "$tmp/missing.properties"
run 78 "storage.data_dir: required key is missing" -c "$tmp/missing.properties"
run 78 "storage.data_dir: required key is missing" --config="$tmp/missing.properties"

sed 's/^server.port = 0/server.port = 80x/' "$tmp/good.properties" > "$tmp/port.properties"
run 78 'server.port: expected an integer 0..65535, got "80x"' --config "$tmp/port.properties"

{ cat "$tmp/good.properties"; echo "server.prot = 8080"; } > "$tmp/typo.properties"
run 78 "server.prot: unknown key" --config "$tmp/typo.properties"

{ cat "$tmp/good.properties"; echo "log.file = $tmp/no-such-dir/lv.log"; } > "$tmp/log.properties"
run 78 "log.file: cannot open" --config "$tmp/log.properties"

run 64 "unexpected argument" --config "$tmp/good.properties" stray
output=$(timeout 10 "$bin" --no-such-option 2>&1) && fail "--no-such-option was accepted: $output"

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed" >&2
  exit 1
fi
echo "all CLI checks passed"
