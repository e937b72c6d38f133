"""The WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:app` (see `make serve`)."""

import gc

from app import create_app

app = create_app()

# Everything built at start-up (the content and search indexes, templates, the
# URL map) lives as long as the process: move it out of the garbage collector's
# way, so a full collection during a request no longer walks all of it (that
# showed as 100 ms stalls at the 99th percentile of the FAQ pages).
gc.freeze()
