"""One log line per request, with a request id, email addresses masked, no tokens.

The line holds the method, the path (never the query string; secrets in paths
masked, see web.secret_paths), the status, the duration and the request id.
Every line through our handler is masked for email addresses and for secrets
in paths, tracebacks included; Flask's own error log ("Exception on <path>")
goes through it too. LOG_FORMAT=json writes one JSON object per line for log shippers.
"""

import json
import logging
import re
import sys
import time

from flask import g, request

from services.privacy.masking import mask_emails
from web.request_ids import new_request_id
from web.secret_paths import mask_path, mask_secret_paths_in

# A request id we accept from a proxy: short and plain, so it cannot forge log lines.
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

log = logging.getLogger("lobby.request")

__all__ = ["mask_emails", "mask_path", "mask_secrets", "init_app"]


def mask_secrets(text):
    """Email addresses and the secrets in paths such as /status/<token>, masked."""
    return mask_secret_paths_in(mask_emails(text))


class TextFormatter(logging.Formatter):
    """The usual one-line format, masked after formatting (so tracebacks are too).

    The request log's own lines are built from parts masked already (see
    _log_request), so they skip the second pass.
    """

    def __init__(self, fmt=None):
        super().__init__(fmt)
        self.format_string = fmt

    def format(self, record):
        line = super().format(record)
        return line if getattr(record, "premasked", False) else mask_secrets(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the request fields."""

    def format(self, record):
        payload = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update(getattr(record, "fields", {}))
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        masked = {
            key: mask_secrets(value) if isinstance(value, str) else value
            for key, value in payload.items()
        }
        return json.dumps(masked, default=str)


class DevServerLogFilter(logging.Filter):
    """Werkzeug's development server logs each request line itself; mask it like ours.

    Its lines carry the full path and query string, which may hold a token.
    """

    REQUEST_LINE_RE = re.compile(r'"([A-Z]+) (\S+) (HTTP/[0-9.]+)"')

    def filter(self, record):
        message = record.getMessage()
        message = self.REQUEST_LINE_RE.sub(
            lambda m: f'"{m.group(1)} {mask_path(m.group(2).split("?", 1)[0])} {m.group(3)}"',
            message,
        )
        record.msg, record.args = mask_secrets(message), ()
        return True


def make_handler(log_format):
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(TextFormatter(TEXT_FORMAT))
    return handler


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"
_lobby_log = logging.getLogger("lobby")


def _plain_text_handler():
    """Our text handler when it alone would see a request line, else None.

    Then the line can be written straight to its stream, as the Formatter would
    write it, without a LogRecord (~10 µs a request). Anything else listening (a
    test's log capture, a filter, JSON) gets the usual record.
    """
    handlers = _lobby_log.handlers
    if len(handlers) != 1 or log.handlers or log.filters or _lobby_log.filters:
        return None
    handler = handlers[0]
    if (type(handler) is not logging.StreamHandler or handler.filters
            or type(handler.formatter) is not TextFormatter
            or handler.formatter.format_string != TEXT_FORMAT):
        return None
    return handler


_second = [None, ""]  # (int time, its "%Y-%m-%d %H:%M:%S") of the last line written


def _asctime(now):
    """The Formatter's default asctime: local time, then ",mmm"."""
    whole = int(now)
    if _second[0] != whole:
        _second[:] = [whole, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(whole))]
    return f"{_second[1]},{int((now - whole) * 1000):03d}"


def init_app(app):
    handler = make_handler(app.config["LOG_FORMAT"])
    # app.name is Flask's own logger: "Exception on /status/<token> [GET]" and its
    # traceback go through our masking handler too.
    for name in ("lobby", "services", app.name):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.INFO)
        logger.propagate = False
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, DevServerLogFilter) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(DevServerLogFilter())
    app.before_request(_start_timer)
    app.after_request(_log_request)


def _start_timer():
    # One attribute, so the log line reads g once: each use of a proxy is a look-up.
    g.request_log = (time.perf_counter(), request_id_for(request.environ))


def request_seconds_so_far():
    """Seconds since this request began (0.0 when the timer never started)."""
    started = (g.get("request_log") or (None, None))[0]
    return time.perf_counter() - started if started else 0.0


def request_id_for(environ):
    """The id a proxy gave this request (X-Request-Id), when it is short and plain, or a new one."""
    # The environ itself: request.headers.get raises and catches a KeyError when absent.
    offered = environ.get("HTTP_X_REQUEST_ID", "")
    return offered if REQUEST_ID_RE.match(offered) else new_request_id()


def masked_request_path(path):
    """The path as the log line shows it: secrets in paths and email addresses masked."""
    path = mask_path(path)
    return mask_emails(path) if "@" in path else path


def _log_request(response):
    started, request_id = g.get("request_log") or (None, new_request_id())
    duration_ms = (time.perf_counter() - started) * 1000 if started else 0.0
    if "X-Request-Id" not in response.headers:  # one look through them, not setdefault's two
        response.headers.add("X-Request-Id", request_id)
    write_request_line(request.method, masked_request_path(request.path),
                       response.status_code, duration_ms, request_id)
    return response


def write_request_line(method, path, status, duration_ms, request_id):
    """The request's one log line; `path` masked already (masked_request_path)."""
    if not log.isEnabledFor(logging.INFO):
        return
    # Every part of the line is masked or checked already (an alphabetic method,
    # the id matched REQUEST_ID_RE), hence "premasked": no second masking.
    premasked = method.isalpha()
    handler = _plain_text_handler() if premasked else None
    if handler is not None:
        line = (f"{_asctime(time.time())} INFO {log.name} {method} {path} {status} "
                f"{duration_ms:.1f}ms id={request_id}{handler.terminator}")
        with handler.lock:
            try:
                stream = handler.stream
                stream.write(line)
                stream.flush()  # handler.flush() would take the lock held here again
            except (OSError, ValueError):  # a closed stderr: lose the line, not the page
                pass
        return
    fields = {"method": method, "path": path, "status": status,
              "duration_ms": round(duration_ms, 1), "request_id": request_id}
    # makeRecord + handle is log.info without its walk up the stack for the
    # caller's file and line, which say nothing here.
    record = log.makeRecord(
        log.name, logging.INFO, __file__, 0, "%s %s %s %.1fms id=%s",
        (method, path, status, duration_ms, request_id), None,
        extra={"fields": fields, "premasked": premasked},
    )
    log.handle(record)
