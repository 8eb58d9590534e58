-- wrk script for scripts/bench/serve.sh: every request asks for a random
-- range of one file, 1 MiB unless BENCH_SPAN says otherwise (bytes). Environment:
-- BENCH_SIZE (the file's length in bytes), BENCH_COOKIE (optional: sent on every
-- request, LessonVault's session), BENCH_SPAN (optional).
-- At the end prints one line for the script to parse:
--   RESULT requests=N bytes=N seconds=S p99_ms=X non2xx=N errors=N
local size = tonumber(os.getenv("BENCH_SIZE"))
local span = tonumber(os.getenv("BENCH_SPAN") or "1048576")
local cookie = os.getenv("BENCH_COOKIE")
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + seed)
  if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
end

function request()
  local first = math.random(0, size - span)
  wrk.headers["Range"] = "bytes=" .. first .. "-" .. (first + span - 1)
  return wrk.format("GET")
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d bytes=%d seconds=%.3f p99_ms=%.2f non2xx=%d errors=%d\n",
    summary.requests, summary.bytes, summary.duration / 1e6, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
