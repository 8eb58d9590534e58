#!/usr/bin/env bash
# Serving (issue 5): random 1 MiB Range requests with wrk over an ingested 10-minute
# 720p25 recording, LessonVault (policy check + decrypt per request, session cookie on every
# request) beside nginx serving the same fMP4 in plaintext from the same disk, in one run:
#  1. lessonvault starts with a temporary config under DIR; the generated 10-minute input
#     (ingest.sh's, cached) is uploaded with tus-js-client and ingested; its media.mp4 is
#     fetched whole into a plain file beside the data directory (not in it) for nginx.
#  2. nginx (minimal config, 127.0.0.1, as the current user, no daemon, its own prefix) is
#     tuned first: one run at each connection count with sendfile on and with it off; the
#     faster (sum of both) is kept.
#  3. For each connection count, RUNS rounds alternate lessonvault and nginx (who goes first
#     alternates too), BENCH_SECONDS each; medians of throughput (GB/s, 10^9 bytes) and of
#     wrk's p99 latency; peak RSS (VmHWM, reset before each connection count) of the
#     lessonvault process and of nginx (master + workers), and lessonvault's RSS split
#     into anonymous memory and mapped object files (docs/storage-mapped-objects.md); the
#     1-minute load average
#     before every run.
#  4. What a request costs apart from its bytes: 1-byte ranges at 8 connections, RUNS
#     alternating rounds; requests per second and each server's CPU time per request
#     (user + system from /proc/<pid>/stat, nginx's workers summed).
# Usage: scripts/bench/serve.sh [DIR]   (default var/bench; RUNS=3 BENCH_SECONDS=10 CONNS="8 64")
# Needs build/bin/lessonvault and lessonvault-admin (scripts/setup.sh). Stops everything it
# started on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${1:-var/bench}
runs=${RUNS:-3}
secs=${BENCH_SECONDS:-10}
conns=${CONNS:-"8 64"}
. scripts/bench/lib.sh
bench_packages
[ -x build/bin/lessonvault ] || { echo "build first: scripts/setup.sh" >&2; exit 1; }
[ -d scripts/e2e/node_modules ] || (cd scripts/e2e && npm ci --silent)
mkdir -p "$dir"
make_input 600 "$dir/ingest-10min.mp4"
work=$(realpath "$(mktemp -d -p "$dir" serve.XXXXXX)")
nginx_pid=
nginx_stop() {
  [ -n "$nginx_pid" ] || return 0
  kill -QUIT "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  nginx_pid=
}
cleanup() { nginx_stop || true; lv_stop || true; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> lessonvault: uploading and ingesting $dir/ingest-10min.mp4 ($(du -h "$dir/ingest-10min.mp4" | cut -f1))"
LV_MEDIA=$dir/ingest-10min.mp4 lv_start "$work"
lv_url=$LV_URL/api/recordings/$LV_RECORDING/media.mp4
mkdir -p "$work/plain"
curl -fsS -H "Cookie: $LV_COOKIE" -o "$work/plain/media.mp4" "$lv_url"
size=$(stat -c %s "$work/plain/media.mp4")
echo "    recording $LV_RECORDING: media.mp4 is $size bytes; plaintext copy in $work/plain"

nginx_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
nginx_url=http://127.0.0.1:$nginx_port/media.mp4
nginx_start() {  # sendfile on|off
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<CONF
daemon off;
user $(id -un) $(id -gn);
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  sendfile $1;
  tcp_nopush on;
  tcp_nodelay on;
  output_buffers 2 512k;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/plain;
  }
}
CONF
  nginx -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
  nginx_pid=$!
  for _ in $(seq 50); do curl -fsS -o /dev/null -r 0-0 "$nginx_url" 2>/dev/null && return 0; sleep 0.1; done
  echo "nginx did not start:" >&2; cat "$work/nginx/error.log" >&2; return 1
}
nginx_pids() { echo "$nginx_pid" $(pgrep -P "$nginx_pid"); }

# Both serve the same bytes: one range from each against the plain file.
same_range() {  # url, cookie header (or empty)
  local got=$work/range.bin
  curl -fsS ${2:+-H "Cookie: $2"} -r 1000000-2048575 -o "$got" "$1"
  cmp -s "$got" <(tail -c +1000001 "$work/plain/media.mp4" | head -c 1048576) ||
    { echo "error: $1 served other bytes than the plain file" >&2; exit 1; }
}

# One wrk run; prints "GBps p99_ms load".
run_wrk() {  # url, connections, cookie (or empty)
  local load out
  load=$(load_avg)
  out=$(BENCH_SIZE=$size BENCH_COOKIE=$3 wrk -t2 -c"$2" -d"${secs}s" --timeout 10s \
    -s scripts/bench/range.lua "$1" | grep '^RESULT')
  local non2xx errors
  non2xx=$(sed -E 's/.*non2xx=([0-9]+).*/\1/' <<<"$out")
  errors=$(sed -E 's/.*errors=([0-9]+).*/\1/' <<<"$out")
  if [ "$non2xx" != 0 ] || [ "$errors" != 0 ]; then
    echo "warning: $1 at $2 connections: $non2xx non-2xx answers, $errors socket errors" >&2
  fi
  awk -v l="$load" '{for (i = 2; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}
    printf "%.2f %.1f %s\n", v["bytes"] / v["seconds"] / 1e9, v["p99_ms"], l}' <<<"$out"
}

