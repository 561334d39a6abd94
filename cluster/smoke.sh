#!/usr/bin/env bash
# A short smoke test of the cluster: up, one password login and one QQ login through nginx, down.
set -euo pipefail
cd "$(dirname "$0")/.."
cluster/up.sh >/dev/null
trap 'cluster/down.sh >/dev/null' EXIT
python3 - <<'PY'
import sys
sys.path.insert(0, "cluster")
import drill
r = drill.request("POST", "/api/users/login", {"account": "admin", "password": drill.ADMIN_PASSWORD})
assert r.status == 200, (r.status, r.body[:300])
rid = r.headers.get("x-request-id", "")
assert len(rid) == 32, f"nginx's request id echoed: {rid!r}"
status, ticket, resp = drill.qq_login("smoke_user")
assert status == "bind_required", (status, resp.status, resp.body[:300])
print(f"cluster smoke: password login and QQ login through nginx OK (request id {rid})")
PY
