"""`make bench`: an answer page through the shipped nginx config against nginx serving
the same bytes as a static file, in the same run (issue 25's goal: ≥ 0.7×).

Starts Lobby under gunicorn.conf.py (BENCH_WORKERS, default 2; HEALTH_TOKEN set, so
the request metrics count as in production) and nginx with deploy/nginx/lobby.conf
as shipped, only its placeholders filled in (tests/support/nginx.py), over HTTPS
with a certificate made for the run. The answer page's bytes are saved under the
release folder's static/, so the static file goes through the same nginx, the same
TLS and the same connections. Each is loaded in BENCH_ROUNDS rounds (default 9) of
BENCH_DURATION seconds in all (default 18), the answer page between two loads of the
static file; the ratio is the median over the steady rounds (see bench/speed.py).
Skipped, saying so, without Debian's nginx or openssl.
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, ROOT]

from harness import Server, base_env, migrated_sqlite, paired  # noqa: E402
from speed import ratio_of  # noqa: E402

from tests.support.nginx import Nginx, nginx_binary  # noqa: E402

ANSWER = "/faq/invitation-not-arrived"
STATIC_COPY = "/static/bench-answer.html"
GOAL = 0.7


def main():
    if nginx_binary() is None or shutil.which("openssl") is None:
        print("answer page through nginx: skipped, nginx or openssl is not installed "
              "(apt-get install nginx openssl)")
        return 0
    duration = float(os.environ.get("BENCH_DURATION", 18))
    rounds = int(os.environ.get("BENCH_ROUNDS", 9))
    connections = int(os.environ.get("BENCH_CONNECTIONS", 32))
    workers = int(os.environ.get("BENCH_WORKERS", 2))
    with tempfile.TemporaryDirectory(prefix="lobby-bench-nginx-") as directory:
        directory = Path(directory)
        release = directory / "release"
        shutil.copytree(os.path.join(ROOT, "static"), release / "static")
        env = base_env(DATABASE_URL=migrated_sqlite(str(directory)), TRUST_PROXY="1",
                       SITE_URL="https://localhost", MAIL_FILE_DIR=str(directory / "mail"),
                       HEALTH_TOKEN="bench-token-0123456789abcdef")
        with Server(env, workers=workers, worker_class="sync",
                    config=os.path.join(ROOT, "gunicorn.conf.py")) as lobby, \
                Nginx(directory / "nginx", lobby.port, release=release,
                      workers="auto") as nginx:
            status, _headers, page = nginx.request("GET", ANSWER)
            if status != 200:
                print(f"answer page through nginx: {status}, not 200", file=sys.stderr)
                return 1
            (release / STATIC_COPY.lstrip("/")).write_bytes(page)
            assert nginx.request("GET", STATIC_COPY)[2] == page
            static, answer = nginx.url(STATIC_COPY), nginx.url(ANSWER)
            print(f"nginx bench: deploy/nginx/lobby.conf over HTTPS in front of gunicorn "
                  f"({workers} workers), {connections} connections, {duration:g}s per URL "
                  f"in {rounds} rounds, the answer page ({len(page)} bytes) between two "
                  f"loads of the same bytes as a static file", flush=True)
            results, ratios = paired(static, [answer], rounds=rounds,
                                     duration=duration / rounds, connections=connections)
    ratio, kept, note = ratio_of([(rate, steady) for rate, _cpu, steady in ratios[answer]])
    for label, figures in (("nginx, the same bytes as a static file", results[static]),
                           ("answer page through nginx (micro-cache)", results[answer])):
        print(f"{label:<40} {figures.requests_per_second:6.0f} req/s  p50 "
              f"{figures.p50_ms:5.2f} ms  p99 {figures.p99_ms:6.2f} ms", flush=True)
    print(f"answer page through nginx: {ratio:4.2f}× the static file ({note}: "
          f"{min(kept):.2f}–{max(kept):.2f}) (goal ≥ {GOAL}: "
          f"{'met' if ratio >= GOAL else 'MISSED'})", flush=True)
    errors = results[static].errors + results[answer].errors
    if errors:
        print(f"{errors} requests failed: the figures above are not to be trusted.",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
