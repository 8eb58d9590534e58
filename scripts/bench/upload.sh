#!/usr/bin/env bash
# Upload (issue 5): a 1 GiB file of random bytes sent with tus-js-client (Node, from
# scripts/e2e's lockfile) to LessonVault and to the anchor, @tus/server + @tus/file-store
# (plaintext, no fsync), both on 127.0.0.1, both storing on DIR's disk, the same chunk size
# (CHUNK_MIB, default 64). LessonVault also encrypts every chunk and makes it durable
# before acknowledging it. Timed from start() to onSuccess; LessonVault's ingest, which
# follows the last byte (and refuses random bytes as not_media), is waited for untimed
# before the next run. RUNS rounds (default 3) alternate the two (who goes first
# alternates too); medians in MB/s (10^6 bytes); the 1-minute load average before every run.
# Usage: scripts/bench/upload.sh [DIR]   (default var/bench). Needs build/bin/lessonvault
# and lessonvault-admin (scripts/setup.sh). Stops everything it started on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-var/bench}
runs=${RUNS:-3}
chunk_mib=${CHUNK_MIB:-64}
. scripts/bench/lib.sh
bench_packages
[ -x build/bin/lessonvault ] || { echo "build first: scripts/setup.sh" >&2; exit 1; }
[ -d scripts/e2e/node_modules ] || (cd scripts/e2e && npm ci --silent)
mkdir -p "$dir"
work=$(realpath "$(mktemp -d -p "$dir" upload.XXXXXX)")
anchor_pid=
cleanup() {
  [ -z "$anchor_pid" ] || { kill -TERM "$anchor_pid" 2>/dev/null; wait "$anchor_pid" 2>/dev/null; } || true
  lv_stop || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> 1 GiB of random bytes in $work"
head -c $((1 << 30)) /dev/urandom >"$work/random.bin"

echo "==> starting lessonvault and @tus/server (file store in $work/tus)"
lv_start "$work" "server.upload_max_mib = 2048"
mkdir -p "$work/tus"
: >"$work/anchor.log"
node scripts/e2e/tus_anchor_server.mjs "$work/tus" >"$work/anchor.log" 2>&1 &
anchor_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/anchor.log" && break; sleep 0.1; done
anchor_url=$(sed -n 's/^listening on //p' "$work/anchor.log")
[ -n "$anchor_url" ] || { cat "$work/anchor.log" >&2; exit 1; }

upload() {  # lv|anchor; prints "MB/s seconds load"
  local load out
  sync -f "$work/random.bin"
  load=$(load_avg)
  if [ "$1" = lv ]; then
    out=$(LV_COOKIE=$LV_COOKIE LV_CSRF=$LV_CSRF node scripts/e2e/bench_upload.mjs \
      "$LV_URL/files" "$work/random.bin" $((chunk_mib << 20)))
    grep -q 'ingest=failed' <<<"$out" || echo "warning: unexpected ingest result: $out" >&2
  else
    out=$(node scripts/e2e/bench_upload.mjs "$anchor_url/files" "$work/random.bin" $((chunk_mib << 20)))
    find "$work/tus" -type f -delete  # its plaintext, before it is written back
  fi
  sed -E 's/.*seconds=([0-9.]+) mb_per_s=([0-9]+).*/\2 \1/' <<<"$out" | tr '\n' ' '
  echo "$load"
}

echo "==> $runs rounds, chunk $chunk_mib MiB, alternating"
lv=() an=() loads=()
for r in $(seq "$runs"); do
  order="lv anchor"
  [ $((r % 2)) -eq 0 ] && order="anchor lv"
  for who in $order; do
    read -r rate s l < <(upload "$who")
    if [ "$who" = lv ]; then lv+=("$rate"); else an+=("$rate"); fi
    loads+=("$l")
    echo "    round $r, $who: $rate MB/s ($s s, load $l)"
  done
done
lm=$(echo "${lv[*]}" | median); am=$(echo "${an[*]}" | median)
echo
printf '%-28s %-20s %8s\n' "what (1 GiB, $chunk_mib MiB chunks)" "runs (MB/s)" "median"
printf '%-28s %-20s %8s\n' "lessonvault (tus)" "$(tr ' ' ',' <<<"${lv[*]}")" "$lm"
printf '%-28s %-20s %8s\n' "@tus/server + file-store" "$(tr ' ' ',' <<<"${an[*]}")" "$am"
echo "lessonvault/anchor: $(awk -v a="$lm" -v b="$am" 'BEGIN{printf "%.2f", a / b}')  (target >= 0.8)"
echo "load (1 min) per run: $(tr ' ' ',' <<<"${loads[*]}"); now: $(cut -d' ' -f1-3 /proc/loadavg)"
