#!/usr/bin/env bash
# Makes the end-to-end upload fixture once: 65 s of 720p H.264/AAC at 8 Mbit/s (about 65 MB),
# kept with the other generated media. Prints its path.
# Usage: make_e2e_fixture.sh MEDIA_DIR
set -euo pipefail
fixture=$1/e2e_720p_65mb.mp4
if [[ ! -s $fixture ]]; then
  echo "making $fixture" >&2
  tmp=$(mktemp "$1/e2e.XXXXXX.mp4")
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=25" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 65 \
    -c:v libx264 -preset ultrafast -b:v 8M -maxrate 8M -bufsize 8M -g 50 -pix_fmt yuv420p \
    -c:a aac -b:a 128k -movflags +faststart "$tmp"
  mv "$tmp" "$fixture"
fi
echo "$fixture"
