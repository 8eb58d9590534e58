# Shared by the benchmark scripts (sourced, from the repository root).
#   bench_packages          install scripts/bench/packages.txt (ensure_packages)
#   make_input SECONDS FILE generate a 720p25 H.264/AAC recording once (cached by name)
#   median                  median of the numbers on stdin (space or newline separated)
#   load_avg                the 1-minute load average, for the record beside each result
. scripts/lib/apt.sh

bench_packages() {
  # shellcheck disable=SC2046
  ensure_packages $(grep -v '^#' scripts/bench/packages.txt)
  # Node may come from elsewhere than Debian (as on the project VM), like scripts/test.sh.
  command -v npm >/dev/null || ensure_packages nodejs npm
}

make_input() {  # seconds, file
  [ -s "$2" ] && return 0
  echo "==> generating $1 s of 720p25 H.264/AAC into $2 (once)" >&2
  ffmpeg -nostdin -hide_banner -loglevel error -stats -y \
    -f lavfi -i "testsrc2=size=1280x720:rate=25" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -t "$1" -c:v libx264 -preset ultrafast -g 100 -pix_fmt yuv420p -c:a aac -b:a 128k "$2.tmp.mp4"
  mv "$2.tmp.mp4" "$2"
}

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {
  if (NR % 2) print v[(NR + 1) / 2]; else printf "%g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

load_avg() { cut -d' ' -f1 /proc/loadavg; }

# lv_start WORK [EXTRA_CONFIG_LINE...]: the real lessonvault process with a temporary
# configuration and data under WORK, one staff account "bench" logged in. Sets LV_PID,
# LV_URL, LV_COOKIE, LV_CSRF (and LV_RECORDING when LV_MEDIA names a file to upload and
# ingest first). The caller's trap must call lv_stop.
lv_start() {
  local work=$1 bin=build/bin
  shift
  mkdir -p "$work/lv"
  {
    echo "server.port = 0"
    echo "storage.data_dir = $work/lv/data"
    echo "storage.database = $work/lv/lv.db"
    echo "storage.keys_dir = $work/lv/keys"
    echo "auth.scrypt_log_n = 14"
    printf '%s\n' "$@"
  } >"$work/lv/lv.properties"
  local admin=("$bin/lessonvault-admin" --config "$work/lv/lv.properties")
  "${admin[@]}" init >/dev/null
  printf 'external_id,display_name,role,birth_date,guardian_of,left_on\nT-1,Bench Mark,staff,,,\n' \
    >"$work/lv/roster.csv"
  "${admin[@]}" import-roster "$work/lv/roster.csv" >/dev/null
  local password
  password=$("${admin[@]}" create-account T-1 bench | sed -n 's/^one-time password for [a-z]*: //p')
  : >"$work/lv/server.log"
  "$bin/lessonvault" --config "$work/lv/lv.properties" >"$work/lv/server.log" 2>&1 &
  LV_PID=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/lv/server.log" && break; sleep 0.1; done
  LV_URL=$(grep -o 'listening on http://[0-9.:]*' "$work/lv/server.log" | head -1 | sed 's/listening on //')
  [ -n "$LV_URL" ] || { cat "$work/lv/server.log" >&2; return 1; }
  local session
  session=$(node scripts/e2e/bench_login.mjs "$LV_URL" bench "$password" \
    ${LV_MEDIA:+--recording "$LV_MEDIA"})
  eval "$session"
}

lv_stop() {
  [ -n "${LV_PID:-}" ] || return 0
  kill -TERM "$LV_PID" 2>/dev/null && wait "$LV_PID" 2>/dev/null
  LV_PID=
}

# Peak resident set of a process since start or the last reset, in MiB.
peak_rss_mib() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
# "RssAnon RssFile" in MiB now: a mapped file's touched pages count as RssFile.
rss_split_mib() { awk '/^RssAnon/ {a = $2} /^RssFile/ {f = $2} END {printf "%.0f %.0f\n", a / 1024, f / 1024}' "/proc/$1/status"; }
reset_peak_rss() { echo 5 >"/proc/$1/clear_refs"; }
