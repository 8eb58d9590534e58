#!/usr/bin/env bash
# The web app in Debian's chromium (web_e2e.mjs): every scenario of the web app issue against
# the real lessonvault process; screenshots of every page land in OUT_DIR.
# Usage: web_e2e.sh BIN_DIR WEB_DIR MEDIA_DIR OUT_DIR   (needs `npm ci` in scripts/e2e first)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[[ -x /usr/bin/chromium ]] || { echo "chromium is missing (scripts/test.sh installs it)" >&2; exit 1; }
fixture=$("$here/make_e2e_fixture.sh" "$3")
rm -rf "$4"
node "$here/web_e2e.mjs" "$1" "$2" "$fixture" "$3/h264_aac_faststart.mp4" "$4"
