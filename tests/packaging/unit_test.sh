#!/usr/bin/env bash
# The systemd unit (packaging/lessonvault.service): systemd-analyze verify
# accepts it without a single warning, its hardening stays in place, and its
# exposure score stays "OK"; the production properties load with the real
# config reader.
# Usage: unit_test.sh UNIT PROPERTIES PATH_TO_LESSONVAULT PATH_TO_LESSONVAULT_ADMIN
set -uo pipefail
unit=$1 properties=$2 server=$3 admin=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

if ! command -v systemd-analyze > /dev/null; then
  echo "SKIP: systemd-analyze is not installed (Debian package systemd)"
  exit 77
fi

# verify wants ExecStart's binary to exist: check a copy that runs the one just built.
mkdir -p "$tmp/units"
sed "s#^ExecStart=/usr/local/bin/lessonvault #ExecStart=$server #" "$unit" \
  > "$tmp/units/lessonvault.service"
grep -q "^ExecStart=$server " "$tmp/units/lessonvault.service" \
  || fail "ExecStart is not /usr/local/bin/lessonvault --config ..."
# verify exits 0 on unknown keys and bad values, so any output at all is a failure.
verify() { systemd-analyze verify "$1" 2>&1; echo "rc=$?"; }
out=$(verify "$tmp/units/lessonvault.service")
[[ $out == "rc=0" ]] || fail "systemd-analyze verify: $out"
# ... and the check itself notices a bad unit.
sed 's/^ProtectSystem=strict$/ProtectSystem=stricter/' "$tmp/units/lessonvault.service" \
  > "$tmp/units/broken.service"
[[ $(verify "$tmp/units/broken.service") != "rc=0" ]] || fail "verify did not notice a bad value"

for line in ProtectSystem=strict NoNewPrivileges=yes User=lessonvault \
            "StateDirectory=lessonvault lessonvault-keys" \
            "ReadWritePaths=/var/lib/lessonvault /var/lib/lessonvault-keys" PrivateTmp=yes \
            ProtectHome=yes ProtectKernelTunables=yes ProtectKernelModules=yes \
            ProtectKernelLogs=yes "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" \
            SystemCallFilter=@system-service MemoryDenyWriteExecute=yes LockPersonality=yes \
            UMask=0077 CapabilityBoundingSet=; do
  grep -qx "$line" "$unit" || fail "the unit lost $line"
done
# 0..100 here is systemd's 0.0..10.0 exposure; 20 is "OK".
systemd-analyze security --offline=true --threshold=20 "$tmp/units/lessonvault.service" \
  > "$tmp/security.txt" 2>&1 || fail "exposure above 2.0: $(tail -1 "$tmp/security.txt")"

# The production properties are valid: the admin CLI gets past the config
# (exit 78 would be a config error) and stops at the missing installation.
out=$("$admin" --config "$properties" list-master-keys 2>&1); rc=$?
[[ $rc -eq 1 && $out == *"/var/lib/lessonvault"*"does not exist"* ]] \
  || [[ $rc -eq 0 ]] || fail "production properties: exit $rc: $out"
grep -q "^storage.keys_dir = /var/lib/lessonvault-keys$" "$properties" || fail "keys_dir moved"
echo "ok"
