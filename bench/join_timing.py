"""Do /join and /facebook answer a known address as fast as an unknown one? (issue 22)

Starts Lobby under gunicorn on a free loopback port with a temporary SQLite
database seeded with one invited address of a paying account (as
bench/resend_timing.py does), then POSTs each form for the known and for an
unknown address, interleaved in random order, 200 of each by default, and prints
the median and 90th percentile of each and how far the medians differ. The goal
is within 10%: the form only queues the submission, the same INSERT for every
address, and the worker tells them apart afterwards.

Each POST comes from a fresh browser (its own session cookie and CSRF token,
fetched untimed), so none is a browser's own repeat, which writes nothing.

Run it as: .venv/bin/python bench/join_timing.py [--requests 200]
It exits 1 when the medians of either form differ by 10% or more.
"""

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.parse

from resend_timing import (  # noqa: E402
    CSRF_RE,
    KNOWN,
    percentile,
    pin_client,
    print_setup,
    request,
    run_worker_once,
    seeded_server,
)

UNKNOWN = "nobody.here@elsewhere.example"
GOAL = 10.0
FORMS = {
    "/join": {"name": "Bench Person", "subdomain": "", "agree": "y"},
    "/facebook": {"name": "Bench Person", "facebook_name": "Bench P", "subdomain": "",
                  "agree": "y"},
}


def fresh_browser(port, path):
    """A CSRF token and the session cookie that goes with it, from GET `path`."""
    status, headers, body = request(port, "GET", path)
    assert status == 200, status
    token = CSRF_RE.search(body.decode()).group(1)
    cookie = next(v.split(";")[0] for k, v in headers if k.lower() == "set-cookie")
    return token, cookie


def timed_post(port, path, email):
    token, cookie = fresh_browser(port, path)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, **FORMS[path]})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    started = time.perf_counter()
    status, _headers, _body = request(port, "POST", path, body, headers)
    elapsed = time.perf_counter() - started
    assert status == 303, f"POST {path} answered {status}"
    return elapsed


def requests_and_waiting(workdir):
    with sqlite3.connect(os.path.join(workdir, "bench.sqlite3")) as connection:
        (made,) = connection.execute("SELECT count(*) FROM membership_request").fetchone()
        (waiting,) = connection.execute("SELECT count(*) FROM pending_job").fetchone()
    return made, waiting


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="per address and form")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests per address")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--pause", type=float, default=0.02, help="seconds between requests")
    parser.add_argument("--seed", type=int, default=22, help="seed of the request order")
    args = parser.parse_args()

    times = {(path, email): [] for path in FORMS for email in (KNOWN, UNKNOWN)}
    with tempfile.TemporaryDirectory(prefix="lobby-bench-") as workdir:
        env, server = seeded_server(workdir, args.workers)
        with server:
            split = pin_client()
            rng = random.Random(args.seed)
            for round_number in range(args.warmup + args.requests):
                for path in FORMS:
                    for email in rng.sample([KNOWN, UNKNOWN], 2):
                        elapsed = timed_post(server.port, path, email)
                        if round_number >= args.warmup:
                            times[(path, email)].append(elapsed)
                        time.sleep(args.pause)
        # Everything was only queued; the worker does it (and proves it was real work).
        run_worker_once(env)
        made, waiting = requests_and_waiting(workdir)

    print_setup(f"{args.requests} POSTs per address and form after {args.warmup} untimed, random "
                f"order, {args.pause * 1000:.0f} ms apart, {args.workers} gunicorn workers", split)
    worst = 0.0
    for path in FORMS:
        medians = {}
        for label, email in (("known", KNOWN), ("unknown", UNKNOWN)):
            values = times[(path, email)]
            medians[label] = statistics.median(values)
            print(f"{path:>9} {label:>7}: n={len(values)}  median "
                  f"{medians[label] * 1000:6.2f} ms  p90 {percentile(values, 0.9) * 1000:6.2f} ms")
        difference = abs(medians["known"] - medians["unknown"]) / min(medians.values()) * 100
        worst = max(worst, difference)
        print(f"{path:>9}: medians differ by {difference:.1f}% (goal < {GOAL:.0f}%)")
    print(f"requests after the worker: {made} (the seeded one and the unknown address's); "
          f"look-ups left: {waiting}")
    if made != 2 or waiting:
        print("the queued submissions did not all run: the benchmark measured nothing")
        return 1
    print("OK" if worst < GOAL else "TOO DIFFERENT")
    return 0 if worst < GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
