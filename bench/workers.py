"""Load figures: requests/s under gunicorn with 1 and N workers, and join POST throughput.

    .venv/bin/python bench/workers.py [--path /faq/<slug>] [--workers N] [--seconds 5]

Serves the app under gunicorn (our gunicorn.conf.py, --no-control-socket) on a free
loopback port, on a throwaway SQLite file and, when PostgreSQL answers, a private
throwaway database. GET load comes from wrk when installed, else from Python
threads; the join POST always from Python threads (each with its own CSRF token).
"""

import argparse
import http.client
import multiprocessing
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from html.parser import HTMLParser

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

from harness import Server, base_env  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Set-Cookie"), response.read()
    finally:
        connection.close()


def run_threads(worker, concurrency, total, seconds):
    """Run worker(n) -> ok? from `concurrency` threads until `total` done or time is up."""
    counter = iter(range(total))
    lock = threading.Lock()
    done = {"ok": 0, "failed": 0}
    deadline = time.monotonic() + seconds

    def loop():
        state = {}
        while time.monotonic() < deadline:
            with lock:
                number = next(counter, None)
            if number is None:
                return
            ok = worker(number, state)
            with lock:
                done["ok" if ok else "failed"] += 1

    threads = [threading.Thread(target=loop) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return done["ok"] / elapsed, done["failed"]


def get_throughput(port, path, args):
    if shutil.which("wrk") and not args.no_wrk:
        output = subprocess.run(
            ["wrk", f"-t{min(args.concurrency, 4)}", f"-c{args.concurrency}",
             f"-d{max(1, round(args.seconds))}s", f"http://127.0.0.1:{port}{path}"],
            capture_output=True, text=True, check=True,
        ).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
        return rate, int(bad.group(1)) if bad else 0, "wrk"

    def fetch(_number, _state):
        return request(port, "GET", path)[0] < 400

    rate, failed = run_threads(fetch, args.concurrency, args.requests, args.seconds)
    return rate, failed, "python"


class _FormReader(HTMLParser):
    """The join form's fields with plausible values; {email} marks the address."""

    def __init__(self):
        super().__init__()
        self.fields, self.in_form, self._select = {}, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.in_form = True
        if not self.in_form or not name or name == "csrf_token":
            if tag == "option" and self._select:
                self.fields.setdefault(self._select, attrs.get("value", ""))
            return
        kind = attrs.get("type", "text")
        if tag == "select":
            self._select = name
        elif tag == "textarea":
            self.fields[name] = "Benchmark request"
        elif kind == "email" or "email" in name:
            self.fields[name] = "{email}"
        elif kind in {"radio", "checkbox"}:
            self.fields.setdefault(name, attrs.get("value", "y"))
        elif "subdomain" in name:
            self.fields[name] = ""  # optional; a made-up one would be refused
        elif kind not in {"submit", "hidden", "button"}:
            self.fields[name] = attrs.get("value") or "Bench User"

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self._select = None


def join_throughput(port, args, label):
    status, _cookie, html = request(port, "GET", "/join")
    if status == 404:
        return None
    reader = _FormReader()
    reader.feed(html.decode())
    run_id = secrets.token_hex(3)

    def post(number, state):
        if "cookie" not in state:
            _status, cookie, page = request(port, "GET", "/join")
            state["cookie"] = cookie.split(";", 1)[0]
            state["token"] = CSRF_RE.search(page.decode()).group(1)
        fields = {
            k: v.format(email=f"bench-{label}-{run_id}-{number}@example.com")
            for k, v in reader.fields.items()
        }
        body = urllib.parse.urlencode({"csrf_token": state["token"], **fields})
        status = request(port, "POST", "/join", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": state["cookie"],
        })[0]
        return status < 400

    return run_threads(post, args.concurrency, args.join_requests, args.seconds)


def make_sqlite(directory):
    from sqlalchemy import create_engine

    from models import Base

    url = f"sqlite:///{os.path.join(directory, 'bench.sqlite3')}"
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    return url, lambda: None


def make_postgres(admin_url):
    from tests.support.database import scratch_postgres

    return scratch_postgres(admin_url, f"lobby_bench_{secrets.token_hex(4)}")


def bench_env(database_url, directory):
    return base_env(
        DATABASE_URL=database_url, SITE_URL="http://127.0.0.1",
        MAIL_FILE_DIR=os.path.join(directory, "mail"), RATELIMIT_ENABLED="0",
        STAFF_NOTIFY_EMAILS="",
    )


def main():
    cores = multiprocessing.cpu_count()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--path", default="/faq/invitation-not-arrived", help="the page to GET (an FAQ answer)"
    )
    parser.add_argument("--workers", type=int, default=min(2 * cores + 1, 8))
    parser.add_argument("--concurrency", type=int, default=8, help="clients at once")
    parser.add_argument("--seconds", type=float, default=5, help="length of each run")
    parser.add_argument("--requests", type=int, default=20000, help="GET requests at most")
    parser.add_argument("--join-requests", type=int, default=1000, help="join POSTs at most")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--app", default="wsgi:app", help="the WSGI app gunicorn serves")
    parser.add_argument("--no-wrk", action="store_true", help="use the Python load generator")
    args = parser.parse_args()

    results = []
    with tempfile.TemporaryDirectory(prefix="lobby-bench-") as directory:
        databases = [("SQLite", *make_sqlite(directory))]
        if not args.no_postgres:
            try:
                databases.append(("PostgreSQL", *make_postgres(args.postgres)))
            except Exception as exc:  # any failure to reach it: run SQLite only
                print(f"PostgreSQL skipped ({type(exc).__name__}: {exc})".splitlines()[0])
        try:
            for label, url, _drop in databases:
                env = bench_env(url, directory)
                for workers in sorted({1, args.workers}):
                    with Server(
                        env, workers=workers, target=args.app, worker_class=None,
                        config=os.path.join(ROOT, "gunicorn.conf.py"), ready_path="/healthz",
                    ) as server:
                        rate, failed, tool = get_throughput(server.port, args.path, args)
                        results.append((label, workers, f"GET {args.path}", rate, failed, tool))
                        joined = join_throughput(server.port, args, f"{label}{workers}")
                        if joined is None:
                            print(f"{label}: POST /join skipped: this app has no /join yet.")
                        else:
                            results.append((label, workers, "POST /join", *joined, "python"))
        finally:
            for _label, _url, drop in databases:
                drop()

    print(f"\n{cores} CPU cores, {args.concurrency} concurrent clients, {args.seconds:g} s a run")
    print(f"{'database':<11} {'workers':>7}  {'what':<28} {'req/s':>9}  {'errors':>6}  tool")
    for label, workers, what, rate, failed, tool in results:
        print(f"{label:<11} {workers:>7}  {what:<28} {rate:>9.1f}  {failed:>6}  {tool}")
    if any(failed for *_rest, failed, _tool in results):
        # A figure made of error pages measures nothing: say so, and fail.
        print("Some requests failed: the figures above are not to be trusted.")
        sys.exit(1)


if __name__ == "__main__":
    main()
