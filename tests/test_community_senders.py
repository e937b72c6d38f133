"""Several workers retrying the same provisioning tasks add each person once."""

import os
from collections import Counter

import pytest
from sqlalchemy import select

from clock import utcnow
from models import CommunityProvisioning, ProvisioningStatus, RequestState
from services.community import connector_for
from services.community.provisioning import attempt, start_provisioning
from tests.support.builders import build_request
from tests.support.community_fixtures import set_platform
from tests.support.database import app_session
from tests.support.fake_circle import TOKEN, circle_config
from tests.support.worker import run_worker_processes


def waiting_tasks(app, count):
    """`count` joined requests whose provisioning is due now; returns their addresses."""
    addresses = []
    with app_session(app) as session:
        for number in range(count):
            email = f"person{number}@example.com"
            request = build_request(
                session, RequestState.JOINED, quiet=True, name=f"Person {number}", email=email,
                reference=f"LB-T{number:05d}", source="web",
            )
            start_provisioning(session, request, "circle")
            addresses.append(email)
    return addresses


def test_a_claimed_task_is_not_attempted_by_another_sender(app, fake_circle):
    set_platform(app, circle_config(fake_circle))
    waiting_tasks(app, 1)
    with app_session(app) as session, app.app_context():
        task_id = session.scalar(select(CommunityProvisioning.id))
        # Another sender holds the claim (fresh): this one leaves the task alone.
        session.get(CommunityProvisioning, task_id).claimed_at = utcnow()
        session.commit()
        connector = connector_for(app.config, 1)
        assert attempt(session, task_id, connector) is None
        assert fake_circle.calls == []


@pytest.mark.postgres
def test_two_senders_retrying_the_same_tasks_add_each_member_once(
    app, postgres_url, fake_circle, tmp_path
):
    addresses = waiting_tasks(app, 40)
    fake_circle.stall = 0.01  # slow enough for the two senders to overlap
    env = {k: v for k, v in os.environ.items() if k != "FLASK_DEBUG"}
    env.update(
        SECRET_KEY="two-senders-secret-key-long-enough", SITE_URL="http://127.0.0.1",
        DATABASE_URL=postgres_url, MAIL_BACKEND="file", MAIL_FILE_DIR=str(tmp_path / "mail"),
        COMMUNITY_PLATFORM="circle", CIRCLE_API_URL=fake_circle.url, CIRCLE_API_TOKEN=TOKEN,
    )
    run_worker_processes(env, count=2, passes=4)
    added = Counter(member["email"] for member in fake_circle.members)
    assert sorted(added) == sorted(addresses)
    assert [email for email, n in added.items() if n > 1] == [], "someone was added twice"
    asked = Counter(call[3]["email"] for call in fake_circle.calls if call[0] == "POST")
    assert set(asked.values()) == {1}, "a task was attempted twice"
    with app_session(app) as session:
        tasks = session.scalars(select(CommunityProvisioning)).all()
        assert {t.status for t in tasks} == {ProvisioningStatus.DONE}
        assert {t.attempts for t in tasks} == {1}
