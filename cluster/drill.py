#!/usr/bin/env python3
"""The cluster drills (`make cluster-drill`): six faults under a steady mixed load, each with a
report of what was sent, what failed and what was lost. Needs a running `make cluster`; all
traffic on 127.0.0.1 (client addresses 127.77.x.y, so the per-client throttles see many clients).

    cluster/drill.py [--only 1,3] [--fault-secs 60] [--report FILE]

Exit status 0 when every drill met its bar (see README, "Deploying": the drills).
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


def request(method, path, body=None, token=None, cookie=None, source=None, timeout=30,
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

    def __init__(self, run_id, users=150, bound=20):
        self.run_id = run_id
        admin_hash = psql("SELECT password_hash FROM users WHERE username = 'admin'")[0][0]
        # The drill's own password for all: the admin's hash is of ADMIN_PASSWORD.
        values = ",".join(
            f"('d{run_id}_{i}', 'd{run_id}_{i}@drill.example.com', '演练{run_id}_{i}', "
            f"'{admin_hash}', now(), now())" for i in range(users))
        psql("INSERT INTO users (username, email, nickname, password_hash, created_at, updated_at) "
             f"VALUES {values}")
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
        self._lock = threading.Lock()

    def next_reset_address(self):
        with self._lock:
            return f"{next(self._reset_cycle)}@drill.example.com"


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
        ids = [m.get("message_id") for m in mails]
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
        cluster_sh(f"stop_bg passport-{n} TERM 30")
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
    out["pass"] = out["failed_total"] == 0 and out["mail"]["lost"] == 0 and out["mail"]["doubled"] == 0
    return out


def drill_kill9(pop, args):
    """kill -9 of an instance while it holds leased jobs and a QQ refresh in flight."""
    victim = 2
    load = Load(pop).start()
    steady(load, 2)
    before_failed = psql("SELECT count(*) FROM qq_bindings WHERE refresh_status = 'refresh_failed'")[0][0]
    # QQ answers the token endpoint slowly, so refreshes are in flight; queue one per binding.
    sim("POST", "/_sim/faults", {"endpoint": "token", "kind": "latency", "latency_ms": 2500})
    ids = [row[0] for row in psql("SELECT id FROM qq_bindings ORDER BY id")]
    for bid in ids:
        request("POST", f"/api/admin/bindings/{bid}/refresh", token=pop.admin_token)
    time.sleep(1.5)
    owners = psql("SELECT lease_owner, kind, count(*) FROM jobs WHERE state = 'running' GROUP BY 1, 2")
    t0 = time.monotonic()
    victim_pid = pid_of(f"passport-{victim}")
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
        wait_until("the refresh jobs to finish", settled, 60)
        settled_ok = True
    except RuntimeError:
        settled_ok = False
    load.stop()
    out = load.summary(since=t0)
    after_failed = psql("SELECT count(*) FROM qq_bindings WHERE refresh_status = 'refresh_failed'")[0][0]
    refresh_jobs = {k: int(n) for k, n in psql(
        "SELECT state, count(*) FROM jobs WHERE kind = 'qq_token_refresh' GROUP BY 1")}
    out.update({
        "running_jobs_at_kill": [{"owner": o, "kind": k, "n": int(n)} for o, k, n in owners],
        "victim_held_jobs": sum(int(n) for o, _, n in owners if f":{victim_pid}:" in o),
        "refresh_jobs": refresh_jobs, "refresh_jobs_settled": settled_ok,
        "refresh_failed_bindings": {"before": int(before_failed), "after": int(after_failed)},
        "mail": mail_check(load),
    })
    out["pass"] = (settled_ok and int(after_failed) == int(before_failed)
                   and out["victim_held_jobs"] > 0
                   and refresh_jobs.get("discarded", 0) == 0
                   and out["mail"]["lost"] == 0 and out["mail"]["doubled"] == 0)
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
    wait_until("every instance ready again", all_ready, 30)
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
    out["pass"] = (out["failed_total"] == 0 and all(r.status == 503 for r in ready_during)
                   and ready_again <= 5 and gap["slowest_non_200_s"] < 10
                   and out["mail"]["lost"] == 0 and out["mail"]["doubled"] == 0)
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
    out["mail"] = mail_check(load, wait_secs=90)
    out["mail_wait_after_smtp_back_s"] = round(time.monotonic() - back, 1)
    out["discarded_mail_jobs"] = int(psql(
        "SELECT count(*) FROM jobs WHERE kind = 'mail' AND state = 'discarded'")[0][0])
    out["pass"] = (out["failed_total"] == 0 and out["mail"]["lost"] == 0
                   and out["mail"]["doubled"] == 0 and out["discarded_mail_jobs"] == 0)
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
            results.append((status, r.status, r.elapsed))
    s = time.monotonic()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(burst)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    burst_s = time.monotonic() - s
    burst_ok = sum(1 for st, code, _ in results if st == "logged_in")
    during.update({
        "qq_logins_ok_during_faults": qq_ok,
        "qq_unavailable_502": len(qq_unavail),
        "qq_unavailable_slowest_s": round(max(qq_unavail, default=0), 2),
        "burst_after": {"sent": burst, "logged_in": burst_ok, "seconds": round(burst_s, 2)},
        "mail": mail_check(load),
    })
    during["pass"] = (during["failed_total"] == 0 and burst_ok == burst
                      and during["qq_unavailable_slowest_s"] < 15 and qq_ok > 0)
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
        "sent": {"password_login": len(statuses_a) + 3},
        "client_a": dict(collections.Counter(statuses_a)), "client_a_first_429_at": first_429,
        "client_a_right_password": right_a.status,
        "client_b_wrong_password": wrong_b.status, "client_b_right_password": right_b.status,
    }
    # A wrong password is 400 `invalid_credentials`; the 21st failure from one client is 429.
    out["pass"] = (first_429 == 21 and right_a.status == 429 and wrong_b.status == 400
                   and right_b.status == 200)
    return out


DRILLS = [
    (1, "rolling restart of all three instances", drill_rolling_restart),
    (2, "kill -9 of an instance holding leased jobs and refreshes", drill_kill9),
    (3, "PostgreSQL restarted mid-load", drill_postgres_restart),
    (4, "SMTP down", drill_smtp_down),
    (5, "QQ answering 20 % 5xx and 10 % timeouts", drill_qq_faults),
    (6, "throttles per real client behind nginx", drill_throttles),
]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--only", default="1,2,3,4,5,6")
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
        try:
            out = fn(pop, args)
        except Exception as e:  # a drill that breaks is a failed drill, the rest still run
            out = {"pass": False, "error": repr(e)}
        out["seconds"] = round(time.monotonic() - s, 1)
        report["drills"][n] = out
        all_pass &= bool(out.get("pass"))
        for k, v in out.items():
            print(f"   {k}: {json.dumps(v, ensure_ascii=False)}", flush=True)
        print(f"   => {'PASS' if out.get('pass') else 'FAIL'}", flush=True)
    report["loadavg_end"] = os.getloadavg()
    report["seconds"] = round(time.monotonic() - started, 1)
    report["pass"] = all_pass
    path = args.report or os.path.join(RUN, f"drill-report-{run_id}.json")
    with open(path, "w") as f:
        json.dump(report, f, ensure_ascii=False, indent=1)
    print(f"\nall drills: {'PASS' if all_pass else 'FAIL'} in {report['seconds']}s; report {path}")
    sys.exit(0 if all_pass else 1)


if __name__ == "__main__":
    main()
