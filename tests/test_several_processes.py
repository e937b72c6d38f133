"""Several processes, one truth: PostgreSQL for data, Redis for rate limits.

Run by the PostgreSQL leg of .ci/run (TEST_DATABASE_URL and REDIS_URL set); they
skip elsewhere. Each starts real processes on free loopback ports.
"""

import asyncio
import email
import os
import secrets
from collections import Counter

import pytest

from models import OutboxEmail
from tests.support.servers import free_port, http_status, start_gunicorn, stop, wait_until_serving
from tests.support.worker import run_worker_processes

SECRET = "several-processes-secret-key-long-enough"


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("needs REDIS_URL (the PostgreSQL leg of .ci/run sets it)")
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis at {url} is not answering")
    prefix = f"lobbytest{secrets.token_hex(6)}"
    yield url, prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


def _env(**values):
    env = {k: v for k, v in os.environ.items() if k != "FLASK_DEBUG"}
    env.update({"SECRET_KEY": SECRET, "SITE_URL": "http://127.0.0.1", **values})
    return env


class _SlowCountingHandler:
    """Collects the outbox id of every message; a little slow, so senders overlap."""

    def __init__(self):
        self.ids = []

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.003)
        message = email.message_from_bytes(envelope.content)
        self.ids.append(int(message["X-Lobby-Outbox-Id"]))
        return "250 Message accepted for delivery"


@pytest.fixture
def counting_smtp():
    from aiosmtpd.controller import Controller

    handler = _SlowCountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.ids = handler.ids
    yield controller
    controller.stop()


@pytest.mark.postgres
def test_two_concurrent_senders_deliver_each_email_exactly_once(
    app, postgres_url, use_session, counting_smtp
):
    total = 200
    with use_session() as session:
        for number in range(total):
            session.add(OutboxEmail(
                kind="welcome", to_addr=f"person{number}@example.com", subject=f"Hello {number}",
                body_text="Hello", body_html="<p>Hello</p>",
            ))
    env = _env(
        DATABASE_URL=postgres_url, MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(counting_smtp.port),
    )
    outputs = run_worker_processes(env, count=2, passes=6)

    delivered = Counter(counting_smtp.ids)
    assert len(delivered) == total, f"{total - len(delivered)} emails never arrived"
    assert [i for i, n in delivered.items() if n > 1] == [], "some emails arrived twice"
    sent_by = [sum(int(line.split()[1]) for line in out.splitlines()
                   if line.startswith("outbox: ")) for out in outputs]
    assert sum(sent_by) == total
    # Both took part (the SMTP server is slow enough for them to overlap).
    assert all(sent_by), sent_by


@pytest.mark.postgres
@pytest.mark.redis
def test_two_gunicorn_instances_enforce_one_shared_rate_limit(
    app, postgres_url, redis_url, tmp_path
):
    storage, prefix = redis_url
    env = _env(
        DATABASE_URL=postgres_url, RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=prefix,
        RATELIMIT_ENABLED="1", RATELIMIT_EMAIL_FORMS="5 per minute", MAIL_BACKEND="file",
        MAIL_FILE_DIR=str(tmp_path / "mail"),
    )
    ports = [free_port(), free_port()]
    servers = [
        start_gunicorn("tests.support.limited_app:app", port, env, tmp_path / f"g{port}.log")
        for port in ports
    ]
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_until_serving(port, server, tmp_path / f"g{port}.log")
        statuses = [http_status(ports[n % 2], "POST", "/test/limited") for n in range(12)]
    finally:
        for server in servers:
            stop(server)
    # Each instance alone would allow 5: together they allow 5 in all.
    assert statuses.count(200) == 5, statuses
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {429}, statuses
