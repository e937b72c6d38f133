"""The audit trail: one entry per staff action, the admin page's filters, CSV, retention."""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from clock import utcnow
from models import AuditEntry, OutboxEmail, OutboxStatus
from services.jobs.retention import purge
from services.staff import audit
from tests.support.builders import add_decline_reason
from tests.support.database import app_session
from tests.support.forms import csrf_token_from
from tests.support.staff import STAFF_EMAIL, csrf, log_in, sign_in, staff_post

UNKNOWN = "hana@gmail.example"
CSV_TEXT = "subdomain,account_name,status,email\nacme,Acme,active,a@acme.example\n"


def _entries(app, action=None):
    with app_session(app) as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        return list(session.scalars(query))


def _approve(client, ids, use_session):
    return staff_post(client, f"/staff/requests/{ids['request']}/approve")


def _decline(client, ids, use_session):
    reason = add_decline_reason(use_session, body="No paying account.")
    return staff_post(client, f"/staff/requests/{ids['request']}/decline", {"reason": str(reason)})


def _resend(client, ids, use_session):
    staff_post(client, f"/staff/requests/{ids['request']}/approve")
    return staff_post(client, f"/staff/requests/{ids['request']}/resend")


def _revoke(client, ids, use_session):
    staff_post(client, f"/staff/requests/{ids['request']}/approve")
    return staff_post(client, f"/staff/requests/{ids['request']}/revoke")


def _import(client, ids, use_session):
    preview = client.post(
        "/staff/accounts/preview",
        data={"csrf_token": csrf(client, "/staff/accounts"),
              "csv_file": (io.BytesIO(CSV_TEXT.encode()), "accounts.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    upload = re.search(r'name="upload" type="hidden" value="([^"]+)"', preview).group(1)
    return client.post("/staff/accounts/import",
                       data={"csrf_token": csrf_token_from(preview), "upload": upload})


def _retry(client, ids, use_session):
    with use_session() as session:
        email = session.scalars(select(OutboxEmail)).first()
        email.status = OutboxStatus.FAILED
        email_id = email.id
    return staff_post(client, f"/staff/outbox/{email_id}/retry")


def _retry_all(client, ids, use_session):
    return staff_post(client, "/staff/outbox/retry-all")


def _invite(client, ids, use_session):
    return staff_post(client, "/staff/people/invite", {"email": "new@example-app.com",
                                                        "role": "reviewer"}, page="/staff/people")


def _export(client, ids, use_session):
    return client.get("/staff/audit.csv")


ACTIONS = [
    (_approve, "approve", "request"),
    (_decline, "decline", "request"),
    (_resend, "resend", "request"),
    (_revoke, "revoke", "request"),
    (_import, "accounts_import", "accounts"),
    (_retry, "outbox_retry", "email"),
    (_retry_all, "outbox_retry_all", None),
    (_invite, "staff_invited", "staff"),
    (_export, "audit_exported", None),
]


@pytest.mark.parametrize("act, action, target_type", ACTIONS, ids=[a[1] for a in ACTIONS])
def test_each_staff_action_is_recorded_with_who_what_and_from_where(
    app, client, make_staff, make_request, use_session, act, action, target_type
):
    sign_in(client, make_staff)
    ids = {"request": make_request(name="Hana Ito", email=UNKNOWN)}
    assert act(client, ids, use_session).status_code in (200, 302)
    [entry] = _entries(app, action)[-1:]
    assert entry.actor == STAFF_EMAIL and entry.client == "127.0.0.1"
    assert entry.target_type == target_type
    if target_type == "request":
        assert entry.target == str(ids["request"])


def test_sign_ins_and_failures_are_recorded(app, client, make_staff):
    make_staff()
    log_in(client, STAFF_EMAIL, "wrong password")
    log_in(client)
    actions = [(e.action, e.actor) for e in _entries(app)]
    assert ("sign_in_failed", STAFF_EMAIL) in actions and ("sign_in", STAFF_EMAIL) in actions


def test_the_audit_page_filters_and_exports_csv(app, client, make_staff):
    sign_in(client, make_staff)
    with app_session(app) as session:
        audit.record(session, "rev@example-app.com", "approve", "request", 7, "192.0.2.1")
        audit.record(session, "=cmd()@example-app.com", "decline", "request", 8, "192.0.2.1")
    page = client.get("/staff/audit?action=approve")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "rev@example-app.com" in text and "request 8" not in text
    exported = client.get("/staff/audit.csv?actor=cmd")
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0] == audit.CSV_HEADER
    assert [row[1] for row in rows[1:]] == ["'=cmd()@example-app.com"]  # no spreadsheet formula


def test_entries_older_than_retention_lose_who_and_from_where(app):
    with app_session(app) as session:
        old = audit.record(session, "rev@example-app.com", "approve", "request", 7, "192.0.2.1")
        old.at = utcnow() - timedelta(days=400)
        audit.record(session, "rev@example-app.com", "decline", "request", 8, "192.0.2.1")
    with app_session(app) as session:
        purge(session, 365)
    old, new = _entries(app)
    assert (old.actor, old.client, old.action, old.target) == ("staff", None, "approve", "7")
    assert (new.actor, new.client) == ("rev@example-app.com", "192.0.2.1")


def test_entries_cannot_be_changed_or_deleted_through_the_orm(app):
    with app_session(app) as session:
        audit.record(session, "rev@example-app.com", "approve", "request", 7, "192.0.2.1")
    for change in (lambda s, e: setattr(e, "actor", "someone-else"), lambda s, e: s.delete(e)):
        with pytest.raises(audit.AuditTrailIsAppendOnly), app_session(app) as session:
            change(session, session.scalars(select(AuditEntry)).one())
            session.flush()
    assert _entries(app)[0].actor == "rev@example-app.com"
