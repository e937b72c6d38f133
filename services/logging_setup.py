"""One log line per request, with a request id, email addresses masked, no tokens."""

import json
import logging
import re
import secrets
import sys
import time

from flask import g, request

EMAIL_RE = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+)")
# Paths whose last part is a secret: keep the route, drop the secret.
# Longest alternatives first: /invite/opt-out/<token> must not match as /invite/<x>.
SECRET_PATH_RE = re.compile(r"^/(invite/opt-out|join/sent|invite|status|report)/[^/]+")

log = logging.getLogger("lobby.request")


def mask_emails(text):
    """'jane.doe@shop.com' -> 'j***@shop.com'."""
    return EMAIL_RE.sub(r"\1***@\2", str(text))


def mask_path(path):
    return SECRET_PATH_RE.sub(lambda m: f"/{m.group(1)}/[secret]", path)


class MaskingFilter(logging.Filter):
    def filter(self, record):
        record.msg = mask_emails(record.getMessage())
        record.args = ()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        payload = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update(getattr(record, "fields", {}))
        return json.dumps(payload)


def init_app(app):
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(MaskingFilter())
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("lobby")
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    root.propagate = False
    for name in ("services",):
        logging.getLogger(name).handlers[:] = [handler]
        logging.getLogger(name).propagate = False
    app.before_request(_start_timer)
    app.after_request(_log_request)


def _start_timer():
    g.request_started = time.perf_counter()
    g.request_id = request.headers.get("X-Request-Id", "")[:64] or secrets.token_hex(8)


def _log_request(response):
    started = g.get("request_started")
    duration_ms = (time.perf_counter() - started) * 1000 if started else 0.0
    path = mask_path(request.path)
    fields = {
        "method": request.method,
        "path": path,
        "status": response.status_code,
        "duration_ms": round(duration_ms, 1),
        "request_id": g.get("request_id", ""),
    }
    log.info(
        "%s %s %s %.1fms id=%s",
        request.method, path, response.status_code, duration_ms, fields["request_id"],
        extra={"fields": fields},
    )
    response.headers.setdefault("X-Request-Id", fields["request_id"])
    return response
