#!/usr/bin/env python3
"""The cluster drills (`make cluster-drill`): seven faults under a steady mixed load, each with a
report of what was sent, what failed and what was lost. Needs a running `make cluster`; all
traffic on 127.0.0.1 (client addresses 127.77.x.y, so the per-client throttles see many clients).

    cluster/drill.py [--only 1,3] [--fault-secs 60] [--report FILE]

Exit status 0 when every drill met its bars (see README, "Deploying": the drills). A drill that
missed only timing bars while the machine was starved is SLOW, not FAIL (see `verdict`).
"""
import argparse
import collections
import http.client
import itertools
import json
import os
import random
import signal
import ssl
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUN = os.path.join(ROOT, "cluster", "run")
HOST, HTTPS_PORT = "127.0.0.1", 8443
BASE = f"https://{HOST}:{HTTPS_PORT}"
QQ_SIM = ("127.0.0.1", 8201)
OUTBOX = ("127.0.0.1", 2580)
PG_PORT = 5433
DB = "passport_cluster"
QQ_APP_ID = "102000001"
REDIRECT_URI = f"{BASE}/oauth/qq/callback"
PASSWORD = "Drill-pass-2026"
ADMIN_PASSWORD = os.environ.get("CLUSTER_ADMIN_PASSWORD", "Admin-pass-2026")
INSTANCES = [1, 2, 3]

TLS = ssl.create_default_context(cafile=os.path.join(RUN, "tls", "ca.pem"))
_addr_counter = itertools.count(1)
_addr_lock = threading.Lock()


def client_addr():
    """A fresh loopback source address (127.77.0.1 … 127.77.255.254), one per request."""
    with _addr_lock:
        n = next(_addr_counter) % 65000 + 1
    return f"127.77.{n // 254}.{n % 254 + 1}"


class Response:
    def __init__(self, status, headers, body, elapsed):
        self.status, self.headers, self.body, self.elapsed = status, headers, body, elapsed

    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    @property
    def code(self):
        j = self.json()
        return j.get("code") if isinstance(j, dict) else None


def request(method, path, body=None, token=None, cookie=None, source=None, timeout=60,
            host=HOST, port=HTTPS_PORT, tls=True):
    """One HTTP request on its own connection. A transport failure is status 0."""
    headers = {}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cookie:
        headers["Cookie"] = cookie
    started = time.monotonic()
    src = (source or client_addr(), 0) if tls else None
    try:
        if tls:
            conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=TLS,
                                               source_address=src)
        else:
            conn = http.client.HTTPConnection(host, port, timeout=timeout)
        conn.request(method, path, body=data, headers=headers)
        r = conn.getresponse()
        payload = r.read()
        conn.close()
        return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, payload,
                        time.monotonic() - started)
    except (OSError, http.client.HTTPException) as e:
        return Response(0, {}, str(e).encode(), time.monotonic() - started)


def sim(method, path, body=None):
    return request(method, path, body, host=QQ_SIM[0], port=QQ_SIM[1], tls=False)


def sim_refresh_reuses():
    """How many times the QQ simulator saw a used (rotated) refresh token presented again."""
    return int(sim("GET", "/_sim").json()["stats"]["refresh_reuses"])


def psql(sql):
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", DB,
                          "-At", "-F", "\t", "-c", sql], capture_output=True, text=True, check=True)
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def cluster_sh(script):
    subprocess.run(["bash", "-c", f"source '{ROOT}/cluster/env.sh'; {script}"], check=True)


def pid_of(name):
    with open(os.path.join(RUN, "pids", f"{name}.pid")) as f:
        return int(f.read().strip())


def wait_until(what, probe, secs):
    until = time.monotonic() + secs
    while time.monotonic() < until:
        v = probe()
        if v:
            return v
        time.sleep(0.2)
    raise RuntimeError(f"timed out after {secs}s waiting for {what}")


# --- the people the load acts as -------------------------------------------------------------

