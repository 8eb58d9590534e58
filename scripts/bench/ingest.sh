#!/usr/bin/env bash
# Ingest of a generated 10-minute 720p25 H.264/AAC recording (decrypt upload log -> remux ->
# encrypt -> durable publish) beside its anchor, in one run:
#   ffmpeg -i in.mp4 -c copy -movflags frag_keyframe+empty_moov+default_base_moof \
#          -f mp4 out.mp4 && sync -f out.mp4
# (the sync makes the anchor as durable as ingest). Ours and the anchor alternate three
# times; medians. Also peak RSS of ingest for a 1-minute and the 10-minute input.
# Usage: scripts/bench/ingest.sh [DIR]   (default var/bench). Needs the build from scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-var/bench}
mkdir -p "$dir"
. scripts/bench/lib.sh
bin=build/bin/lv_bench_ingest
[ -x "$bin" ] || { echo "build first: scripts/test.sh" >&2; exit 1; }

make_input 600 "$dir/ingest-10min.mp4"
make_input 60 "$dir/ingest-1min.mp4"

anchor() {
  local out="$dir/anchor.mp4" start end
  rm -f "$out"
  start=$(date +%s.%N)
  ffmpeg -nostdin -loglevel error -y -i "$dir/ingest-10min.mp4" -c copy \
    -movflags frag_keyframe+empty_moov+default_base_moof -f mp4 "$out" && sync -f "$out"
  end=$(date +%s.%N)
  rm -f "$out"
  awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b-a}'
}
ours() { "$bin" "$1" "$dir/ingest-work" | sed -E 's/.*ingest_s=([0-9.]+).*/\1/'; }

echo "==> 10-minute 720p25 H.264/AAC ($(du -h "$dir/ingest-10min.mp4" | cut -f1)), 3 runs each, alternating"
o=() a=()
for _ in 1 2 3; do
  o+=("$(ours "$dir/ingest-10min.mp4")")
  a+=("$(anchor)")
done
om=$(echo "${o[*]}" | median); am=$(echo "${a[*]}" | median)
printf '%-36s %-24s %8s\n' "what" "runs (s)" "median"
printf '%-36s %-24s %8s\n' "ingest (ours)" "${o[*]}" "$om"
printf '%-36s %-24s %8s\n' "ffmpeg -c copy && sync -f (anchor)" "${a[*]}" "$am"
echo "ours/anchor: $(awk -v x="$om" -v y="$am" 'BEGIN{printf "%.2f", x/y}')  (target <= 1.3)"

echo "==> peak RSS of ingest"
for f in ingest-1min ingest-10min; do
  printf '%-14s %s\n' "$f" "$("$bin" "$dir/$f.mp4" "$dir/ingest-work" | sed -E 's/.*peak_rss_kib=([0-9]+)/\1 KiB/')"
done
rm -rf "$dir/ingest-work"
