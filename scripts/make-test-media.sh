#!/usr/bin/env bash
# Generates the small media fixtures the media tests read, with the ffmpeg
# command line (FFmpeg 5.1 as on Debian 12; scripts/test.sh installs it in CI).
#
#   scripts/make-test-media.sh [DIR]    default DIR: build/test-media (repo root)
#
# Idempotent and fast: when DIR/.complete-v5 exists nothing is generated. The
# stamp is written last, so an interrupted run starts over next time. Bump
# STAMP_VERSION whenever the fixture list or an encoding option changes.
#
# Every fixture is at most 2 s of 320x240 / 48 kHz from deterministic lavfi
# sources, encoded with one thread and bitexact flags, so reruns give the same
# bytes on the same FFmpeg build.
set -euo pipefail

STAMP_VERSION=5
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build/test-media}
stamp="$dir/.complete-v$STAMP_VERSION"

count_fixtures() {
  find "$dir" -maxdepth 1 -type f ! -name '.*' | wc -l
}

if [ -e "$stamp" ]; then
  echo "make-test-media: $(count_fixtures) fixtures in $dir (up to date)" >&2
  exit 0
fi

if ! command -v ffmpeg >/dev/null 2>&1; then
  echo "make-test-media: ffmpeg not found (apt-get install ffmpeg)" >&2
  exit 1
fi
# No fallbacks: a missing encoder must fail loudly, not produce other fixtures.
encoders=$(ffmpeg -nostdin -hide_banner -encoders 2>/dev/null)
for enc in libx264 libx265 libvpx-vp9 libvpx libaom-av1 libopus libvorbis libmp3lame aac ac3 mjpeg \
  mpeg4 png; do
  if ! grep -qE "^ [A-Z.]{6} $enc( |$)" <<<"$encoders"; then
    echo "make-test-media: ffmpeg lacks the $enc encoder" >&2
    exit 1
  fi
done