class Population:
    """Accounts made for this run: `users` (password logins, reset requests) and, of them,
    `bound` (with a QQ identity, for QQ logins)."""

    # passport answers every reset request 202 but sends at most 3 links an hour per address
    # (accounts::password_reset::PER_ADDRESS): the load never asks more often than that, so that
    # every accepted request must end as a mail. Enough users for a quiet machine's full speed.
    RESETS_PER_ADDRESS = 3

    def __init__(self, run_id, users=1500, bound=20):
        self.run_id = run_id
        admin_hash = psql("SELECT password_hash FROM users WHERE username = 'admin'")[0][0]
        # The drill's own password for all: the admin's hash is of ADMIN_PASSWORD.
        psql("INSERT INTO users (username, email, nickname, password_hash, created_at, updated_at) "
             f"SELECT 'd{run_id}_' || i, 'd{run_id}_' || i || '@drill.example.com', "
             f"'演练{run_id}_' || i, '{admin_hash}', now(), now() "
             f"FROM generate_series(0, {users - 1}) AS i")
        self.users = [f"d{run_id}_{i}" for i in range(users)]
        self.password = ADMIN_PASSWORD
        self.bound = []
        for name in self.users[:bound]:
            started = qq_login(name)
            if started[0] != "bind_required":
                raise RuntimeError(f"setup: QQ login of {name}: {started}")
            r = request("POST", "/api/oauth/qq/bind",
                        {"bind_ticket": started[1], "account": name, "password": self.password})
            if r.status != 200:
                raise RuntimeError(f"setup: bind {name}: {r.status} {r.body[:200]}")
            self.bound.append(name)
        self.admin_token = request("POST", "/api/users/login",
                                   {"account": "admin", "password": ADMIN_PASSWORD}).json()["token"]
        self._reset_cycle = itertools.cycle(self.users)
        self._resets = collections.Counter()
        self._lock = threading.Lock()

    def next_reset_address(self):
        """The next address to ask a reset for, or None once every address had its hourly share."""
        with self._lock:
            for _ in range(len(self.users)):
                name = next(self._reset_cycle)
                if self._resets[name] < self.RESETS_PER_ADDRESS:
                    self._resets[name] += 1
                    return f"{name}@drill.example.com"
            return None


def qq_login(sim_user, record=None):
    """A browser's QQ login through nginx: authorize URL (cookie), the user approves at QQ (the
    simulator mints the code), the callback. Answers (status, bind_ticket or None, last response)."""
    source = client_addr()
    started = request("GET", "/api/oauth/qq/authorize-url?next=/account", source=source)
    if record:
        record("qq_authorize", started)
    if started.status != 200:
        return ("failed", None, started)
    state = started.json()["state"]
    cookie = started.headers.get("set-cookie", "").split(";")[0]
    codes = sim("POST", "/_sim/codes", {"client_id": QQ_APP_ID, "redirect_uri": REDIRECT_URI,
                                        "sim_user": sim_user, "count": 1})
    if codes.status != 200:
        raise RuntimeError(f"QQ simulator: {codes.status} {codes.body[:200]}")
    code = codes.json()["codes"][0]
    called = request("POST", "/api/oauth/qq/callback", {"code": code, "state": state},
                     cookie=cookie, source=source)
    if record:
        record("qq_callback", called)
    if called.status != 200:
        return ("failed", None, called)
    body = called.json()
    return (body.get("status"), body.get("bind_ticket"), called)


# --- the steady mixed load -------------------------------------------------------------------

