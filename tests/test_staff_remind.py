"""`flask review remind`: the daily email to staff about overdue and due-today requests."""

from datetime import timedelta

import pytest

from models import OutboxStatus
from services.dates import local_today
from tests.support.builders import build_request


def test_nothing_due_sends_nothing_and_says_so(runner, use_session, outbox):
    with use_session() as session:
        build_request(session, quiet=True, name="Fresh Fay")  # due in two business days
    result = runner.invoke(args=["review", "remind"])
    assert result.exit_code == 0, result.output
    assert "Nothing is overdue or due today: no reminder sent." in result.output
    assert outbox(kind="staff_review_reminder") == []


def test_lists_overdue_and_due_today(app, runner, use_session, outbox, run_worker):
    with app.app_context():
        today = local_today()
    with use_session() as session:
        late = build_request(session, quiet=True, name="Late Lou", entered_review_days_ago=10)
        due = build_request(session, quiet=True, name="Today Tia")
        due.due_on = today
        build_request(session, quiet=True, name="Fresh Fay")
        late_ref, due_ref = late.reference, due.reference
    result = runner.invoke(args=["review", "remind"])
    assert result.exit_code == 0, result.output
    assert "(1 overdue, 1 due today) for team@example-app.com" in result.output
    assert late_ref in result.output and due_ref in result.output
    assert "Fresh Fay" not in result.output
    [email] = outbox(kind="staff_review_reminder")
    assert email.to_addr == "team@example-app.com"
    assert email.subject == "Review queue: 1 overdue, 1 due today"
    assert "http://localhost/staff/requests/" in email.body_text
    overdue_part, today_part = email.body_text.split("Due today (1):")
    assert late_ref in overdue_part and due_ref in today_part
    run_worker()
    [email] = outbox(kind="staff_review_reminder")
    assert email.status == OutboxStatus.SENT  # delivered by the worker


@pytest.mark.app_config(STAFF_NOTIFY_EMAILS="")
def test_refuses_without_anyone_to_remind(runner, use_session, outbox):
    with use_session() as session:
        build_request(session, quiet=True, name="Late Lou", entered_review_days_ago=10)
    result = runner.invoke(args=["review", "remind"])
    assert result.exit_code != 0
    assert "STAFF_NOTIFY_EMAILS is empty" in result.output
    assert outbox() == []


def test_each_staff_address_gets_one(app, runner, use_session, outbox):
    app.config["STAFF_NOTIFY_EMAILS"] = "a@example-app.com, b@example-app.com"
    with use_session() as session:
        request = build_request(session, quiet=True, name="Late Lou")
        request.due_on = request.due_on - timedelta(days=30)
    result = runner.invoke(args=["review", "remind"])
    assert result.exit_code == 0
    assert sorted(e.to_addr for e in outbox(kind="staff_review_reminder")) == [
        "a@example-app.com",
        "b@example-app.com",
    ]
