#!/usr/bin/env bash
# systemd-analyze verify deploy/passport.service, with ExecStart pointed at the built binary (the
# unit names /usr/local/bin/passport, which a build machine does not have).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v systemd-analyze >/dev/null; then echo "systemd-analyze not available: skipped"; exit 0; fi
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
sed "s|/usr/local/bin/passport|$ROOT/target/debug/passport|" "$ROOT/deploy/passport.service" > "$tmp/passport.service"
out="$(systemd-analyze verify "$tmp/passport.service" 2>&1 || true)"
# Only the unit's own problems count (not other units on this machine, nor its missing user).
problems="$(grep -F 'passport.service' <<<"$out" | grep -v "Failed to resolve user\|Failed to resolve group" || true)"
if [[ -n "$problems" ]]; then echo "$problems"; exit 1; fi
echo "deploy/passport.service: systemd-analyze verify is clean"