class Load:
    """Workers looping over QQ logins of bound users, password logins, reset requests and the
    admin list, every request through nginx, until stopped. Everything is recorded."""

    OPS = ["qq_login", "password_login", "admin_list", "password_login", "reset_request",
           "qq_login", "admin_list", "password_login"]

    def __init__(self, population, workers=4, pause=0.05):
        self.pop = population
        self.workers = workers
        self.pause = pause
        self.stop_flag = threading.Event()
        self.lock = threading.Lock()
        self.records = []          # (t, op, status, code, elapsed)
        self.resets_accepted = collections.Counter()   # address -> 202s
        self.threads = []
        # Mails already in the outbox belong to earlier drills (the addresses are reused).
        self.mails_before = {m.get("message_id") for m in (outbox_mails() or [])}

    def record(self, op, r):
        with self.lock:
            self.records.append((time.monotonic(), op, r.status, r.code, r.elapsed))

    def run_worker(self, k):
        ops = itertools.cycle(self.OPS[k % len(self.OPS):] + self.OPS[:k % len(self.OPS)])
        rng = random.Random(k)
        while not self.stop_flag.is_set():
            op = next(ops)
            if op == "qq_login":
                qq_login(rng.choice(self.pop.bound), record=self.record)
            elif op == "password_login":
                r = request("POST", "/api/users/login",
                            {"account": rng.choice(self.pop.users), "password": self.pop.password})
                self.record(op, r)
            elif op == "admin_list":
                r = request("GET", "/api/admin/bindings?per_page=20", token=self.pop.admin_token)
                self.record(op, r)
            elif op == "reset_request":
                address = self.pop.next_reset_address()
                if address is None:
                    time.sleep(self.pause)
                    continue
                r = request("POST", "/api/password-resets", {"email": address})
                self.record(op, r)
                if r.status == 202:
                    with self.lock:
                        self.resets_accepted[address] += 1
            time.sleep(self.pause)

    def start(self):
        for k in range(self.workers):
            t = threading.Thread(target=self.run_worker, args=(k,), daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def stop(self):
        self.stop_flag.set()
        for t in self.threads:
            t.join(60)

    def summary(self, since=0.0, until=float("inf"), expected=lambda op, status, code: False):
        sent = collections.Counter()
        failed = collections.Counter()
        slowest_failure = 0.0
        with self.lock:
            rows = [r for r in self.records if since <= r[0] <= until]
        ok = {"qq_authorize": {200}, "qq_callback": {200}, "password_login": {200},
              "admin_list": {200}, "reset_request": {202}}
        for _, op, status, code, elapsed in rows:
            sent[op] += 1
            if status not in ok[op] and not expected(op, status, code):
                failed[f"{op} {status} {code or ''}".strip()] += 1
            if status not in ok[op]:
                slowest_failure = max(slowest_failure, elapsed)
        return {"sent": dict(sent), "sent_total": sum(sent.values()), "failed": dict(failed),
                "failed_total": sum(failed.values()),
                "slowest_non_200_s": round(slowest_failure, 3)}


# --- verdicts on a noisy machine -------------------------------------------------------------

# A drill's bars are of two kinds. CORRECT: failed or wrong answers, lost or doubled mails and
# refreshes, leaks; these fail the drill whatever the machine is doing (the drill's own waits are
# generous so starvation cannot fake them). TIMING: how fast (ready within 5 s, answers within
# 10 s, a burst at full speed); these fail the drill too, unless the machine was starved while
# it ran (see Starvation), when they are reported as SLOW with the load beside them.
CORRECT, TIMING = "correctness", "timing"
CORES = os.cpu_count() or 1


class Starvation:
    """Samples the 1-minute load average and how late a 100 ms sleep of ours wakes up, while a
    drill runs. Starved: load above twice the cores, or a wake-up over a second late."""

    def __init__(self):
        self.stop_flag = threading.Event()
        self.max_load = os.getloadavg()[0]
        self.max_lag = 0.0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop_flag.is_set():
            s = time.monotonic()
            time.sleep(0.1)
            self.max_lag = max(self.max_lag, time.monotonic() - s - 0.1)
            self.max_load = max(self.max_load, os.getloadavg()[0])

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        self.thread.join(2)

    @property
    def starved(self):
        return self.max_load > 2 * CORES or self.max_lag > 1.0

    def figures(self):
        return {"max_load1": round(self.max_load, 2), "cores": CORES,
                "max_wakeup_lag_s": round(self.max_lag, 2), "starved": self.starved}


def verdict(checks, starved):
    """PASS, SLOW (only timing bars missed, on a starved machine) or FAIL, and the missed bars."""
    missed = [(name, kind) for name, (ok, kind) in checks.items() if not ok]
    if not missed:
        return "PASS", []
    if starved and all(kind == TIMING for _, kind in missed):
        return "SLOW", [name for name, _ in missed]
    return "FAIL", [name for name, _ in missed]


def mail_ok(mail):
    return mail.get("lost") == 0 and mail.get("doubled") == 0


# --- mail accounting -------------------------------------------------------------------------

def outbox_mails():
    r = request("GET", "/outbox", host=OUTBOX[0], port=OUTBOX[1], tls=False)
    if r.status != 200:
        return None
    return [m for m in r.json()["messages"] if m.get("kind") == "mail"]


def mail_check(load, wait_secs=90):
    """Every accepted reset request to a known address must end as exactly one reset mail
    (accepted counts are kept ≤ 3 per address and hour, the per-address limit). Waits for
    stragglers; answers expected, delivered, lost, doubled."""
    expected = dict(load.resets_accepted)
    total = sum(expected.values())

    def count():
        mails = outbox_mails()
        if mails is None:
            return None
        new = [m for m in mails if m.get("message_id") not in load.mails_before]
        per_address = collections.Counter(
            m["to"] for m in new if "/reset-password?token=" in m["body"] and m["to"] in expected)
        # (This drill's mails only: a mail doubled in an earlier drill is that drill's.)
        ids = [m.get("message_id") for m in new]
        # A mail sent twice carries the same Message-ID (the job's idempotency key) twice.
        return per_address, len(ids) - len(set(ids))

    until = time.monotonic() + wait_secs
    while True:
        got = count()
        if got is not None:
            per_address, doubled = got
            delivered = sum(min(per_address[a], n) for a, n in expected.items())
            if delivered >= total or time.monotonic() > until:
                break
        elif time.monotonic() > until:
            return {"expected": total, "delivered": None, "lost": None, "doubled": None}
        time.sleep(1)
    lost = sum(max(n - per_address[a], 0) for a, n in expected.items())
    extra = sum(max(per_address[a] - n, 0) for a, n in expected.items())
    return {"expected": total, "delivered": delivered, "lost": lost,
            "doubled": doubled + extra}


def nginx_log_size():
    return os.path.getsize(os.path.join(RUN, "logs", "nginx-access.log"))


def nginx_passed_on(log_from, uri):
    """The requests for `uri` nginx passed to a second instance (their upstream lists two), from
    byte `log_from` of its access log on."""
    passed = []
    with open(os.path.join(RUN, "logs", "nginx-access.log")) as f:
        f.seek(log_from)
        for line in f:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("uri") == uri and "," in entry.get("upstream", ""):
                passed.append(f"{entry['upstream']} -> {entry['upstream_status']}")
    return passed


def jobs_by_state():
    return {k: int(n) for k, n in psql("SELECT kind || '/' || state, count(*) FROM jobs GROUP BY 1")}


def metric(text, name):
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name):
            total += float(line.rsplit(" ", 1)[1])
    return total


