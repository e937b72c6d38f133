"""The request log: one line per request, emails masked, no tokens, JSON on demand."""

import io
import json
import logging
import re

import pytest

from services.privacy.masking import mask_emails
from web.secret_paths import mask_path


@pytest.fixture
def log_output(app):
    """What our log handler writes, as a list of lines (read after the requests)."""
    handler = logging.getLogger("lobby").handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: stream.getvalue().splitlines()
    handler.setStream(previous)


@pytest.fixture
def request_records(caplog):
    """The request log records.

    Our "lobby" logger does not propagate to the root logger; recent pytest
    attaches caplog's handler to it anyway, older pytest needs it added here.
    """
    logger = logging.getLogger("lobby")
    added = caplog.handler not in logger.handlers
    if added:
        logger.addHandler(caplog.handler)
    yield lambda: [r for r in caplog.records if r.name == "lobby.request"]
    if added:
        logger.removeHandler(caplog.handler)


def test_one_line_per_request_with_method_path_status_duration_and_id(
    client, log_output, request_records
):
    client.get("/healthz")
    client.get("/no-such-page", headers={"X-Request-Id": "abc-123"})
    records = request_records()
    assert len(records) == 2
    first, second = (r.fields for r in records)
    assert first["method"] == "GET" and first["path"] == "/healthz" and first["status"] == 200
    assert first["duration_ms"] >= 0 and len(first["request_id"]) == 16
    assert second["status"] == 404 and second["request_id"] == "abc-123"
    lines = log_output()
    assert len(lines) == 2
    assert "GET /no-such-page 404" in lines[1] and "ms id=abc-123" in lines[1]


def test_a_request_id_that_could_forge_log_lines_is_replaced(client, request_records):
    response = client.get("/", headers={"X-Request-Id": "x INFO forged=line \x1b[31m"})
    fields = request_records()[0].fields
    assert "\n" not in fields["request_id"] and "forged" not in fields["request_id"]
    assert response.headers["X-Request-Id"] == fields["request_id"]


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/invite/SECRETTOKEN", "/invite/[secret]"),
        ("/invite/opt-out/SECRETTOKEN", "/invite/opt-out/[secret]"),
        ("/status/SECRETTOKEN", "/status/[secret]"),
        ("/report/SECRETCODE", "/report/[secret]"),
        ("/invite/SECRETTOKEN/accept", "/invite/[secret]"),
        ("/status", "/status"),
        ("/report", "/report"),
        ("/faq/how-to-join", "/faq/how-to-join"),
    ],
)
def test_secret_path_segments_are_masked(client, log_output, path, logged):
    assert mask_path(path) == logged
    client.get(path)
    line = log_output()[-1]
    assert f"GET {logged} " in line
    assert "SECRET" not in line


def test_query_strings_and_emails_never_reach_the_log(client, log_output):
    client.get("/search?q=ana.lima@myshop.example&token=SECRETTOKEN")
    client.get("/faq/ana.lima@myshop.example")
    text = "\n".join(log_output())
    assert "SECRETTOKEN" not in text and "q=" not in text
    assert "ana.lima@" not in text and "a***@myshop.example" in text


def test_every_logger_of_ours_masks_emails_even_in_tracebacks(app, log_output):
    try:
        raise ValueError("no account for ben.stone@acme.example")
    except ValueError:
        logging.getLogger("services.membership.screening").exception("screening %s", "ana@shop.example")
    text = "\n".join(log_output())
    assert "ana@" not in text and "ben.stone@" not in text
    assert "a***@shop.example" in text and "b***@acme.example" in text


def test_mask_emails():
    assert mask_emails("write to jane.doe@shop.com now") == "write to j***@shop.com now"


@pytest.mark.app_config(LOG_FORMAT="json")
def test_json_format_is_one_valid_object_per_line(client, log_output):
    client.get("/healthz")
    client.get("/status/SECRETTOKEN?email=ana@shop.example")
    try:
        raise RuntimeError("boom for ana@shop.example")
    except RuntimeError:
        logging.getLogger("lobby.errors").exception("failed")
    lines = log_output()
    records = [json.loads(line) for line in lines]
    assert len(records) == 3
    assert records[0]["path"] == "/healthz" and records[0]["status"] == 200
    assert {"time", "level", "logger", "message", "method", "duration_ms", "request_id"} <= set(
        records[0]
    )
    assert records[1]["path"] == "/status/[secret]"
    assert "ana@" not in lines[2] and "a***@shop.example" in records[2]["exception"]


def test_the_development_servers_own_request_lines_are_masked(app):
    import logging

    from web.logging_setup import DevServerLogFilter

    record = logging.LogRecord(
        "werkzeug", logging.INFO, __file__, 1,
        '%s - - [date] "%s" %s -',
        ("127.0.0.1", "GET /invite/SECRETTOKEN123?x=ana@shop.example HTTP/1.1", "200"),
        None,
    )
    assert DevServerLogFilter().filter(record)
    message = record.getMessage()
    assert "SECRETTOKEN123" not in message and "ana@shop.example" not in message
    assert '"GET /invite/[secret] HTTP/1.1"' in message


@pytest.mark.app_config(PROPAGATE_EXCEPTIONS=False)
def test_flasks_own_error_log_masks_the_token_in_the_path_and_emails(
    app, client, log_output, monkeypatch
):
    from services.membership import status_checks

    def broken(_session, _token):
        raise RuntimeError("no request for ana.lima@myshop.example")

    monkeypatch.setattr(status_checks, "request_for_token", broken)
    assert client.get("/status/SECRETTOKEN123").status_code == 500
    text = "\n".join(log_output())
    assert "Exception on /status/[secret] [GET]" in text
    assert "SECRETTOKEN" not in text and "ana.lima@" not in text


def test_secret_paths_are_masked_anywhere_in_a_line():
    from web.secret_paths import mask_secret_paths_in

    text = 'GET http://site/invite/opt-out/AbC-1.x_2?e=1 and "/report/CODE" /status/[secret]'
    assert mask_secret_paths_in(text) == (
        'GET http://site/invite/opt-out/[secret]?e=1 and "/report/[secret]" /status/[secret]'
    )
    assert mask_secret_paths_in("/invite/opt-out/[secret] 404") == "/invite/opt-out/[secret] 404"


def test_the_request_line_written_directly_reads_as_the_formatter_writes_it(app, client):
    """With nothing but our text handler listening, the request line skips the LogRecord;
    it must read exactly as the handler's formatter would have written it."""
    logger = logging.getLogger("lobby")
    handler = logger.handlers[0]
    stream = io.StringIO()
    previous = handler.setStream(stream)
    others = [h for h in logger.handlers if h is not handler]
    for other in others:  # a log capture of the test runner, if it attached one
        logger.removeHandler(other)
    try:
        client.get("/faq/how-to-join", headers={"X-Request-Id": "direct-1"})
    finally:
        for other in others:
            logger.addHandler(other)
        handler.setStream(previous)
    [line] = stream.getvalue().splitlines()
    duration = line.split(" 200 ", 1)[1].split("ms", 1)[0]
    record = logging.LogRecord("lobby.request", logging.INFO, __file__, 0,
                               "GET /faq/how-to-join 200 %sms id=direct-1", (duration,), None)
    expected = handler.formatter.format(record)
    assert line.split(" ", 2)[2] == expected.split(" ", 2)[2]  # all but the time
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}", " ".join(line.split(" ")[:2]))
