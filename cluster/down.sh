#!/usr/bin/env bash
# make cluster-down: stop everything `make cluster` started (by the pids it recorded) and the
# cluster's own PostgreSQL. cluster/run/ stays for the logs.
set -uo pipefail
source "$(dirname "$0")/env.sh"
for n in "${INSTANCES[@]}"; do stop_bg "passport-$n" TERM 30; done
if [[ -f "$(pidfile nginx)" ]]; then
    NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
    "$NGINX" -c "$RUN/nginx.conf" -s quit 2>/dev/null || stop_bg nginx
    for _ in $(seq 50); do [[ -f "$(pidfile nginx)" ]] || break; sleep 0.1; done
fi
for p in qq-sim tencent-sim smtp-sink; do stop_bg "$p" TERM 5; done
if pg_lsclusters -h 2>/dev/null | awk '{print $2}' | grep -qx "$PG_NAME"; then
    pg_ctlcluster "$PG_VERSION" "$PG_NAME" stop 2>/dev/null || true
fi
echo "cluster is down (logs in $RUN/logs)"