mkdir -p "$dir"
rm -f "$dir"/.complete-v*
# Outputs are written here first and moved into place when complete, so a
# failed or interrupted run never leaves a half-written fixture behind.
work=$(mktemp -d "$dir/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

FF=(ffmpeg -nostdin -hide_banner -loglevel error -y)
VIDEO=(-f lavfi -i testsrc2=size=320x240:rate=25)
sine() { printf '%s\n' -f lavfi -i "sine=frequency=$1:sample_rate=48000"; }
mapfile -t AUDIO < <(sine 440)
EXACT=(-fflags +bitexact -flags:v +bitexact -flags:a +bitexact -threads 1)
H264=(-c:v libx264 -preset ultrafast -g 25 -pix_fmt yuv420p)
AAC=(-c:a aac -b:a 64k)

progress() { echo "make-test-media: $1" >&2; }
publish() { mv -f "$work/$1" "$dir/$1"; }
size_of() { stat -c %s "$1"; }

# 1. H.264 + AAC-LC, moov atom after mdat (the muxer default).
f=h264_aac_moov_end.mp4; progress $f
"${FF[@]}" "${VIDEO[@]}" "${AUDIO[@]}" -t 2 "${H264[@]}" "${AAC[@]}" "${EXACT[@]}" "$work/$f"
publish $f

# 2. The same with moov moved to the front.
f=h264_aac_faststart.mp4; progress $f
"${FF[@]}" "${VIDEO[@]}" "${AUDIO[@]}" -t 2 "${H264[@]}" "${AAC[@]}" -movflags +faststart \
  "${EXACT[@]}" "$work/$f"
publish $f

# 3. HEVC + AAC in QuickTime with phone-style metadata. use_metadata_tags
# writes every key (including com.apple.quicktime.*) as an mdta item.
# Rotation cannot be set from the 5.1 command line, so there is none.
f=hevc_aac_tagged.mov; progress $f
"${FF[@]}" "${VIDEO[@]}" "${AUDIO[@]}" -t 2 \
  -c:v libx265 -preset ultrafast -g 25 -pix_fmt yuv420p -tag:v hvc1 \
  -x265-params log-level=error:pools=1:frame-threads=1 \
  "${AAC[@]}" \
  -metadata title="Les 3B" -metadata comment="test comment" \
  -metadata make=Apple -metadata model="iPhone 12" \
  -metadata creation_time=2026-01-01T10:00:00Z \
  -metadata location="+52.3676+004.9041/" \
  -metadata com.apple.quicktime.location.ISO6709="+52.3676+004.9041/" \
  -movflags use_metadata_tags "${EXACT[@]}" "$work/$f"
publish $f

# 3b. The same phone-style metadata, plus a title on the streams, on H.264 + AAC in
# MP4: the remux path must carry none of it over.
f=h264_aac_tagged.mp4; progress $f
"${FF[@]}" "${VIDEO[@]}" "${AUDIO[@]}" -t 2 \
  -c:v libx264 -preset ultrafast -g 25 -pix_fmt yuv420p \
  "${AAC[@]}" \
  -metadata title="Les 3B" -metadata comment="test comment" \
  -metadata make=Apple -metadata model="iPhone 12" \
  -metadata creation_time=2026-01-01T10:00:00Z \
  -metadata location="+52.3676+004.9041/" \
  -metadata com.apple.quicktime.location.ISO6709="+52.3676+004.9041/" \
  -metadata:s:v title="Camera 1" -metadata:s:a title="Microfoon" \
  -movflags use_metadata_tags "${EXACT[@]}" "$work/$f"
publish $f

# 3c. H.264 + AAC in MPEG-TS, as some cameras write it: the AAC is ADTS-framed,
# which fragmented MP4 cannot hold without the aac_adtstoasc filter.
f=h264_aac.ts; progress $f
"${FF[@]}" "${VIDEO[@]}" "${AUDIO[@]}" -t 2 \
  -c:v libx264 -preset ultrafast -g 25 -pix_fmt yuv420p \
  "${AAC[@]}" "${EXACT[@]}" -f mpegts "$work/$f"
publish $f

# 3d. A short 720p clip, for posters that must be scaled down.
f=h264_720p.mp4; progress $f
"${FF[@]}" -f lavfi -i "testsrc2=size=1280x720:rate=25" -t 0.4 \
  -c:v libx264 -preset ultrafast -g 25 -pix_fmt yuv420p "${EXACT[@]}" "$work/$f"
publish $f

# 4. VP9 + Opus in WebM.
f=vp9_opus.webm; progress $f
"${FF[@]}" "${VIDEO[@]}" "${AUDIO[@]}" -t 2 \
  -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -b:v 300k -g 25 \
  -c:a libopus -b:a 64k "${EXACT[@]}" "$work/$f"
publish $f

# 5. Motion JPEG + PCM in AVI.
f=mjpeg_pcm.avi; progress $f
"${FF[@]}" "${VIDEO[@]}" "${AUDIO[@]}" -t 2 -c:v mjpeg -q:v 5 -pix_fmt yuvj420p \
  -c:a pcm_s16le "${EXACT[@]}" "$work/$f"
publish $f

# 6. MPEG-4 Part 2 + MP3 in AVI.
f=mpeg4_mp3.avi; progress $f
"${FF[@]}" "${VIDEO[@]}" "${AUDIO[@]}" -t 2 -c:v mpeg4 -q:v 5 -g 25 \
  -c:a libmp3lame -b:a 64k "${EXACT[@]}" "$work/$f"
publish $f

# 6b. H.264 + AC-3 in MPEG-TS, as camcorders write it: the video is copied,
# the audio re-encoded.
f=h264_ac3.ts; progress $f
"${FF[@]}" "${VIDEO[@]}" "${AUDIO[@]}" -t 2 "${H264[@]}" -c:a ac3 -b:a 96k "${EXACT[@]}" \
  -f mpegts "$work/$f"
publish $f

# 6c. AV1 + Vorbis in Matroska (libaom at its fastest).
f=av1_vorbis.mkv; progress $f
"${FF[@]}" "${VIDEO[@]}" "${AUDIO[@]}" -t 2 -c:v libaom-av1 -cpu-used 8 -row-mt 0 -g 25 -crf 40 \
  -c:a libvorbis -q:a 2 "${EXACT[@]}" "$work/$f"
publish $f

# 6d. Opus only in WebM, as a browser's audio recorder writes it.
f=opus_only.webm; progress $f
"${FF[@]}" "${AUDIO[@]}" -t 2 -c:a libopus -b:a 64k "${EXACT[@]}" "$work/$f"
publish $f

# 6e. VP8 only in WebM, as a browser's recorder without a microphone writes it.
f=vp8_only.webm; progress $f
"${FF[@]}" "${VIDEO[@]}" -t 2 -c:v libvpx -deadline realtime -cpu-used 8 -b:v 300k -g 25 \
  "${EXACT[@]}" "$work/$f"
publish $f

# 7. AAC only.
f=audio_only.m4a; progress $f
"${FF[@]}" "${AUDIO[@]}" -t 2 "${AAC[@]}" "${EXACT[@]}" "$work/$f"
publish $f

# 8. H.264 only.
f=video_only.mp4; progress $f
"${FF[@]}" "${VIDEO[@]}" -t 2 "${H264[@]}" "${EXACT[@]}" "$work/$f"
publish $f

# 9. H.264 + three AAC tracks (440, 660 and 880 Hz).
f=three_audio.mkv; progress $f
mapfile -t A2 < <(sine 660)
mapfile -t A3 < <(sine 880)
"${FF[@]}" "${VIDEO[@]}" "${AUDIO[@]}" "${A2[@]}" "${A3[@]}" -t 2 \
  -map 0:v -map 1:a -map 2:a -map 3:a "${H264[@]}" "${AAC[@]}" \
  -metadata:s:a:0 language=eng -metadata:s:a:1 language=nld -metadata:s:a:2 language=fra \
  "${EXACT[@]}" "$work/$f"
publish $f

# 10. H.264 + AAC with a PNG cover picture (written as the covr atom).
f=cover_art.mp4; progress $f
"${FF[@]}" -f lavfi -i testsrc2=size=160x120:rate=1 -frames:v 1 "${EXACT[@]}" "$work/cover.png"
"${FF[@]}" "${VIDEO[@]}" "${AUDIO[@]}" -i "$work/cover.png" -t 2 \
  -map 0:v -map 1:a -map 2:v "${H264[@]}" "${AAC[@]}" -c:v:1 copy \
  -disposition:v:1 attached_pic "${EXACT[@]}" "$work/$f"
publish $f

# 11. The first half of the faststart file: moov complete, mdat cut short.
f=truncated.mp4; progress $f
src="$dir/h264_aac_faststart.mp4"
head -c $(($(size_of "$src") / 2)) "$src" >"$work/$f"
publish $f

# 12. The faststart file with 4 KiB of deterministic noise (a 32-bit LCG)
# written over it at 60% of its size, which lands inside the coded frames.
f=corrupt.mp4; progress $f
cp "$src" "$work/$f"
noise=
seed=12345
for ((i = 0; i < 4096; i++)); do
  seed=$(((seed * 1103515245 + 12345) & 0x7fffffff))
  printf -v oct '\\%03o' $(((seed >> 16) & 0xff))
  noise+=$oct
done
printf "$noise" >"$work/noise.bin"
dd if="$work/noise.bin" of="$work/$f" bs=4096 count=1 \
  seek=$(($(size_of "$src") * 60 / 100)) oflag=seek_bytes conv=notrunc status=none
[ "$(size_of "$work/$f")" -eq "$(size_of "$src")" ]
publish $f

# 13. Zero bytes.
f=empty.mp4; progress $f
: >"$work/$f"
publish $f

# 14. Plain text with a video extension.
f=text.mp4; progress $f
for i in 1 2 3 4 5; do printf 'this is not a video\n'; done >"$work/$f"
publish $f

# 15. One testsrc2 frame as a PNG.
f=image.png; progress $f
"${FF[@]}" "${VIDEO[@]}" -frames:v 1 "${EXACT[@]}" "$work/$f"
publish $f

# 16. An HLS playlist whose segments are local files: opening it must never
# make the service read /etc/passwd or a neighbouring file.
f=playlist.m3u8; progress $f
cat >"$work/$f" <<'EOF'
#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:0
#EXTINF:2.0,
/etc/passwd
#EXTINF:2.0,
file:///etc/passwd
#EXTINF:2.0,
segment0.ts
#EXT-X-ENDLIST
EOF
publish $f

# 17. The local-file-leak trick: an upload named .avi whose content is an HLS
# playlist. libavformat picks the demuxer by probing the content, not by the
# extension, so an unrestricted avformat_open_input() would hand this to the
# hls demuxer, which then opens file:///etc/passwd as a "segment" (real
# exploits wrap it in a crafted AVI so the leaked bytes end up in a
# transcoded frame). Our demuxer allowlist must refuse hls whatever the file
# is called, and the protocol allowlist must refuse file:// from inside media.
f=avi_with_playlist.avi; progress $f
printf '#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:1.0,\nfile:///etc/passwd\n#EXT-X-ENDLIST\n' >"$work/$f"
publish $f

: >"$stamp"
echo "make-test-media: $(count_fixtures) fixtures in $dir" >&2
