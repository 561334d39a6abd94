#!/usr/bin/env bash
# schemathesis over the committed spec (openapi/openapi.json) against a running `passport dev`:
# once with a staff token, once without. Checks: no 5xx, and every answer matches the spec.
# Called by `make test` (target `schemathesis`); needs target/debug/passport and
# `pip install -r tests/requirements.txt`.
#
# The server runs on free ports with a temporary SQLite database and outbox, and is stopped (and
# the directory removed) however the script ends.
#
# SCHEMATHESIS_MAX_EXAMPLES (default 25) bounds the cases per operation and phase; the seed is
# fixed so a failure reproduces (SCHEMATHESIS_SEED to vary it).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="${PASSPORT_BIN:-$repo/target/debug/passport}"
python="${PYTHON:-python3}"
max_examples="${SCHEMATHESIS_MAX_EXAMPLES:-25}"
seed="${SCHEMATHESIS_SEED:-20261129}"
spec="${SCHEMATHESIS_SPEC:-$repo/openapi/openapi.json}"
spec="$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")"

if [ ! -x "$bin" ]; then
    echo "schemathesis.sh: $bin is missing; run 'cargo build' first" >&2
    exit 1
fi
schemathesis=(schemathesis)
if ! command -v schemathesis >/dev/null 2>&1; then
    schemathesis=("$python" -m schemathesis.cli)
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/passport-schemathesis-XXXXXX")"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 60); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
port="$(free_port)"
sim_port="$(free_port)"
tencent_port="$(free_port)"
wechat_port="$(free_port)"
weibo_port="$(free_port)"
base="http://127.0.0.1:$port"

export PASSPORT_DATABASE_URL="sqlite://$dir/passport.db?mode=rwc"
export PASSPORT_LISTEN="127.0.0.1:$port"
export PASSPORT_SIM_LISTEN="127.0.0.1:$sim_port"
export PASSPORT_TENCENT_SIM_LISTEN="127.0.0.1:$tencent_port"
export PASSPORT_WECHAT_SIM_LISTEN="127.0.0.1:$wechat_port"
export PASSPORT_WEIBO_SIM_LISTEN="127.0.0.1:$weibo_port"
export PASSPORT_OUTBOX_DIR="$dir/outbox"
export PASSPORT_PUBLIC_BASE_URL="$base"
export PASSPORT_WEB_DIST="$dir/web-dist-not-built"
export RUST_LOG="${RUST_LOG:-warn}"

staff_password="Schemathesis-pass-2026"
# The staff account, as an operator makes it (this also migrates the fresh database).
PASSPORT_ADMIN_PASSWORD="$staff_password" "$bin" admin create \
    --username schemathesis --email schemathesis@example.com >/dev/null

"$bin" dev >"$dir/server.log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 1 300); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "schemathesis.sh: passport dev exited:" >&2
        cat "$dir/server.log" >&2
        exit 1
    fi
    if curl -fsS -o /dev/null "$base/readyz" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.2
done
if [ -z "$ready" ]; then
    echo "schemathesis.sh: passport dev did not become ready" >&2
    cat "$dir/server.log" >&2
    exit 1
fi

# Data for the answers to have fields in: a reader who signed up with QQ (a binding, an SMS job)
# and a password reset (a mail job).
"$python" - "$base" "http://127.0.0.1:$sim_port" <<'PY'
import json, re, sys, time, urllib.request

base, sim = sys.argv[1], sys.argv[2]

# Keeps the QQ login cookie between authorize-url and the callback, as a browser does.
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())

def call(method, url, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"content-type": "application/json"})
    with opener.open(req, timeout=20) as r:
        return json.loads(r.read() or b"null")

state = call("GET", f"{base}/api/oauth/qq/authorize-url?next=/")["state"]
code = call("POST", f"{sim}/_sim/codes", {
    "client_id": "101000001", "redirect_uri": f"{base}/oauth/qq/callback",
    "sim_user": "schemathesis-reader", "count": 1})["codes"][0]
ticket = call("POST", f"{base}/api/oauth/qq/callback", {"code": code, "state": state})["bind_ticket"]
mobile = "13800138123"
call("POST", f"{base}/api/sms/codes", {"mobile": mobile, "bind_ticket": ticket})
sms = None
for _ in range(100):
    req = urllib.request.Request(f"{base}/dev/outbox", headers={"accept": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        for m in json.loads(r.read())["messages"]:
            found = re.search(r"\d{6}", m["body"]) if m["kind"] == "sms" and m["to"] == mobile else None
            if found:
                sms = found.group(0)
    if sms:
        break
    time.sleep(0.1)
assert sms, "no SMS code in the outbox"
call("POST", f"{base}/api/oauth/qq/register", {
    "bind_ticket": ticket, "nickname": "模式测试", "mobile": mobile,
    "sms_code": sms, "password": "Reader-pass-2026"})
call("POST", f"{base}/api/password-resets", {"email": "schemathesis@example.com"})
PY

token="$(curl -fsS -X POST "$base/api/users/login" \
    -H 'content-type: application/json' \
    -d "{\"account\": \"schemathesis\", \"password\": \"$staff_password\"}" |
    "$python" -c 'import json, sys; print(json.load(sys.stdin)["token"])')"

run() {
    local who="$1"
    shift
    echo "== schemathesis ($who)"
    # From the temporary directory: schemathesis and hypothesis keep caches (`.schemathesis/`,
    # `.hypothesis/`) in the working directory; a run must neither litter the repository nor
    # replay an earlier run's cases.
    (cd "$dir" && "${schemathesis[@]}" run "$spec" \
        --url "$base/api" \
        --checks not_a_server_error,response_schema_conformance \
        --max-examples "$max_examples" \
        --seed "$seed" \
        --workers 1 \
        --request-timeout 10 \
        --suppress-health-check all \
        --no-color \
        "$@")
}

status=0
run "staff token" -H "Authorization: Bearer $token" || status=1
run "anonymous" || status=1
if [ "$status" -ne 0 ]; then
    echo "schemathesis.sh: failures above; the server's log:" >&2
    tail -n 100 "$dir/server.log" >&2
fi
exit "$status"
