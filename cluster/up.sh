#!/usr/bin/env bash
# make cluster: nginx (TLS) in front of three `passport serve` instances on one PostgreSQL
# database, production profile with test secrets, the QQ and Tencent Cloud simulators, and an SMTP
# sink. Everything on 127.0.0.1, state in cluster/run/. `make cluster-down` stops it.
set -euo pipefail
source "$(dirname "$0")/env.sh"

if is_running nginx; then echo "cluster: already up (make cluster-down first)"; exit 1; fi
# Debian's nginx, installed when missing (as deps-e2e does for Chromium; needs root).
if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
    echo "cluster: installing nginx"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$BIN" ]] || { echo "cluster: $BIN is missing (make build)"; exit 1; }
[[ -f "$ROOT/admin-ui/dist/index.html" ]] || echo "cluster: admin-ui/dist is not built (make ui): pages will say so"

rm -rf "$RUN"
mkdir -p "$RUN"/{logs,pids,secrets,tls,outbox,nginx-tmp}

# Test secrets, in files as LoadCredential hands them over.
umask 077
openssl rand -hex 32 > "$RUN/secrets/secret_key"
openssl rand -hex 32 > "$RUN/secrets/token_key"
echo "passport-cluster-qq-app-key" > "$RUN/secrets/qq_app_key"
echo "passport-cluster-tencent-secret-key" > "$RUN/secrets/tencent_secret_key"
echo "smtp://127.0.0.1:$SMTP_PORT" > "$RUN/secrets/smtp_url"
umask 022

# A throwaway CA and a certificate for 127.0.0.1 signed by it (rustls refuses a CA certificate
# used as the server's own). The instances trust the CA (SSL_CERT_FILE) for the Tencent endpoint;
# the drills and the e2e harness trust it too, the browser ignores certificate errors.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=passport cluster test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$RUN/tls/ca-key.pem" -out "$RUN/tls/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$RUN/tls/key.pem" -out "$RUN/tls/cert.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$RUN/tls/ext.cnf"
openssl x509 -req -in "$RUN/tls/cert.csr" -CA "$RUN/tls/ca.pem" -CAkey "$RUN/tls/ca-key.pem" \
    -CAcreateserial -days 2 -extfile "$RUN/tls/ext.cnf" -out "$RUN/tls/cert.pem" 2>/dev/null

# PostgreSQL: a cluster of our own on $PG_PORT.
if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$PG_NAME"; then
    pg_createcluster "$PG_VERSION" "$PG_NAME" --port "$PG_PORT" -- --auth-host=trust --auth-local=trust >/dev/null
    echo "max_connections = 200" >> "/etc/postgresql/$PG_VERSION/$PG_NAME/postgresql.conf"
fi
pg_ctlcluster "$PG_VERSION" "$PG_NAME" status >/dev/null 2>&1 || pg_ctlcluster "$PG_VERSION" "$PG_NAME" start
psql -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" -c "CREATE DATABASE $DB_NAME" >/dev/null

# The simulators and the mail sink.
cat > "$RUN/qq-sim.toml" <<TOML
[[apps]]
client_id = "$QQ_APP_ID"
client_secret = "passport-cluster-qq-app-key"
redirect_uris = ["$PUBLIC_BASE_URL/"]
unionid = true
TOML
start_bg qq-sim "$BIN" qq-sim --listen "127.0.0.1:$QQ_SIM_PORT" --sim-config "$RUN/qq-sim.toml"
start_bg tencent-sim env PASSPORT_TENCENT_SECRET_KEY=passport-cluster-tencent-secret-key \
    "$BIN" tencent-sim --listen "127.0.0.1:$TENCENT_SIM_PORT" --secret-id "$TENCENT_SECRET_ID" \
    --sms-app-id "$SMS_APP_ID" --outbox-dir "$RUN/outbox"
start_bg smtp-sink python3 "$ROOT/cluster/smtp_sink.py" --smtp "127.0.0.1:$SMTP_PORT" \
    --http "127.0.0.1:$OUTBOX_HTTP_PORT" --dir "$RUN/outbox"

