"""gunicorn settings for Lobby: `gunicorn -c gunicorn.conf.py wsgi:app` (`make serve`).

Every setting can be changed from the environment:
  BIND                 address to listen on (default 127.0.0.1:8000; a proxy sits in front)
  WEB_CONCURRENCY      number of worker processes (default 2 x CPU cores + 1, at most
                       MAX_WORKERS, default 8: each worker holds its own database pool).
                       With RATELIMIT_STORAGE_URI=memory:// (the default) rate limits are
                       counted per process, so the default is then ONE process serving
                       that many threads, and asking for more processes is refused.
  GUNICORN_TIMEOUT     seconds a request may take before its worker is restarted (30)
  GUNICORN_MAX_REQUESTS requests a worker serves before it is replaced (20000, ± 10 %;
                       0 never replaces it)
  PROMETHEUS_MULTIPROC_DIR  where the worker processes keep their request metrics for
                       /metrics (emptied at start); unset, a folder of this server's own
                       under /dev/shm (or the temporary folder), removed at exit
"""

import glob
import multiprocessing
import os
import shutil
import tempfile

# gunicorn always serves production mode: no debug, the real SECRET_KEY required.
os.environ["FLASK_DEBUG"] = "0"

bind = os.environ.get("BIND", "127.0.0.1:8000")
_cap = int(os.environ.get("MAX_WORKERS", "8"))
_concurrency = min(2 * multiprocessing.cpu_count() + 1, _cap)
if os.environ.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
    # One process keeps one count of every rate limit; threads serve in parallel.
    workers = int(os.environ.get("WEB_CONCURRENCY") or 1)
    threads = _concurrency
    worker_class = "gthread"
else:
    workers = int(os.environ.get("WEB_CONCURRENCY") or _concurrency)
    worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Restart workers now and then so slow leaks never grow; jitter avoids restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
# The app is loaded once, in the master, and each worker is a fork of it: a worker that
# replaces a restarted one serves at once, instead of first running create_app, compiling
# the templates and building the search index (hundreds of ms on a busy machine, during
# which its connections waited: a p99 of ~450 ms with a restart every second, measured).
preload_app = True
# No access log: the app writes one line per request itself, with secrets masked.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# No runtime-control socket (gunicornc): nothing may reconfigure the server from outside.
control_socket_disable = True
# Limits on the request line and headers (the body limit is MAX_CONTENT_LENGTH).
limit_request_line = 4094
limit_request_fields = 100
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# The request metrics of every worker process (web/metrics.py), summed at each scrape by
# prometheus_client's multiprocess mode. Chosen here, before the app (and so
# prometheus_client) is loaded, which decides the mode once; made in on_starting.
# Named after the master's pid, which a reload (HUP, reading this file again) keeps.
_own_metrics_dir = os.path.join("/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir(),
                                f"lobby-metrics-{os.getpid()}")
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = _own_metrics_dir


def on_starting(server):
    """Check the configuration once in the master, before any worker starts.

    create_app raises ConfigurationError for a bad or unsafe setting, such as the
    development SECRET_KEY: its lines are printed (one per setting) and the master
    exits with status 2 instead of restarting workers that cannot boot.
    """
    import sys

    from app import create_app
    from settings import ConfigurationError

    # The number of web processes (it may come from --workers): create_app refuses
    # a per-process rate-limit store shared by several.
    os.environ["WEB_PROCESSES"] = str(server.cfg.workers)
    try:
        create_app()
    except ConfigurationError as error:
        error.show()
        sys.exit(error.exit_code)
    # Counts left by an earlier run would be added to this one's.
    metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    os.makedirs(metrics_dir, mode=0o700, exist_ok=True)
    for stale in glob.glob(os.path.join(metrics_dir, "*.db")):
        os.remove(stale)


def child_exit(server, worker):
    """A worker that exits leaves its counts (they still add up), not its live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR") == _own_metrics_dir:
        shutil.rmtree(_own_metrics_dir, ignore_errors=True)


def post_fork(server, worker):
    """Each worker opens its own database connections, never ones made before the fork."""
    import db
    from wsgi import app

    db.get_engine(app).dispose(close=False)