def instance_metrics(n):
    r = request("GET", "/metrics", host="127.0.0.1", port=8100 + n, tls=False)
    return r.body.decode() if r.status == 200 else ""


# --- the drills ------------------------------------------------------------------------------

def steady(load, secs):
    time.sleep(secs)


def drill_rolling_restart(pop, args):
    """All three instances restarted one by one (SIGTERM, wait for exit, start, wait ready)."""
    load = Load(pop).start()
    steady(load, 3)
    t0 = time.monotonic()
    timings = []
    for n in INSTANCES:
        s = time.monotonic()
        # Up to 60 s: a starved machine is slow to drain, and a SIGKILL here would be our doing.
        cluster_sh(f"stop_bg passport-{n} TERM 60")
        stopped = time.monotonic() - s
        cluster_sh(f"start_instance {n}; wait_instance {n} 60")
        timings.append({"instance": n, "stop_s": round(stopped, 2),
                        "down_s": round(time.monotonic() - s, 2)})
        steady(load, 2)
    steady(load, 2)
    load.stop()
    out = load.summary(since=t0)
    out["restarts"] = timings
    out["mail"] = mail_check(load)
    out["checks"] = {
        "0 failed requests": (out["failed_total"] == 0, CORRECT),
        "0 mails lost or doubled": (mail_ok(out["mail"]), CORRECT),
    }
    return out


def drill_kill9(pop, args):
    """kill -9 of an instance while it holds leased jobs and a QQ refresh in flight."""
    victim = 2
    load = Load(pop).start()
    steady(load, 2)
    before_failed = psql("SELECT count(*) FROM social_bindings WHERE refresh_status = 'refresh_failed'")[0][0]
    reuses_before = sim_refresh_reuses()
    db_start = psql("SELECT now()")[0][0]
    # QQ answers the token endpoint slowly, so refreshes are in flight; queue one per binding.
    sim("POST", "/_sim/faults", {"endpoint": "token", "kind": "latency", "latency_ms": 2500})
    ids = [row[0] for row in psql("SELECT id FROM social_bindings ORDER BY id")]
    for bid in ids:
        request("POST", f"/api/admin/bindings/{bid}/refresh", token=pop.admin_token)
    victim_pid = pid_of(f"passport-{victim}")
    log_from = nginx_log_size()

    def victim_holds():
        rows = psql("SELECT lease_owner, kind, count(*) FROM jobs WHERE state = 'running' GROUP BY 1, 2")
        return rows if any(f":{victim_pid}:" in o for o, _, _ in rows) else None
    # A starved instance claims late: wait for the victim to hold jobs (up to 20 s), not a fixed 1.5 s.
    try:
        owners = wait_until("the victim to hold leased jobs", victim_holds, 20)
    except RuntimeError:
        owners = psql("SELECT lease_owner, kind, count(*) FROM jobs WHERE state = 'running' GROUP BY 1, 2")
    # Claimed is not yet sent: give the victim's workers a second to take the refresh leases and
    # be inside QQ's 2.5 s answer, so the kill lands on refreshes in flight.
    time.sleep(1.0)
    victim_refreshing = int(psql(
        "SELECT count(*) FROM jobs WHERE state = 'running' AND kind = 'qq_token_refresh' "
        f"AND lease_owner LIKE '%:{victim_pid}:%'")[0][0])
    t0 = time.monotonic()
    os.kill(victim_pid, signal.SIGKILL)
    steady(load, 3)
    sim("DELETE", "/_sim/faults")
    cluster_sh(f"start_instance {victim}; wait_instance {victim} 60")
    # Leases are 10 s in the cluster (PASSPORT_JOB_LEASE_MS): wait for the orphaned jobs.
    def settled():
        rows = psql("SELECT count(*) FROM jobs WHERE kind = 'qq_token_refresh' "
                    "AND state IN ('available', 'running', 'retryable')")
        return int(rows[0][0]) == 0
    try:
        # A job the victim held waits for the victim's refresh lease (60 s) before it may
        # conclude that the token was sent: up to lease + job lease + backoff.
        wait_until("the refresh jobs to finish", settled, 150)
        settled_ok = True
    except RuntimeError:
        settled_ok = False
    load.stop()
    # A QQ callback the victim had in hand when it died: nginx passes it on, and the instance that
    # gets it answers the login's outcome, or (QQ had already spent the code for the dead one)
    # 401 qq_login_expired: the user logs in again (drill 7). Expected here, at most one per
    # callback nginx passed on.
    passed_on = nginx_passed_on(log_from, "/api/oauth/qq/callback")
    out = load.summary(since=t0, expected=lambda op, st, code: (
        op == "qq_callback" and st == 401 and code == "qq_login_expired"))
    with load.lock:
        relogin = sum(1 for t, op, st, code, _ in load.records
                      if t >= t0 and op == "qq_callback" and st == 401 and code == "qq_login_expired")
    after_failed = psql("SELECT count(*) FROM social_bindings WHERE refresh_status = 'refresh_failed'")[0][0]
    # Counted in the bindings' token history since the drill began (earlier runs on the same
    # cluster left theirs, and QQ logins of the load clear a binding's failed status).
    failed_events, interrupted = (int(x) for x in psql(
        "SELECT count(*), count(*) FILTER (WHERE detail LIKE 'refresh_interrupted%') "
        f"FROM binding_token_events WHERE kind = 'refresh_failed' AND at >= '{db_start}'")[0])
    lapsed_intents = int(psql("SELECT count(*) FROM social_bindings WHERE refresh_status = 'ok' "
                              "AND refresh_sent_version = token_version "
                              "AND refresh_lease_until < now()")[0][0])
    reuses = sim_refresh_reuses() - reuses_before
    refresh_jobs = {k: int(n) for k, n in psql(
        "SELECT state, count(*) FROM jobs WHERE kind = 'qq_token_refresh' GROUP BY 1")}
    out.update({
        "running_jobs_at_kill": [{"owner": o, "kind": k, "n": int(n)} for o, k, n in owners],
        "victim_held_jobs": sum(int(n) for o, _, n in owners if f":{victim_pid}:" in o),
        "refresh_jobs": refresh_jobs, "refresh_jobs_settled": settled_ok,
        "refresh_failed_bindings": {"before": int(before_failed), "after": int(after_failed)},
        "refresh_failed_events": {"all": failed_events, "refresh_interrupted": interrupted},
        "refresh_tokens_presented_twice_at_qq": reuses,
        "victim_refresh_jobs_at_kill": victim_refreshing,
        "lapsed_refresh_intents_left": lapsed_intents,
        "callbacks_passed_on_by_nginx": passed_on,
        "qq_login_expired_after_kill": relogin,
        "mail": mail_check(load),
    })
    out["checks"] = {
        "the victim held leased jobs when killed": (out["victim_held_jobs"] > 0, CORRECT),
        "every refresh job finished (150 s)": (settled_ok, CORRECT),
        "no refresh job discarded": (refresh_jobs.get("discarded", 0) == 0, CORRECT),
        "no refresh token sent twice (QQ simulator's refresh_reuses)": (reuses == 0, CORRECT),
        "bindings failed only as refresh_interrupted, at most one per victim refresh job": (
            failed_events == interrupted and interrupted <= victim_refreshing,
            CORRECT),
        "no binding left with a lapsed refresh intent": (lapsed_intents == 0, CORRECT),
        "0 failed requests": (out["failed_total"] == 0, CORRECT),
        "qq_login_expired only for callbacks nginx passed on from the victim": (
            relogin <= len(passed_on), CORRECT),
        "0 mails lost or doubled": (mail_ok(out["mail"]), CORRECT),
    }
    return out


