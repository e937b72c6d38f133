"""`make bench`: the FAQ answer page and search against /ping, the app's cheapest route.

Serves the app under gunicorn on loopback (a migrated temporary SQLite database),
loads each URL for BENCH_DURATION seconds (default 5) with BENCH_CONNECTIONS
keep-alive connections (default 8), and prints requests/s, p50 and p99 with the
ratios to /ping measured in the same run. Goal: the answer page at >= 0.8 of /ping.
"""

import http.client
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Server, base_env, interleaved, migrated_sqlite, report  # noqa: E402

ANSWER = "/faq/invitation-not-arrived"
SEARCH = "/search?q=didnt+get+invitation+email"
GOAL = 0.8


def returning_visitor_cookie(server):
    """The session cookie a browser holds after its first visit (it carries the CSRF secret)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request("GET", ANSWER)
    response = connection.getresponse()
    response.read()
    cookie = response.getheader("Set-Cookie", "")
    connection.close()
    match = re.match(r"([^=;]+=[^;]*)", cookie)
    return match.group(1) if match else ""


def main():
    duration = float(os.environ.get("BENCH_DURATION", 9))
    rounds = int(os.environ.get("BENCH_ROUNDS", 3))
    connections = int(os.environ.get("BENCH_CONNECTIONS", 8))
    workers = int(os.environ.get("BENCH_WORKERS", 2))
    with tempfile.TemporaryDirectory(prefix="lobby-bench-") as directory:
        env = base_env(DATABASE_URL=migrated_sqlite(directory), SITE_URL="http://127.0.0.1",
                       MAIL_FILE_DIR=os.path.join(directory, "mail"))
        with Server(env, workers=workers) as server:
            print(f"FAQ bench: gunicorn {workers} workers (gthread), {connections} connections, "
                  f"{duration:.0f}s per URL in {rounds} interleaved rounds", flush=True)
            cookie = returning_visitor_cookie(server)
            ping, answer, search = (server.url(p) for p in ("/ping", ANSWER, SEARCH))
            first = interleaved([ping, answer, search], rounds=rounds, duration=duration,
                                connections=connections)
            returning = interleaved([ping, answer], rounds=rounds, duration=duration,
                                    connections=connections, headers={"Cookie": cookie})
    baseline = first[ping]
    report("/ping (baseline)", baseline)
    report(f"{ANSWER} (first visit)", first[answer], baseline)
    report(SEARCH, first[search], baseline)
    report("/ping (baseline, with a cookie)", returning[ping])
    report(f"{ANSWER} (returning visitor)", returning[answer], returning[ping])
    ratio = first[answer].requests_per_second / baseline.requests_per_second
    verdict = "meets" if ratio >= GOAL else "misses"
    print(f"Answer page (first visit) at {ratio:.2f} of the baseline: {verdict} the goal of "
          f"{GOAL}.", flush=True)
    errors = sum(f.errors for f in (*first.values(), *returning.values()))
    if errors:
        print(f"{errors} requests failed.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
