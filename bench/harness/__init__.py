"""Shared helpers for the `make bench` scripts: a gunicorn server on loopback and a load generator.

    from harness import Server, load, migrated_sqlite, report

    with Server(env, workers=2) as server:
        figures = load(server.url("/ping"), duration=5)

`load` uses wrk when it is on PATH (Debian package `wrk`) and a threaded Python
generator with keep-alive connections otherwise; both stop after `duration`
seconds and return requests/s, p50 and p99 latency.
"""

from harness.load import Figures, combine, interleaved, load, paired, report
from harness.server import PYTHON, ROOT, Server, base_env, free_port, migrated_sqlite

__all__ = ["PYTHON", "ROOT", "Figures", "Server", "base_env", "combine", "free_port", "interleaved",
           "load", "paired", "migrated_sqlite", "report"]
