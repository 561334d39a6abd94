# Shared by the cluster scripts (sourced): where everything lives and listens. All on 127.0.0.1.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="$ROOT/cluster/run"
BIN="${PASSPORT_BIN:-$ROOT/target/debug/passport}"

# A PostgreSQL cluster of its own (Debian's pg_createcluster), so the database drill restarts
# only this one and never the shared server on 5432 that the tests use.
PG_VERSION="${CLUSTER_PG_VERSION:-$(ls /usr/lib/postgresql | sort -n | tail -1)}"
PG_NAME=passport-cluster
PG_PORT=5433
DB_NAME=passport_cluster
DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/$DB_NAME"

INSTANCES=(1 2 3)
instance_port() { echo "810$1"; }     # deploy/nginx/passport.conf lists 8101-8103
HTTPS_PORT=8443                       # nginx, TLS: the public base URL
TENCENT_TLS_PORT=8444                 # nginx, TLS in front of the Tencent simulator
QQ_SIM_PORT=8201
TENCENT_SIM_PORT=8202
SMTP_PORT=2525
OUTBOX_HTTP_PORT=2580
PUBLIC_BASE_URL="https://127.0.0.1:$HTTPS_PORT"

# Test secrets (not the dev defaults: the production profile refuses those).
QQ_APP_ID=102000001
TENCENT_SECRET_ID=AKIDpassportCLUSTERtest000000000000000
SMS_APP_ID=1400000002

pidfile() { echo "$RUN/pids/$1.pid"; }

is_running() {
    local f; f="$(pidfile "$1")"
    [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

# Start a process in the background, its output in run/logs/NAME.log, its pid in run/pids/.
start_bg() {
    local name="$1"; shift
    mkdir -p "$RUN/logs" "$RUN/pids"
    setsid "$@" >>"$RUN/logs/$name.log" 2>&1 < /dev/null &
    echo $! > "$(pidfile "$name")"
}

# Stop what start_bg started: SIGTERM (or $2), wait up to $3 s, then SIGKILL.
stop_bg() {
    local name="$1" sig="${2:-TERM}" wait="${3:-30}" f pid
    f="$(pidfile "$name")"
    [[ -f "$f" ]] || return 0
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -s "$sig" "$pid" 2>/dev/null || true
        for _ in $(seq $((wait * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
}

wait_http() {   # wait_http URL SECONDS [curl args...]
    local url="$1" secs="$2"; shift 2
    for _ in $(seq $((secs * 10))); do
        curl -fsS -o /dev/null --max-time 1 "$@" "$url" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "cluster: $url did not answer within ${secs}s" >&2
    return 1
}

# One passport instance's environment: config.example.toml plus the per-host values.
instance_env() {
    local n="$1"
    cat <<ENV
PASSPORT_CONFIG=$ROOT/config.example.toml
PASSPORT_DATABASE_URL=$DATABASE_URL
PASSPORT_LISTEN=127.0.0.1:$(instance_port "$n")
PASSPORT_PUBLIC_BASE_URL=$PUBLIC_BASE_URL
PASSPORT_WEB_DIST=$ROOT/admin-ui/dist
PASSPORT_SECRET_KEY_FILE=$RUN/secrets/secret_key
PASSPORT_TOKEN_KEY_FILE=$RUN/secrets/token_key
PASSPORT_QQ_APP_ID=$QQ_APP_ID
PASSPORT_QQ_APP_KEY_FILE=$RUN/secrets/qq_app_key
PASSPORT_QQ_REDIRECT_URI=$PUBLIC_BASE_URL/oauth/qq/callback
PASSPORT_QQ_BASE_URL=http://127.0.0.1:$QQ_SIM_PORT
PASSPORT_SMTP_URL_FILE=$RUN/secrets/smtp_url
PASSPORT_CAPTCHA=off
PASSPORT_TENCENT_SECRET_ID=$TENCENT_SECRET_ID
PASSPORT_TENCENT_SECRET_KEY_FILE=$RUN/secrets/tencent_secret_key
PASSPORT_SMS_APP_ID=$SMS_APP_ID
PASSPORT_TENCENT_SMS_ENDPOINT=https://127.0.0.1:$TENCENT_TLS_PORT/
PASSPORT_CORS_ORIGINS=
PASSPORT_JOB_LEASE_MS=${CLUSTER_JOB_LEASE_MS:-10000}
PASSPORT_SMTP_TIMEOUT_MS=5000
PASSPORT_JOB_BACKOFF_MAX_MS=${CLUSTER_JOB_BACKOFF_MAX_MS:-8000}
PASSPORT_TENCENT_TIMEOUT_MS=5000
PASSPORT_SMS_PER_CLIENT_HOURLY=1000
PASSPORT_SMS_PER_CLIENT_DAILY=1000
SSL_CERT_FILE=$RUN/tls/ca.pem
RUST_LOG=${CLUSTER_RUST_LOG:-info,sqlx=warn,sea_orm=warn,hyper=warn}
ENV
}

start_instance() {
    local n="$1"
    local -a envs
    mapfile -t envs < <(instance_env "$n")
    start_bg "passport-$n" env "${envs[@]}" "$BIN" serve --log-format json
}

wait_instance() { wait_http "http://127.0.0.1:$(instance_port "$1")/readyz" "${2:-60}"; }