echo "==> tuning nginx: sendfile on/off, one ${secs} s run at each of $conns connections"
best= best_sum=0
for mode in off on; do
  nginx_start "$mode"
  same_range "$nginx_url" ""
  sum=0 line=
  for c in $conns; do
    read -r g p l < <(run_wrk "$nginx_url" "$c" "")
    line+="  $c conns: $g GB/s p99 $p ms (load $l)"
    sum=$(awk -v a="$sum" -v b="$g" 'BEGIN{print a + b}')
  done
  nginx_stop
  echo "    sendfile $mode:$line"
  if awk -v a="$sum" -v b="$best_sum" 'BEGIN{exit !(a > b)}'; then best=$mode best_sum=$sum; fi
done
echo "    keeping sendfile $best"
nginx_start "$best"
same_range "$lv_url" "$LV_COOKIE"

echo "==> $runs rounds per connection count, ${secs} s per run, lessonvault and nginx alternating"
results=() memory=()
for c in $conns; do
  reset_peak_rss "$LV_PID"
  for p in $(nginx_pids); do reset_peak_rss "$p"; done
  lg=() lp=() ng=() np=() loads=()
  for r in $(seq "$runs"); do
    order="lv nginx"
    [ $((r % 2)) -eq 0 ] && order="nginx lv"
    for who in $order; do
      if [ "$who" = lv ]; then
        read -r g p l < <(run_wrk "$lv_url" "$c" "$LV_COOKIE"); lg+=("$g"); lp+=("$p")
      else
        read -r g p l < <(run_wrk "$nginx_url" "$c" ""); ng+=("$g"); np+=("$p")
      fi
      loads+=("$l")
      echo "    $c conns, round $r, $who: $g GB/s, p99 $p ms (load $l)"
    done
  done
  lv_rss=$(peak_rss_mib "$LV_PID")
  read -r anon mapped < <(rss_split_mib "$LV_PID")
  memory+=("$c connections: lessonvault RSS peak $lv_rss MiB; now $anon MiB anonymous + $mapped MiB file-backed (mapped objects, page cache; also the binary and its libraries)")
  ngx_rss=0
  for p in $(nginx_pids); do ngx_rss=$((ngx_rss + $(peak_rss_mib "$p"))); done
  lgm=$(echo "${lg[*]}" | median); ngm=$(echo "${ng[*]}" | median)
  lpm=$(echo "${lp[*]}" | median); npm_=$(echo "${np[*]}" | median)
  results+=("$(printf '%-5s %-16s %-16s %7s %7s %6s | %-18s %-18s %7s %7s %6s | %6s %6s | %s' \
    "$c" "$(tr ' ' ',' <<<"${lg[*]}")" "$(tr ' ' ',' <<<"${ng[*]}")" "$lgm" "$ngm" \
    "$(awk -v a="$lgm" -v b="$ngm" 'BEGIN{printf "%.2f", a / b}')" \
    "$(tr ' ' ',' <<<"${lp[*]}")" "$(tr ' ' ',' <<<"${np[*]}")" "$lpm" "$npm_" \
    "$(awk -v a="$lpm" -v b="$npm_" 'BEGIN{printf "%.2f", a / b}')" \
    "$lv_rss" "$ngx_rss" "$(tr ' ' ',' <<<"${loads[*]}")")")
done

echo "==> per request: 1-byte ranges, 8 connections, ${secs} s per run, alternating"
cpu_ticks() { local sum=0 p; for p in "$@"; do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$sum"; }
# Prints "requests/s core-µs/request".
request_cost() {  # url, cookie (or empty), server pids...
  local url=$1 cookie=$2 before after out
  shift 2
  before=$(cpu_ticks "$@")
  out=$(BENCH_SPAN=1 BENCH_SIZE=$size BENCH_COOKIE=$cookie wrk -t2 -c8 -d"${secs}s" --timeout 10s \
    -s scripts/bench/range.lua "$url" | grep '^RESULT')
  after=$(cpu_ticks "$@")
  awk -v a="$before" -v b="$after" -v hz="$(getconf CLK_TCK)" '{
    for (i = 2; i <= NF; i++) {split($i, kv, "="); v[kv[1]] = kv[2]}
    printf "%.0f %.1f\n", v["requests"] / v["seconds"], (b - a) / hz * 1e6 / v["requests"]}' <<<"$out"
}
lq=() lu=() nq=() nu=()
for r in $(seq "$runs"); do
  read -r q u < <(request_cost "$lv_url" "$LV_COOKIE" "$LV_PID"); lq+=("$q"); lu+=("$u")
  read -r q u < <(request_cost "$nginx_url" "" $(nginx_pids)); nq+=("$q"); nu+=("$u")
  echo "    round $r: lv ${lq[-1]} requests/s, ${lu[-1]} µs each; nginx ${nq[-1]} requests/s, ${nu[-1]} µs each"
done

echo
echo "==> results (GB/s = 10^9 bytes/s; p99 in ms; RSS = peak VmHWM in MiB; nginx sendfile $best)"
printf '%-5s %-16s %-16s %7s %7s %6s | %-18s %-18s %7s %7s %6s | %6s %6s | %s\n' \
  conns "lv GB/s runs" "nginx GB/s runs" "lv" "nginx" ratio \
  "lv p99 runs" "nginx p99 runs" "lv" "nginx" ratio "lvRSS" "ngxRSS" "load (1 min) per run"
printf '%s\n' "${results[@]}"
printf '%s\n' "${memory[@]}"
echo "per request (1-byte ranges, 8 conns, medians): lv $(echo "${lq[*]}" | median) requests/s," \
  "$(echo "${lu[*]}" | median) µs of server CPU each; nginx $(echo "${nq[*]}" | median) requests/s," \
  "$(echo "${nu[*]}" | median) µs each"
echo "targets: throughput ratio >= 0.7, p99 ratio <= 2.0"
echo "load now: $(cut -d' ' -f1-3 /proc/loadavg)"
