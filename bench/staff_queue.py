"""How fast is the staff review queue with 10,000 requests? (`make bench`)

Standalone: builds a temporary SQLite database with `flask db upgrade`, bulk-inserts
10,000 requests (most in review, the rest in other states) and some paying
accounts, creates a staff user, serves the app under gunicorn on a free loopback
port, signs in, and times the queue page (plain, filtered, searched, a deep
page) against GET /healthz as a baseline. Prints requests/s, p50 and p99.

    .venv/bin/python bench/staff_queue.py [--requests 200] [--rows 10000]
"""

import argparse
import http.client
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import UTC, datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from harness import Server, base_env  # noqa: E402

VENV_BIN = os.path.join(ROOT, ".venv", "bin")
STAFF_EMAIL = "bench@example-app.com"
STAFF_PASSWORD = "bench-password-long-enough"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def environment(database_url):
    # The bench measures the queue, not sign-in: the bench user signs in with its password alone.
    return base_env(DATABASE_URL=database_url, RATELIMIT_ENABLED="false", STAFF_NOTIFY_EMAILS="",
                    STAFF_REQUIRE_2FA="false")


def build_database(env, rows):
    """Migrate a fresh database, then bulk-insert the requests and accounts."""
    subprocess.run(
        [os.path.join(VENV_BIN, "flask"), "--app", "app", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    os.environ.update(env)
    from sqlalchemy import insert

    import db
    from app import create_app
    from models import Account, AccountUser, MembershipRequest, RequestSource, RequestState
    from services.dates import due_date_for
    from services.membership.references import ALPHABET, PREFIX
    from services.staff.users import create_staff_user

    app = create_app()
    random.seed(7)
    now = datetime.now(UTC)
    states = [RequestState.IN_REVIEW] * 80 + [
        RequestState.INVITED,
        RequestState.JOINED,
        RequestState.DECLINED,
        RequestState.EXPIRED,
    ] * 5
    sources = [RequestSource.WEB] * 8 + [RequestSource.FACEBOOK, RequestSource.IMPORT]
    with app.app_context():
        session = db.new_session(app)
        accounts = [
            {
                "subdomain": f"shop{n}",
                "name": f"Shop {n}",
                "status": "active",
                "created_at": now,
                "updated_at": now,
            }
            for n in range(500)
        ]
        session.execute(insert(Account), accounts)
        ids = session.scalars(Account.__table__.select().with_only_columns(Account.id)).all()
        session.execute(
            insert(AccountUser),
            [
                {
                    "account_id": account_id,
                    "email": f"user{k}@shop{n}.example",
                    "email_normalized": f"user{k}@shop{n}.example",
                    "created_at": now,
                }
                for n, account_id in enumerate(ids)
                for k in range(3)
            ],
        )
        due_cache = {}
        batch = []
        references = set()
        for n in range(rows):
            started = now - timedelta(minutes=random.randint(0, 60 * 24 * 14))
            day = started.date()
            if day not in due_cache:
                due_cache[day] = due_date_for(started)
            while True:
                reference = PREFIX + "".join(random.choice(ALPHABET) for _ in range(6))
                if reference not in references:
                    references.add(reference)
                    break
            state = random.choice(states)
            domain = f"shop{random.randint(0, 999)}.example" if n % 3 else "gmail.example"
            batch.append(
                {
                    "reference": reference,
                    "name": f"Person {n}",
                    "email": f"person{n}@{domain}",
                    "email_normalized": f"person{n}@{domain}",
                    "subdomain": f"shop{random.randint(0, 999)}" if n % 4 == 0 else None,
                    "source": random.choice(sources),
                    "state": state,
                    "created_at": started,
                    "updated_at": started,
                    "review_started_at": started,
                    "due_on": due_cache[day],
                    "decided_at": started + timedelta(hours=3)
                    if state != RequestState.IN_REVIEW
                    else None,
                }
            )
        session.execute(insert(MembershipRequest), batch)
        create_staff_user(session, STAFF_EMAIL, STAFF_PASSWORD)
        session.commit()
        session.close()
    db.get_engine(app).dispose()


class Client:
    """A keep-alive HTTP client with a cookie, enough for a signed-in staff browser."""

    def __init__(self, port):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = None

    def request(self, method, path, body=None):
        headers = {"Accept": "text/html"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if body is not None:
            body = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, data.decode("utf-8", "replace")


def sign_in(client):
    status, html = client.request("GET", "/staff/login")
    token = CSRF_RE.search(html).group(1)
    status, _ = client.request(
        "POST",
        "/staff/login",
        {"csrf_token": token, "email": STAFF_EMAIL, "password": STAFF_PASSWORD},
    )
    if status != 302:
        raise SystemExit(f"sign-in failed: {status}")


def measure(client, path, count, expect_text=None):
    client.request("GET", path)  # warm up
    timings = []
    started = time.perf_counter()
    for _ in range(count):
        t0 = time.perf_counter()
        status, html = client.request("GET", path)
        timings.append((time.perf_counter() - t0) * 1000)
        if status != 200 or (expect_text and expect_text not in html):
            raise SystemExit(f"{path} answered {status}")
    elapsed = time.perf_counter() - started
    timings.sort()
    return {
        "path": path,
        "rps": count / elapsed,
        "p50": statistics.median(timings),
        "p99": timings[min(len(timings) - 1, int(len(timings) * 0.99))],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--rows", type=int, default=10_000, help="join requests in the database")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="lobby-bench-")
    env = environment(f"sqlite:///{os.path.join(workdir, 'bench.sqlite3')}")
    print(f"Building a database with {args.rows:,} requests ...", flush=True)
    t0 = time.perf_counter()
    build_database(env, args.rows)
    print(f"  built in {time.perf_counter() - t0:.1f} s")

    try:
        with Server(env, workers=args.workers, worker_class="sync", ready_path="/healthz") as server:
            client = Client(server.port)
            sign_in(client)
            pages = [
                ("/healthz", None),
                ("/staff/", "then oldest due"),
                ("/staff/?overdue=1&page=3", "then oldest due"),
                ("/staff/?q=person12", "then oldest due"),
                ("/staff/?source=facebook&q=gmail", "then oldest due"),
            ]
            results = [measure(client, path, args.requests, text) for path, text in pages]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"\n{args.rows:,} requests in SQLite, gunicorn with {args.workers} sync workers, "
        f"{args.requests} sequential requests per page from one signed-in client:\n"
    )
    print(f"{'page':<38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for result in results:
        print(
            f"{result['path']:<38} {result['rps']:>8.1f} {result['p50']:>8.1f} {result['p99']:>8.1f}"
        )


if __name__ == "__main__":
    main()