def drill_postgres_restart(pop, args):
    """PostgreSQL stopped for 3 s and started again (pg_ctlcluster), under load."""
    load = Load(pop).start()
    steady(load, 3)
    ver = sorted(os.listdir("/usr/lib/postgresql"), key=int)[-1]
    t0 = time.monotonic()
    subprocess.run(["pg_ctlcluster", ver, "passport-cluster", "stop", "-m", "fast"], check=True)
    down_at = time.monotonic()
    time.sleep(1)
    ready_during = [request("GET", "/readyz", host="127.0.0.1", port=8100 + n, tls=False)
                    for n in INSTANCES]
    time.sleep(2)
    subprocess.run(["pg_ctlcluster", ver, "passport-cluster", "start"], check=True)
    up_at = time.monotonic()

    def all_ready():
        return all(request("GET", "/readyz", host="127.0.0.1", port=8100 + n, tls=False).status == 200
                   for n in INSTANCES)
    wait_until("every instance ready again", all_ready, 60)
    ready_again = time.monotonic() - up_at
    # The first load request answered 2xx after the database came back.
    steady(load, 5)
    load.stop()
    with load.lock:
        first_ok = min((t for t, op, st, _, _ in load.records
                        if t > up_at and st in (200, 202)), default=None)
    gap = load.summary(since=down_at, until=up_at,
                       expected=lambda op, st, code: st == 503 and code == "database_unavailable")
    out = load.summary(since=t0, expected=lambda op, st, code: (
        st == 503 and code == "database_unavailable"))
    codes_in_gap = collections.Counter()
    with load.lock:
        for t, op, st, code, el in load.records:
            if down_at <= t <= up_at + ready_again:
                codes_in_gap[f"{st} {code or ''}".strip()] += 1
    out.update({
        "database_down_s": round(up_at - down_at, 2),
        "answers_while_down": dict(codes_in_gap),
        "readyz_while_down": [f"{r.status} {r.code}" for r in ready_during],
        "slowest_answer_while_down_s": gap["slowest_non_200_s"],
        "all_ready_s_after_db": round(ready_again, 2),
        "first_success_s_after_db": round(first_ok - up_at, 2) if first_ok else None,
        "mail": mail_check(load),
    })
    out["checks"] = {
        "only 503 database_unavailable while down (no 500, no hang)": (out["failed_total"] == 0, CORRECT),
        "/readyz 503 on every instance while down": (all(r.status == 503 for r in ready_during), CORRECT),
        "0 mails lost or doubled": (mail_ok(out["mail"]), CORRECT),
        "every instance ready within 5 s of the database": (ready_again <= 5, TIMING),
        "answers while down within 10 s": (gap["slowest_non_200_s"] < 10, TIMING),
    }
    return out


