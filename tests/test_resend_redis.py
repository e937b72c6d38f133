"""The per-address limit holds across app instances that share Redis.

Each create_app() binds Flask-Limiter to a fresh storage connection, so when a
second instance starts, nothing but Redis remembers what the first one counted.
"""

import os
import secrets

import pytest

import db as lobby_db
from app import create_app
from tests.support.builders import build_request
from tests.support.database import app_session, base_test_config
from tests.support.forms import csrf_token_from, normalized
from tests.support.worker import run_worker_pass

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_prefix():
    """A key prefix of our own in the shared Redis; only our keys are removed afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    prefix = f"lobby-test-{secrets.token_hex(6)}"
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def instance(app, tmp_path):
    """Start another app on the same database, rate limits on, with the given storage."""
    started = []

    def start(storage_uri, prefix):
        config = base_test_config(tmp_path, app.config["DATABASE_URL"])
        config.update(
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=storage_uri,
            RATELIMIT_KEY_PREFIX=prefix,
            RATELIMIT_PER_ADDRESS="3 per hour;5 per day",
            RATELIMIT_EMAIL_FORMS="100 per minute",
        )
        started.append(create_app(config))
        return started[-1]

    yield start
    for other in started:
        lobby_db.get_engine(other).dispose()


def resend(instance_app, email):
    client = instance_app.test_client()
    token = csrf_token_from(client.get("/resend").get_data(as_text=True))
    response = client.post("/resend", data={"csrf_token": token, "email": email})
    response.get_data()
    run_worker_pass(instance_app)  # this instance's worker: the limit is counted there
    return response


def count_invitations(outbox):
    """Emails /resend sent (an in-review request gets its status each time it asks)."""
    return len(outbox(kind="review_status", to="ana@shop.example"))


@pytest.mark.redis
def test_per_address_limit_is_shared_through_redis(app, instance, outbox, redis_prefix):
    with app_session(app) as session:
        build_request(session, "in_review", email="ana@shop.example")
    before = count_invitations(outbox)

    first = instance(REDIS_URL, redis_prefix)
    responses = [resend(first, "ana@shop.example") for _ in range(2)]
    second = instance(REDIS_URL, redis_prefix)
    responses.append(resend(second, "ana@shop.example"))
    responses.append(resend(first, "ana@shop.example"))  # the 4th in the hour
    responses.append(resend(second, "ana@shop.example"))

    assert count_invitations(outbox) == before + 3
    assert len({normalized(r) for r in responses}) == 1


def test_in_memory_counts_are_per_instance(app, instance, outbox):
    """The control: without a shared store, a new instance starts counting afresh."""
    with app_session(app) as session:
        build_request(session, "in_review", email="ana@shop.example")
    before = count_invitations(outbox)
    prefix = f"lobby-test-{secrets.token_hex(6)}"
    first = instance("memory://", prefix)
    for _ in range(3):
        resend(first, "ana@shop.example")
    second = instance("memory://", prefix)
    resend(second, "ana@shop.example")
    assert count_invitations(outbox) == before + 4
