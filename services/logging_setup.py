"""One log line per request, with a request id, email addresses masked, no tokens.

The line holds the method, the path (never the query string; secrets in paths
masked, see services.secret_paths), the status, the duration and the request id.
Every line through our handler is masked for email addresses and for secrets
in paths, tracebacks included; Flask's own error log ("Exception on <path>")
goes through it too. LOG_FORMAT=json writes one JSON object per line for log shippers.
"""

import json
import logging
import re
import secrets
import sys
import time

from flask import g, request

from services.secret_paths import mask_path, mask_secret_paths_in

EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)")
# A request id we accept from a proxy: short and plain, so it cannot forge log lines.
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

log = logging.getLogger("lobby.request")

__all__ = ["mask_emails", "mask_path", "mask_secrets", "init_app"]


def mask_emails(text):
    """'jane.doe@shop.com' -> 'j***@shop.com'."""
    return EMAIL_RE.sub(r"\1***@\2", str(text))


def mask_secrets(text):
    """Email addresses and the secrets in paths such as /status/<token>, masked."""
    return mask_secret_paths_in(mask_emails(text))


class TextFormatter(logging.Formatter):
    """The usual one-line format, masked after formatting (so tracebacks are too).

    The request log's own lines are built from parts masked already (see
    _log_request), so they skip the second pass.
    """

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
        handler.setFormatter(TextFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    return handler


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
    g.request_started = time.perf_counter()
    offered = request.headers.get("X-Request-Id", "")
    g.request_id = offered if REQUEST_ID_RE.match(offered) else secrets.token_hex(8)


def _log_request(response):
    started = g.get("request_started")
    duration_ms = (time.perf_counter() - started) * 1000 if started else 0.0
    path = mask_emails(mask_path(request.path))
    request_id = g.get("request_id") or secrets.token_hex(8)
    if log.isEnabledFor(logging.INFO):
        fields = {
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": round(duration_ms, 1),
            "request_id": request_id,
        }
        # makeRecord + handle is log.info without its walk up the stack for the
        # caller's file and line, which say nothing here. Every part of the line is
        # masked or checked already (the method is an HTTP token, the id matched
        # REQUEST_ID_RE), hence "premasked": the text formatter need not mask again.
        record = log.makeRecord(
            log.name, logging.INFO, __file__, 0, "%s %s %s %.1fms id=%s",
            (request.method, path, response.status_code, duration_ms, request_id), None,
            extra={"fields": fields, "premasked": request.method.isalpha()},
        )
        log.handle(record)
    response.headers.setdefault("X-Request-Id", request_id)
    return response