def drill_smtp_down(pop, args):
    """The SMTP server gone for `fault_secs` (default 60), then back."""
    load = Load(pop).start()
    steady(load, 2)
    t0 = time.monotonic()
    cluster_sh("stop_bg smtp-sink TERM 5")
    time.sleep(args.fault_secs)
    cluster_sh(f"start_bg smtp-sink python3 '{ROOT}/cluster/smtp_sink.py' --smtp 127.0.0.1:2525 "
               f"--http 127.0.0.1:2580 --dir '{RUN}/outbox'")
    back = time.monotonic()
    steady(load, 3)
    load.stop()
    out = load.summary(since=t0)
    out["smtp_down_s"] = round(back - t0, 1)
    # The bar is "every mail delivered, none twice"; how long it took is reported beside it.
    out["mail"] = mail_check(load, wait_secs=180)
    out["mail_wait_after_smtp_back_s"] = round(time.monotonic() - back, 1)
    out["discarded_mail_jobs"] = int(psql(
        "SELECT count(*) FROM jobs WHERE kind = 'mail' AND state = 'discarded'")[0][0])
    out["checks"] = {
        "0 failed requests": (out["failed_total"] == 0, CORRECT),
        "every mail delivered once after SMTP returned (180 s)": (mail_ok(out["mail"]), CORRECT),
        "no mail job discarded": (out["discarded_mail_jobs"] == 0, CORRECT),
    }
    return out


def drill_qq_faults(pop, args):
    """QQ's token endpoint answers 20 % 5xx and 10 % never for `fault_secs`; then full speed."""
    load = Load(pop).start()
    steady(load, 2)
    t0 = time.monotonic()
    sim("POST", "/_sim/faults", {"faults": [
        {"endpoint": "token", "kind": "status", "status": 502, "probability": 0.2},
        {"endpoint": "token", "kind": "timeout", "probability": 0.125},   # 10 % of all
    ]})
    time.sleep(args.fault_secs)
    sim("DELETE", "/_sim/faults")
    t1 = time.monotonic()
    load.stop()
    during = load.summary(since=t0, until=t1,
                          expected=lambda op, st, code: op == "qq_callback" and st == 502
                          and code == "qq_unavailable")
    with load.lock:
        qq_unavail = [el for t, op, st, code, el in load.records
                      if t0 <= t <= t1 and op == "qq_callback" and st == 502]
        qq_ok = sum(1 for t, op, st, code, el in load.records
                    if t0 <= t <= t1 and op == "qq_callback" and st == 200)
    # Right after: a burst of QQ logins at full speed (no slot or connection left behind).
    burst = 40
    results = []
    lock = threading.Lock()

    def one(i):
        status, _, r = qq_login(pop.bound[i % len(pop.bound)])
        with lock:
            results.append((status, r, r.elapsed))
    s = time.monotonic()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(burst)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    burst_s = time.monotonic() - s
    burst_ok = sum(1 for st, code, _ in results if st == "logged_in")
    burst_overloaded = sum(1 for st, r, _ in results if st != "logged_in" and r.status == 503
                           and r.code == "overloaded")
    # A leaked exchange slot or connection would still fail logins one at a time, after the burst.
    after = [qq_login(pop.bound[i % len(pop.bound)]) for i in range(10)]
    after_ok = sum(1 for st, _, _ in after if st == "logged_in")
    during.update({
        "qq_logins_ok_during_faults": qq_ok,
        "qq_unavailable_502": len(qq_unavail),
        "qq_unavailable_slowest_s": round(max(qq_unavail, default=0), 2),
        "burst_after": {"sent": burst, "logged_in": burst_ok, "overloaded_503": burst_overloaded,
                        "seconds": round(burst_s, 2)},
        "one_by_one_after": {"sent": len(after), "logged_in": after_ok},
        "mail": mail_check(load),
    })
    during["checks"] = {
        "only 502 qq_unavailable for the failed QQ calls": (during["failed_total"] == 0, CORRECT),
        "other QQ logins succeeded meanwhile": (qq_ok > 0, CORRECT),
        "no slot or connection leaked (10 logins one by one after)": (after_ok == len(after), CORRECT),
        "burst of 40 right after: failures only 503 overloaded": (
            burst_ok + burst_overloaded == burst, CORRECT),
        "burst of 40 right after: all logged in": (burst_ok == burst, TIMING),
        "qq_unavailable answered within 15 s": (during["qq_unavailable_slowest_s"] < 15, TIMING),
    }
    return during