# nginx on deploy/nginx/passport.conf, with the lines marked CLUSTER pointed at local files.
sed -e "s|listen 443 ssl http2;|listen 127.0.0.1:$HTTPS_PORT ssl http2;|" \
    -e "s|/etc/ssl/passport/fullchain.pem|$RUN/tls/cert.pem|" \
    -e "s|/etc/ssl/passport/privkey.pem|$RUN/tls/key.pem|" \
    -e "s|/var/log/nginx/passport.access.log|$RUN/logs/nginx-access.log|" \
    -e "s|/srv/passport/admin-ui/dist|$ROOT/admin-ui/dist|" \
    -e "s|/etc/nginx/passport-proxy.conf|$ROOT/deploy/nginx/passport-proxy.conf|" \
    "$ROOT/deploy/nginx/passport.conf" > "$RUN/passport.conf"
cat > "$RUN/nginx.conf" <<CONF
user root;
worker_processes 2;
pid $RUN/pids/nginx.pid;
error_log $RUN/logs/nginx-error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $RUN/nginx-tmp/body;
    proxy_temp_path $RUN/nginx-tmp/proxy;
    fastcgi_temp_path $RUN/nginx-tmp/fastcgi;
    uwsgi_temp_path $RUN/nginx-tmp/uwsgi;
    scgi_temp_path $RUN/nginx-tmp/scgi;
    include $RUN/passport.conf;
    # The Tencent Cloud simulator behind TLS: production accepts only an https endpoint.
    server {
        listen 127.0.0.1:$TENCENT_TLS_PORT ssl;
        ssl_certificate $RUN/tls/cert.pem;
        ssl_certificate_key $RUN/tls/key.pem;
        access_log off;
        location / { proxy_pass http://127.0.0.1:$TENCENT_SIM_PORT; proxy_set_header Host \$http_host; }
    }
}
CONF
"$NGINX" -t -c "$RUN/nginx.conf" -q
"$NGINX" -c "$RUN/nginx.conf"

# Migrate once, create the first admin, then the three instances.
env PASSPORT_DATABASE_URL="$DATABASE_URL" "$BIN" migrate up >/dev/null
env PASSPORT_DATABASE_URL="$DATABASE_URL" PASSPORT_ADMIN_PASSWORD="${CLUSTER_ADMIN_PASSWORD:-Admin-pass-2026}" \
    "$BIN" admin create --username admin --email admin@example.com >/dev/null
for n in "${INSTANCES[@]}"; do start_instance "$n"; done
wait_http "http://127.0.0.1:$QQ_SIM_PORT/_sim" 30
wait_http "http://127.0.0.1:$OUTBOX_HTTP_PORT/stats" 30
for n in "${INSTANCES[@]}"; do wait_instance "$n" 60; done
wait_http "$PUBLIC_BASE_URL/readyz" 10 --cacert "$RUN/tls/ca.pem"

cat <<TXT
cluster is up (production profile, 3 instances, PostgreSQL $PG_VERSION/$PG_NAME on :$PG_PORT)
  public       $PUBLIC_BASE_URL/login   (nginx; test CA: $RUN/tls/ca.pem)
  admin        $PUBLIC_BASE_URL/admin   (admin / ${CLUSTER_ADMIN_PASSWORD:-Admin-pass-2026})
  instances    $(for n in "${INSTANCES[@]}"; do printf 'http://127.0.0.1:%s ' "$(instance_port "$n")"; done)
  QQ sim       http://127.0.0.1:$QQ_SIM_PORT/_sim   Tencent sim http://127.0.0.1:$TENCENT_SIM_PORT/_sim (TLS :$TENCENT_TLS_PORT)
  mail         smtp://127.0.0.1:$SMTP_PORT -> http://127.0.0.1:$OUTBOX_HTTP_PORT/outbox
  logs         $RUN/logs/
TXT
