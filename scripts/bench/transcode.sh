#!/usr/bin/env bash
# Transcode of a generated 60 s 1080p30 HEVC + PCM recording (a .mov as cameras write it;
# both sides must re-encode video and audio) beside the ffmpeg command line with the same
# encoder settings and the same thread counts:
#   ffmpeg -threads T -i clip.mov -c:v libx264 -preset veryfast -crf 23 -threads T
#          -c:a aac -ar 48000 -movflags frag_keyframe+empty_moov+default_base_moof -f mp4 out.mp4
# Ours: lv_bench_transcode (media::makePlayable, the path ingest takes; defaults veryfast /
# CRF 23 / 1080 lines; it also forces a keyframe every 4 s). Alternating, RUNS runs each
# (default 3), medians; progress on stderr; peak RSS of ours.
# Usage: scripts/bench/transcode.sh [DIR] [THREADS]   (default var/bench, 0 = libav's choice)
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-var/bench}
threads=${2:-0}
runs=${RUNS:-3}
mkdir -p "$dir"
bin=${BENCH_BIN:-build/bin/lv_bench_transcode}
[ -x "$bin" ] || { echo "build first: cmake --build build --target lv_bench_transcode" >&2; exit 1; }

clip="$dir/transcode-60s-1080p-hevc.mov"
if [ ! -s "$clip" ]; then
  echo "==> generating 60 s of 1080p30 HEVC + PCM into $clip (once)" >&2
  ffmpeg -nostdin -hide_banner -loglevel error -stats -y \
    -f lavfi -i "testsrc2=size=1920x1080:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -t 60 -c:v libx265 -preset ultrafast -x265-params log-level=error -pix_fmt yuv420p -tag:v hvc1 \
    -c:a pcm_s16le "$clip"
fi

elapsed() {  # command...: wall seconds
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN{printf "%.3f", b-a}'
}
anchor() {
  ffmpeg -nostdin -hide_banner -loglevel error -stats -y -threads "$threads" -i "$clip" \
    -c:v libx264 -preset veryfast -crf 23 -threads "$threads" -c:a aac -ar 48000 \
    -movflags frag_keyframe+empty_moov+default_base_moof -f mp4 "$dir/anchor.mp4"
}
ours() {
  "$bin" "$clip" "$dir/ours.mp4" "$threads" > "$dir/ours.txt"
}
median() { tr ' ' '\n' | sort -n | awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}'; }

echo "==> 60 s 1080p30 HEVC + PCM ($(du -h "$clip" | cut -f1)), threads=$threads, $runs runs each, alternating"
o=() a=()
for _ in $(seq "$runs"); do
  o+=("$(elapsed ours)")
  a+=("$(elapsed anchor)")
done
om=$(echo "${o[*]}" | median); am=$(echo "${a[*]}" | median)
printf '%-34s %-30s %8s\n' "what" "runs (s)" "median"
printf '%-34s %-30s %8s\n' "makePlayable (ours)" "${o[*]}" "$om"
printf '%-34s %-30s %8s\n' "ffmpeg -c:v libx264 -c:a aac" "${a[*]}" "$am"
echo "ours/anchor: $(awk -v x="$om" -v y="$am" 'BEGIN{printf "%.2f", x/y}')  (target <= 1.1)"
echo "ours: $(cat "$dir/ours.txt")"
for f in ours anchor; do
  printf '%-7s %s\n' "$f" "$(ffprobe -v error -show_entries stream=codec_name,width,height:format=size,duration \
    -of compact=p=0:nk=1 "$dir/$f.mp4" | tr '\n' ' ')"
done