def drill_throttles(pop, args):
    """Two client addresses behind nginx are throttled separately: one spends its failed-login
    allowance (PASSPORT_LOGIN_FAILURES_PER_CLIENT, 20), the other is not affected."""
    # Addresses of this run only: an earlier run's failures stay counted for 15 minutes.
    octet = random.randrange(1, 250)
    a, b = f"127.88.{octet}.1", f"127.88.{octet}.2"
    statuses_a = []
    for i in range(25):
        # Wrong passwords on different accounts: only the per-client limit can trip.
        r = request("POST", "/api/users/login",
                    {"account": pop.users[(i + 40) % len(pop.users)], "password": "wrong-password-1"},
                    source=a)
        statuses_a.append(r.status)
    wrong_b = request("POST", "/api/users/login",
                      {"account": pop.users[70], "password": "wrong-password-1"}, source=b)
    right_b = request("POST", "/api/users/login",
                      {"account": pop.users[71], "password": pop.password}, source=b)
    right_a = request("POST", "/api/users/login",
                      {"account": pop.users[72], "password": pop.password}, source=a)
    first_429 = next((i + 1 for i, s in enumerate(statuses_a) if s == 429), None)
    out = {
        "sent": {"password_login": len(statuses_a) + 3}, "sent_total": len(statuses_a) + 3,
        "client_a": dict(collections.Counter(statuses_a)), "client_a_first_429_at": first_429,
        "client_a_right_password": right_a.status,
        "client_b_wrong_password": wrong_b.status, "client_b_right_password": right_b.status,
    }
    # A wrong password is 400 `invalid_credentials`; the 21st failure from one client is 429.
    out["checks"] = {
        "client A: 429 from its 21st failure on": (first_429 == 21, CORRECT),
        "client A: 429 even with a right password": (right_a.status == 429, CORRECT),
        "client B unaffected (400 wrong, 200 right)": (wrong_b.status == 400 and right_b.status == 200,
                                                      CORRECT),
    }
    return out


