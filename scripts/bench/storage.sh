#!/usr/bin/env bash
# Storage benchmarks beside their anchors, in one run, pinned to one core:
#  - segment encrypt and random-access decrypt vs raw EVP AES-256-GCM over the
#    same 64 KiB buffers (same binary) and vs `openssl speed -evp aes-256-gcm`;
#  - upload-log append with fsync per 1 MiB / 8 MiB chunk vs dd writing the
#    same bytes in the same chunks with oflag=dsync (a sync per chunk).
# Usage: scripts/bench/storage.sh [DIR]   (DIR: where files are written; default ./var/bench,
#        i.e. the disk the data directory would be on). Needs the build from scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-var/bench}
mkdir -p "$dir"
bin=build/bin/lv_bench_storage
[ -x "$bin" ] || { echo "build first: scripts/test.sh (needs libbenchmark-dev)" >&2; exit 1; }
pin="taskset -c 0"

echo "==> crypto (one core)"
csv=$(mktemp)
# Repetitions in random interleaving, so that this VM's noise hits ours and the
# anchor alike; the medians are compared.
LV_BENCH_DIR="$dir" $pin "$bin" --benchmark_min_time=0.5 --benchmark_repetitions=7 \
  --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
  --benchmark_format=csv --benchmark_filter='Evp|Object' 2>/dev/null | grep -E '^"' >"$csv"
mbps() { grep "^\"$1_median" "$csv" | head -n1 | awk -F, '{printf "%.0f", $6 / 1048576}'; }
raw_seal=$(mbps BM_RawEvpSeal); raw_open=$(mbps BM_RawEvpOpen)
seal=$(mbps BM_ObjectSegmentSeal); ropen=$(mbps BM_ObjectSegmentOpen)
rread=$(mbps BM_ObjectRandomRead)
speed=$($pin openssl speed -evp aes-256-gcm -bytes 65536 -seconds 3 2>/dev/null |
  awk '/^AES-256-GCM|^aes-256-gcm/ {v=$NF; sub(/k$/, "", v); printf "%.0f", v * 1000 / 1048576}')
printf '%-44s %10s %8s\n' "what (64 KiB segments, 16 MiB, random order)" "MiB/s" "vs EVP"
printf '%-44s %10s %8s\n' "openssl speed -evp aes-256-gcm -bytes 65536" "$speed" "-"
printf '%-44s %10s %8s\n' "raw EVP seal (same binary)" "$raw_seal" "1.00"
printf '%-44s %10s %8s\n' "ObjectCipher::seal (segment encrypt)" "$seal" \
  "$(awk -v a="$seal" -v b="$raw_seal" 'BEGIN{printf "%.2f", a/b}')"
printf '%-44s %10s %8s\n' "raw EVP open (same binary)" "$raw_open" "1.00"
printf '%-44s %10s %8s\n' "ObjectCipher::open (segment decrypt)" "$ropen" \
  "$(awk -v a="$ropen" -v b="$raw_open" 'BEGIN{printf "%.2f", a/b}')"
printf '%-44s %10s %8s\n' "ObjectReader random 64 KiB range (+pread)" "$rread" \
  "$(awk -v a="$rread" -v b="$raw_open" 'BEGIN{printf "%.2f", a/b}')"
rm -f "$csv"

echo
echo "==> upload log append, fsync per chunk, 256 MiB, in $dir"
echo "    (this disk's speed varies run to run: ours and dd alternate 3 times; medians)"
src="$dir/dd-source"
head -c $((256 << 20)) /dev/urandom >"$src"
dd_rate() {  # chunk MiB
  local out="$dir/dd-target"
  rm -f "$out"
  $pin dd if="$src" of="$out" bs="$1M" count=$((256 / $1)) oflag=dsync 2>&1 |
    awk '/bytes/ {for (i = 1; i <= NF; i++) if ($i == "s,") t = $(i - 1); printf "%.0f", 256 / t}'
  rm -f "$out"
}
log_rate() {  # chunk MiB
  LV_BENCH_DIR="$dir" $pin "$bin" --benchmark_format=csv \
    --benchmark_filter="BM_UploadLogAppend/$1/" 2>/dev/null |
    grep -E '^"' | awk -F, '{printf "%.0f", $6 / 1048576}'
}
median() { tr ' ' '\n' | sort -n | sed -n 2p; }
printf '%-12s %-18s %-18s %10s %10s %8s\n' "chunk" "log runs" "dd runs" "log med" "dd med" "log/dd"
for mib in 1 8; do
  ours=() theirs=()
  for _ in 1 2 3; do
    ours+=("$(log_rate "$mib")")
    theirs+=("$(dd_rate "$mib")")
  done
  o=$(echo "${ours[*]}" | median); t=$(echo "${theirs[*]}" | median)
  printf '%-12s %-18s %-18s %10s %10s %8s\n' "$mib MiB" "${ours[*]}" "${theirs[*]}" "$o" "$t" \
    "$(awk -v a="$o" -v b="$t" 'BEGIN{printf "%.2f", a/b}')"
done
rm -f "$src"
