"""The WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:app` (see `make serve`)."""

import gc
import sys

from jinja2 import TemplateAssertionError

from app import create_app
from settings import ConfigurationError

try:
    app = create_app()
except ConfigurationError as error:
    # One line per bad setting, exit status 2, no traceback (gunicorn preloads this module).
    error.show()
    sys.exit(error.exit_code)

# Compile every template now, not on the first request that needs it (~70 ms in
# all): a new worker answers its first requests at full speed. Templates of areas
# this app does not serve (the development mailbox) use filters it lacks: skipped.
for _name in app.jinja_env.list_templates(extensions=("html", "txt")):
    try:
        app.jinja_env.get_template(_name)
    except TemplateAssertionError:
        pass

# Everything built at start-up (the content and search indexes, templates, the
# URL map) lives as long as the process: move it out of the garbage collector's
# way, so a full collection during a request no longer walks all of it (that
# showed as 100 ms stalls at the 99th percentile of the FAQ pages).
gc.freeze()