def drill_kill9_callback(pop, args):
    """kill -9 of an instance while QQ callbacks are in flight on it. nginx passes each to another
    instance (`proxy_next_upstream error non_idempotent`), which finds the state used: it must
    answer as the login would have (src/accounts/callback_replay.rs), never 400 `state_used`."""
    victim = 3
    victim_pid = pid_of(f"passport-{victim}")
    log_from = nginx_log_size()
    n = 12
    # Every browser has its state, cookie and QQ code before the callbacks go out together.
    browsers = []
    for i in range(n):
        source = client_addr()
        started = request("GET", "/api/oauth/qq/authorize-url?next=/account", source=source)
        if started.status != 200:
            raise RuntimeError(f"authorize: {started.status} {started.body[:200]}")
        codes = sim("POST", "/_sim/codes", {"client_id": QQ_APP_ID, "redirect_uri": REDIRECT_URI,
                                            "sim_user": pop.bound[i % len(pop.bound)], "count": 1})
        browsers.append({"source": source, "state": started.json()["state"],
                         "cookie": started.headers.get("set-cookie", "").split(";")[0],
                         "code": codes.json()["codes"][0]})
    # QQ's token endpoint slowed to 4 s: each callback sits in its instance while the kill lands.
    sim("POST", "/_sim/faults", {"endpoint": "token", "kind": "latency", "latency_ms": 4000})
    results = [None] * n

    def callback(i):
        b = browsers[i]
        results[i] = request("POST", "/api/oauth/qq/callback", {"code": b["code"], "state": b["state"]},
                             cookie=b["cookie"], source=b["source"])
    threads = [threading.Thread(target=callback, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    os.kill(victim_pid, signal.SIGKILL)
    time.sleep(0.5)
    sim("DELETE", "/_sim/faults")
    for t in threads:
        t.join(90)
    answers = collections.Counter(f"{r.status} {r.code or (r.json() or {}).get('status', '')}".strip()
                                  for r in results)
    retried = nginx_passed_on(log_from, "/api/oauth/qq/callback")
    # A browser posting a finished callback again (a reload of the callback page), within the
    # 30 s replay window: same login.
    first = next((i for i, r in enumerate(results) if r.status == 200), None)
    again = None
    if first is not None:
        b = browsers[first]
        r = request("POST", "/api/oauth/qq/callback", {"code": b["code"], "state": b["state"]},
                    cookie=b["cookie"], source=b["source"])
        again = {"status": r.status, "same_user": (r.json() or {}).get("user", {}).get("id")
                 == results[first].json()["user"]["id"] if r.status == 200 else False}
    cluster_sh(f"start_instance {victim}; wait_instance {victim} 60")
    ok_answers = {"200 logged_in", "401 qq_login_expired"}
    out = {
        "sent": {"qq_callback": n}, "sent_total": n,
        "failed": {k: v for k, v in answers.items() if k not in ok_answers},
        "failed_total": sum(v for k, v in answers.items() if k not in ok_answers),
        "answers": dict(answers), "retried_by_nginx": retried,
        "reposted_finished_callback": again,
    }
    out["checks"] = {
        "nginx passed callbacks of the killed instance on": (len(retried) > 0, CORRECT),
        "no callback answered 400 state_used": (answers.get("400 state_used", 0) == 0, CORRECT),
        "every callback logged in, or (QQ had spent the code) 401 qq_login_expired":
            (out["failed_total"] == 0, CORRECT),
        "a re-posted finished callback logs the same user in": (
            bool(again and again["status"] == 200 and again["same_user"]), CORRECT),
    }
    return out


DRILLS = [
    (1, "rolling restart of all three instances", drill_rolling_restart),
    (2, "kill -9 of an instance holding leased jobs and refreshes", drill_kill9),
    (3, "PostgreSQL restarted mid-load", drill_postgres_restart),
    (4, "SMTP down", drill_smtp_down),
    (5, "QQ answering 20 % 5xx and 10 % timeouts", drill_qq_faults),
    (6, "throttles per real client behind nginx", drill_throttles),
    (7, "kill -9 of an instance with QQ callbacks in flight", drill_kill9_callback),
]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--only", default="1,2,3,4,5,6,7")
    p.add_argument("--fault-secs", type=int, default=60)
    p.add_argument("--report", default=None)
    args = p.parse_args()
    only = {int(x) for x in args.only.split(",")}
    run_id = time.strftime("%H%M%S")
    started = time.monotonic()
    load_avg = os.getloadavg()
    print(f"drill run {run_id}: load average {load_avg[0]:.2f} {load_avg[1]:.2f} {load_avg[2]:.2f}",
          flush=True)
    pop = Population(run_id)
    print(f"  {len(pop.users)} accounts, {len(pop.bound)} with QQ bound "
          f"({time.monotonic() - started:.1f}s)", flush=True)
    report = {"run": run_id, "loadavg_start": load_avg, "drills": {}}
    all_pass = True
    for n, title, fn in DRILLS:
        if n not in only:
            continue
        s = time.monotonic()
        print(f"\n== drill {n}: {title}", flush=True)
        with Starvation() as starvation:
            try:
                out = fn(pop, args)
            except Exception as e:  # a drill that breaks is a failed drill, the rest still run
                out = {"error": repr(e), "checks": {"the drill ran to its end": (False, CORRECT)}}
        out["seconds"] = round(time.monotonic() - s, 1)
        out["machine"] = starvation.figures()
        out["result"], out["missed"] = verdict(out["checks"], starvation.starved)
        out["pass"] = out["result"] != "FAIL"
        out["checks"] = {name: f"{'ok' if ok else 'MISSED'} ({kind})"
                         for name, (ok, kind) in out["checks"].items()}
        report["drills"][n] = out
        all_pass &= out["pass"]
        for k, v in out.items():
            print(f"   {k}: {json.dumps(v, ensure_ascii=False)}", flush=True)
        mail = out.get("mail") or {}
        print(f"   sent {out.get('sent_total', 0)}, failed {out.get('failed_total', 0)}, "
              f"mails lost {mail.get('lost', '-')}, doubled {mail.get('doubled', '-')}", flush=True)
        print(f"   => {out['result']}" + (f" (missed: {'; '.join(out['missed'])})" if out["missed"] else ""),
              flush=True)
    report["loadavg_end"] = os.getloadavg()
    report["seconds"] = round(time.monotonic() - started, 1)
    report["pass"] = all_pass
    path = args.report or os.path.join(RUN, f"drill-report-{run_id}.json")
    with open(path, "w") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    print(f"\n{'drill':<6}{'result':<7}{'sent':>6}{'failed':>7}{'lost':>6}{'doubled':>8}{'secs':>7}"
          f"{'max load':>9}  title")
    for n, title, _ in DRILLS:
        out = report["drills"].get(n)
        if out is None:
            continue
        mail = out.get("mail") or {}
        print(f"{n:<6}{out['result']:<7}{out.get('sent_total', 0):>6}{out.get('failed_total', 0):>7}"
              f"{str(mail.get('lost', '-')):>6}{str(mail.get('doubled', '-')):>8}{out['seconds']:>7}"
              f"{out['machine']['max_load1']:>9}  {title}")
    end = report["loadavg_end"]
    print(f"load average at the end {end[0]:.2f} {end[1]:.2f} {end[2]:.2f} ({CORES} cores)")
    print(f"\nall drills: {'PASS' if all_pass else 'FAIL'} in {report['seconds']}s; report {path}")
    sys.exit(0 if all_pass else 1)


if __name__ == "__main__":
    main()
