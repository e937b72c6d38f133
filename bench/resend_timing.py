"""Does /resend answer a known address as fast as an unknown one?

Starts Lobby under gunicorn on a free loopback port with a temporary SQLite
database (migrated with `flask db upgrade`, seeded with one invited address),
then POSTs /resend for the known and for an unknown address, interleaved, and
prints the median and 90th percentile of each and how far the medians differ.
The goal is under 20%: the work that differs happens in the worker, not the request.

The client runs on its own CPU, apart from the server, as a visitor's browser
would; and the requests come 50 ms apart, one visitor at a time, so the work a
known address leaves after its response is not charged to the next request
(`--pause 0` shows that back-to-back effect).

Run it as: .venv/bin/python bench/resend_timing.py [--requests 200]
It exits 1 when the medians differ by 20% or more.
"""

import argparse
import http.client
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, ".venv", "bin")
KNOWN = "known.member@bench-shop.example"
UNKNOWN = "nobody.here@elsewhere.example"
GOAL = 20.0
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

from harness import Server, base_env  # noqa: E402  (bench/ is the script's folder)

SEED = """
from datetime import timedelta

import db
from app import create_app
from models import Account, AccountUser
from services.membership.screening import create_and_screen_request

app = create_app()
with app.app_context():
    session = db.new_session(app)
    account = Account(subdomain="benchshop", name="Bench Shop", status="active")
    account.users = [AccountUser(email={email!r}, email_normalized={email!r})]
    session.add(account)
    session.flush()
    result = create_and_screen_request(session, name="Bench Member", email={email!r})
    assert result.request.state == "invited", result.request.state
    # An hour old, so the first queued re-send sends a fresh link (one within a
    # minute of the last is taken for a double click and sends nothing).
    result.request.invitations[0].created_at -= timedelta(hours=1)
    session.commit()
"""


def environment(workdir):
    return base_env(
        DATABASE_URL=f"sqlite:///{os.path.join(workdir, 'bench.sqlite3')}",
        RATELIMIT_ENABLED="false",
        MAIL_FILE_DIR=os.path.join(workdir, "mail"),
        SITE_URL="http://127.0.0.1",
    )


def prepare_database(env):
    flask = [os.path.join(BIN, "flask"), "--app", "app"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([os.path.join(BIN, "python"), "-c", SEED.format(email=KNOWN)],
                   cwd=ROOT, env=env, check=True)


def seeded_server(workdir, workers):
    """(environment, Server): gunicorn on the seeded database in workdir, off the client's CPU."""
    env = environment(workdir)
    prepare_database(env)
    return env, Server(env, workers=workers, worker_class="sync", ready_path="/healthz",
                       preexec_fn=pin_server)


def run_worker_once(env):
    """One pass of the worker: the forms only queued their work, this does it."""
    subprocess.run([os.path.join(BIN, "flask"), "--app", "app", "worker", "--once"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def print_setup(description, split):
    """How the run was made: the requests, then which CPUs client and server had."""
    print(description)
    if split:
        print(f"client on CPU {sorted(split[0])}, server on CPU {sorted(split[1])}")


def cpu_split():
    """(client CPUs, server CPUs): apart, as for a client on another machine; None on 1 CPU."""
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(cpus) < 2:
        return None
    return {cpus[0]}, set(cpus[1:])


def pin_server():
    split = cpu_split()
    if split:
        os.sched_setaffinity(0, split[1])


def pin_client():
    split = cpu_split()
    if split:
        os.sched_setaffinity(0, split[0])
    return split


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def form_session(port):
    """A CSRF token and the session cookie that goes with it, from GET /resend."""
    status, headers, body = request(port, "GET", "/resend")
    assert status == 200, status
    token = CSRF_RE.search(body.decode()).group(1)
    cookie = next(v.split(";")[0] for k, v in headers if k.lower() == "set-cookie")
    return token, cookie


def timed_post(port, token, cookie, email):
    body = urllib.parse.urlencode({"csrf_token": token, "email": email})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    started = time.perf_counter()
    status, _headers, _body = request(port, "POST", "/resend", body, headers)
    elapsed = time.perf_counter() - started
    assert status == 302, f"POST /resend answered {status}"
    return elapsed


def work_done(workdir):
    """(invitations the known address got, look-ups still queued): proof the look-ups ran."""
    import sqlite3

    with sqlite3.connect(os.path.join(workdir, "bench.sqlite3")) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM outbox_email WHERE kind = 'invitation' AND to_addr = ?",
            (KNOWN,),
        ).fetchone()
        (waiting,) = connection.execute("SELECT count(*) FROM pending_job").fetchone()
    return count, waiting


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per address (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per address")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--pause", type=float, default=0.05,
        help="seconds between requests (default 0.05): one visitor at a time, so the "
        "work a known address leaves after its response does not land on the next request",
    )
    parser.add_argument("--seed", type=int, default=5, help="seed of the request order")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="lobby-bench-") as workdir:
        env, server = seeded_server(workdir, args.workers)
        with server:
            port = server.port
            split = pin_client()
            token, cookie = form_session(port)
            times = {KNOWN: [], UNKNOWN: []}
            rng = random.Random(args.seed)
            for round_number in range(args.warmup + args.requests):
                # A random order in each pair, so each address follows a known one
                # (whose work runs after its response) equally often.
                order = rng.sample([KNOWN, UNKNOWN], 2)
                for email in order:
                    elapsed = timed_post(port, token, cookie, email)
                    if round_number >= args.warmup:
                        times[email].append(elapsed)
                    time.sleep(args.pause)
        # The look-ups were only queued; the worker does them (and proves they were real).
        run_worker_once(env)
        sent, waiting = work_done(workdir)

    print_setup(f"{args.requests} POST /resend per address after {args.warmup} untimed, "
                f"random order, {args.pause * 1000:.0f} ms apart, {args.workers} gunicorn workers",
                split)
    report = {}
    for label, email in (("known", KNOWN), ("unknown", UNKNOWN)):
        values = times[email]
        report[label] = statistics.median(values)
        print(f"{label:>8}: n={len(values)}  median {statistics.median(values) * 1000:6.2f} ms"
              f"  p90 {percentile(values, 0.9) * 1000:6.2f} ms")
    print(f"invitations recorded for the known address: {sent} (1 at seeding, 1 re-sent: "
          f"the other re-sends came within a minute of it); look-ups left: {waiting}")
    if sent != 2 or waiting:
        print("the queued look-ups did not all run: the benchmark measured nothing")
        return 1
    difference = abs(report["known"] - report["unknown"]) / min(report.values()) * 100
    verdict = "OK" if difference < GOAL else "TOO DIFFERENT"
    print(f"medians differ by {difference:.1f}% (goal < {GOAL:.0f}%): {verdict}")
    return 0 if difference < GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
