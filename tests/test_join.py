"""/join: the automatic check (in the worker), the one neutral confirmation page, double
submissions, nothing half-written."""

import re
import secrets
import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from models import Event, MembershipRequest, OutboxEmail, OutboxStatus, PendingJob, RequestState
from services.dates import long_date
from services.membership import screening
from services.membership.screening import create_and_screen_request
from tests.support.database import app_session
from tests.support.forms import csrf_token_from
from tests.support.servers import free_port

ANA = "ana@myshop.example"
SENT_RE = re.compile(r"/join/sent$")


@pytest.fixture
def join(post_form, run_worker):
    """POST /join, then one worker pass (which screens it and sends the emails)."""

    def submit(worker=True, **fields):
        data = {"name": "Ana Lima", "email": ANA, "subdomain": "", "agree": "y", **fields}
        response = post_form("/join", data)
        if worker:
            run_worker()
        return response

    return submit


def only_request(app):
    with app_session(app) as session:
        [request] = session.scalars(select(MembershipRequest)).all()
        return request


def event_kinds(app, request_id):
    with app_session(app) as session:
        return list(
            session.scalars(
                select(Event.kind).where(Event.request_id == request_id).order_by(Event.id)
            )
        )


def count(app, model):
    with app_session(app) as session:
        return session.scalar(select(func.count()).select_from(model))


def test_the_form_has_labelled_fields_and_links_the_guidelines(client):
    html = client.get("/join").get_data(as_text=True)
    for label in ("Your name", "Email address", "Your account&#39;s subdomain", "I agree"):
        assert label in html
    assert 'href="/guidelines"' in html
    assert 'name="csrf_token"' in html


def test_a_paying_account_user_is_invited(app, client, join, make_account, outbox):
    make_account("myshop", "active", [ANA])
    response = join()
    assert response.status_code == 303
    assert SENT_RE.search(response.headers["Location"])

    request = only_request(app)
    assert request.state == RequestState.INVITED
    assert request.source == "web"
    assert event_kinds(app, request.id) == ["submitted", "matched", "invited", "email_sent"]
    [invitation] = outbox()
    assert (invitation.kind, invitation.to_addr) == ("invitation", ANA)
    assert invitation.reply_to == "support@example-app.com"
    assert "/invite/" in invitation.body_text

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert request.reference not in page  # only in the email
    assert request.reference in invitation.body_text
    assert "We've emailed <strong>a***@myshop.example</strong>" in page
    assert "spam" in page and "Promotions" in page


@pytest.mark.parametrize(
    "status, email, typed",
    [
        ("trial", ANA, ""),
        ("cancelled", ANA, ""),
        ("active", "someone@elsewhere.example", ""),  # an unknown address
        ("active", "ben@myshop.example", "myshop"),  # typed subdomain, address not on it
    ],
    ids=["trial", "cancelled", "unknown-address", "typed-but-unmatched-subdomain"],
)
def test_anyone_else_goes_to_review(app, client, join, make_account, outbox, status, email, typed):
    make_account("myshop", status, [ANA])
    response = join(email=email, subdomain=typed)
    assert response.status_code == 303

    request = only_request(app)
    assert request.state == RequestState.IN_REVIEW
    assert request.due_on is not None
    assert event_kinds(app, request.id) == ["submitted", "in_review", "email_sent", "email_sent"]
    emails = {(e.kind, e.to_addr) for e in outbox()}
    assert emails == {("in_review", email), ("staff_new_review", "team@example-app.com")}

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert f"they will by <strong>{long_date(request.due_on)}</strong>" in page


def test_the_staff_email_carries_the_hints(app, join, make_account, outbox):
    make_account("myshop", "active", [ANA, "cleo@myshop.example"])
    join(email="ben@myshop.example", subdomain="https://MyShop.example-app.com/x")
    [staff] = outbox(kind="staff_new_review")
    assert "The subdomain “myshop” belongs to Myshop (active)." in staff.body_text
    assert "2 users of Myshop (myshop) have addresses at @myshop.example." in staff.body_text
    assert "http://localhost/staff/requests/" in staff.body_text


def test_a_subdomain_no_account_has_is_a_hint_too(app, join, outbox):
    join(email="ben@gmail.com", subdomain="nosuchshop")
    [staff] = outbox(kind="staff_new_review")
    assert "No account has the subdomain “nosuchshop”" in staff.body_text
    # A mailbox provider's domain is no hint.
    assert "@gmail.com" not in staff.body_text.split("Hints:")[1].split("Review it")[0]


def _freeze(monkeypatch, moment):
    monkeypatch.setattr(screening, "utcnow", lambda: moment)


@pytest.mark.parametrize(
    "submitted_at, expected",
    [
        (datetime(2026, 11, 27, 15, 0, tzinfo=UTC), date(2026, 12, 1)),  # Friday -> Tuesday
        (datetime(2026, 11, 28, 9, 0, tzinfo=UTC), date(2026, 12, 2)),  # Saturday -> Wednesday
    ],
)
def test_the_due_date_skips_the_weekend(app, join, monkeypatch, outbox, submitted_at, expected):
    _freeze(monkeypatch, submitted_at)
    join(email="zoe@unknown.example")
    assert only_request(app).due_on == expected
    [email] = outbox(kind="in_review")
    with app.app_context():
        assert long_date(expected) in email.body_text


@pytest.mark.app_config(HOLIDAYS="2026-11-30")
def test_the_due_date_skips_a_configured_holiday(app, join, monkeypatch):
    _freeze(monkeypatch, datetime(2026, 11, 27, 15, 0, tzinfo=UTC))  # Friday; Monday off
    join(email="zoe@unknown.example")
    assert only_request(app).due_on == date(2026, 12, 2)


def test_matching_ignores_letter_case(app, join, make_account, outbox):
    make_account("myshop", "active", ["Ana@MyShop.Example"])
    join(email="aNA@myshop.EXAMPLE")
    request = only_request(app)
    assert request.state == RequestState.INVITED
    assert request.email == "aNA@myshop.example"  # as typed, the domain tidied
    assert [e.kind for e in outbox()] == ["invitation"]


def test_a_pasted_account_address_is_stored_as_its_subdomain(app, join):
    join(subdomain="https://www.MyShop.example-app.com/admin?tab=1")
    assert only_request(app).subdomain == "myshop"


def test_a_second_submission_from_the_same_browser_sends_nothing_more(
    app, client, join, make_account, outbox
):
    make_account("myshop", "active", [ANA])
    first = join()
    second = join(email=ANA.upper(), name="Someone Else")
    assert count(app, MembershipRequest) == 1
    assert [e.kind for e in outbox()] == ["invitation"]
    assert only_request(app).name == "Ana Lima"
    first_page = client.get(first.headers["Location"]).get_data(as_text=True)
    second_page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert first_page == second_page


def _join_from_a_fresh_browser(app, email, run_worker):
    browser = app.test_client()
    html = browser.get("/join").get_data(as_text=True)
    response = browser.post(
        "/join",
        data={"csrf_token": csrf_token_from(html), "name": "Eve", "email": email, "agree": "y"},
    )
    run_worker()
    page = browser.get(response.headers["Location"])
    return response, page


@pytest.mark.parametrize("state", ["invited", "in_review", "joined"])
def test_another_browser_learns_nothing_about_where_someone_elses_request_stands(
    app, make_account, make_request, outbox, run_worker, monkeypatch, state
):
    if state != "in_review":
        make_account("myshop", "active", [ANA])
    request_id = make_request(state, email=ANA)
    with app_session(app) as session:
        request = session.get(MembershipRequest, request_id)
        request.created_at = datetime(2026, 1, 5, tzinfo=UTC)  # not a double click
        reference = request.reference
    before = len(outbox(to=ANA))
    _response, page = _join_from_a_fresh_browser(app, ANA, run_worker)
    html = page.get_data(as_text=True)
    for detail in ("customer records", "invitation is on its way", "already a member",
                   "Log in to", "finished with this request", reference):
        assert detail not in html
    # The person it belongs to gets where it stands, by email.
    assert [e.kind for e in outbox(to=ANA)[before:]] == ["status_link"]


def test_the_confirmation_is_the_same_page_for_every_outcome(
    app, make_account, make_request, outbox, run_worker
):
    """Issue 15: an unused paying address, an unknown one, an open request, a member."""
    make_account("myshop", "active", ["unused@myshop.example", "open@myshop.example",
                                      "member@myshop.example"])
    make_request(email="open@myshop.example")
    make_request("joined", email="member@myshop.example")
    pages = {}
    for local in ("unused", "unknown", "open", "member"):
        domain = "elsewhere.example" if local == "unknown" else "myshop.example"
        response, page = _join_from_a_fresh_browser(app, f"{local}@{domain}", run_worker)
        assert (response.status_code, response.headers["Location"]) == (303, "/join/sent")
        assert page.status_code == 200
        masked = f"{local[0]}***@{domain}"
        pages[local] = page.get_data(as_text=True).replace(masked, "MASKED")
        for reference in _all_references(app):
            assert reference not in page.get_data(as_text=True)
    assert len(set(pages.values())) == 1, "the pages differ"
    assert "MASKED" in pages["unused"]
    assert 'href="/status"' in pages["unused"] and 'href="/resend"' in pages["unused"]
    assert "If a person needs to look at your request, they will by" in pages["unused"]


def _all_references(app):
    with app_session(app) as session:
        return list(session.scalars(select(MembershipRequest.reference)))


def test_a_double_click_sends_one_email(app, client, make_account, outbox, post_form, run_worker):
    make_account("myshop", "active", [ANA])
    data = {"name": "Ana Lima", "email": ANA, "subdomain": "", "agree": "y"}
    html = client.get("/join").get_data(as_text=True)
    token = csrf_token_from(html)
    cookie = client.get_cookie("session").value
    # Two posts sent before the first answer's cookie came back: two clients, one cookie.
    for _ in range(2):
        browser = app.test_client()
        browser.set_cookie("session", cookie)
        assert browser.post("/join", data={"csrf_token": token, **data}).status_code == 303
    run_worker()
    assert [e.kind for e in outbox(to=ANA)] == ["invitation"]


def test_the_confirmation_page_needs_a_submission(client):
    response = client.get("/join/sent")
    assert response.status_code == 302 and response.headers["Location"] == "/join"


def test_screening_waits_for_the_worker(app, make_account, join, outbox, run_worker):
    make_account("myshop", "active", [ANA])
    join(worker=False)
    # The form only queues the submission: the same work for a known address (issue 22).
    with app_session(app) as session:
        assert session.scalars(select(MembershipRequest)).all() == []
        assert list(session.scalars(select(PendingJob.kind))) == ["join_submission"]
    assert outbox() == []
    run_worker()
    assert only_request(app).state == RequestState.INVITED


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"name": ""}, "Enter your name"),
        ({"email": ""}, "Enter your email address"),
        ({"email": "not-an-address"}, "Enter an email address like name@example.com"),
        ({"agree": ""}, "Tick the box to agree to the community guidelines"),
        ({"subdomain": "myshop.example-app.com.evil.com"}, "That address isn&#39;t on"),
        ({"subdomain": "www.example-app.com"}, "That&#39;s the address of example-app.com"),
        ({"subdomain": "my_shop"}, "only letters, numbers and hyphens"),
    ],
)
def test_mistakes_are_shown_next_to_the_field_and_in_the_summary(
    app, post_form, outbox, fields, message
):
    data = {"name": "Ana Lima", "email": ANA, "subdomain": "", "agree": "y", **fields}
    data = {key: value for key, value in data.items() if not (key == "agree" and not value)}
    response = post_form("/join", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert html.count(message) == 2  # summary and field
    assert 'class="error-summary"' in html
    assert count(app, MembershipRequest) == 0
    assert outbox() == []


def test_the_worker_sends_the_emails(app, join, make_account, outbox, tmp_path):
    make_account("myshop", "active", [ANA])
    join()
    [email] = outbox()
    assert email.status == OutboxStatus.SENT
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1


@pytest.mark.app_config(
    RATELIMIT_ENABLED=True,
    RATELIMIT_EMAIL_FORMS="2 per minute",
    RATELIMIT_KEY_PREFIX=f"lobby-join-test-{secrets.token_hex(4)}",
)
def test_the_form_is_rate_limited_per_client(join):
    statuses = [join(email=f"p{i}@unknown.example").status_code for i in range(3)]
    assert statuses == [303, 303, 429]


def test_a_failed_send_keeps_the_request_and_its_email(app, join, make_account, outbox):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    make_account("myshop", "active", [ANA])
    response = join()
    assert response.status_code == 303
    assert only_request(app).state == RequestState.INVITED
    [email] = outbox()
    assert email.kind == "invitation"
    assert email.status == OutboxStatus.FAILED and email.attempts == 1


def test_a_failed_screening_queues_no_email_and_is_retried(app, join, monkeypatch, outbox, tmp_path):
    def broken_hints(session, request):
        # By now the requester's in-review email is in the outbox, in this transaction.
        raise OperationalError("INSERT INTO ...", {}, Exception("disk full"))

    monkeypatch.setattr(screening, "review_hints", broken_hints)
    response = join(email="zoe@unknown.example", worker=False)
    assert response.status_code == 303
    from services.jobs.worker import run_pass

    report = run_pass(app, schedules=False)
    assert report.errors == []  # the look-up failed alone; the pass went on
    with app_session(app) as session:  # nothing half-written: the submission waits
        assert session.scalars(select(MembershipRequest)).all() == []
        assert list(session.scalars(select(PendingJob.kind))) == ["join_submission"]
    assert outbox() == []
    assert not (tmp_path / "mail").exists()
    monkeypatch.undo()
    from datetime import timedelta

    from clock import utcnow

    run_pass(app, schedules=False, now=utcnow() + timedelta(hours=1))  # retried later
    assert only_request(app).state == RequestState.IN_REVIEW


@pytest.mark.postgres
def test_two_simultaneous_submissions_make_one_request(app, make_account, monkeypatch, outbox):
    make_account("myshop", "active", [ANA])
    barrier = threading.Barrier(2, timeout=15)
    real_lookup = screening.existing_request_for
    checked = threading.local()

    def lookup_then_wait(session, email):
        found = real_lookup(session, email)
        if not getattr(checked, "once", False):
            checked.once = True
            barrier.wait()  # both have seen "no open request" before either inserts
        return found

    monkeypatch.setattr(screening, "existing_request_for", lookup_then_wait)
    results, errors = [], []

    def submit(email):
        try:
            with app_session(app) as session:
                result = create_and_screen_request(session, name="Ana Lima", email=email)
                results.append((result.request.id, result.created))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(e,)) for e in (ANA, ANA.upper())]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(created for _id, created in results) == [False, True]
    assert len({request_id for request_id, _created in results}) == 1
    assert count(app, MembershipRequest) == 1
    assert [e.kind for e in outbox()] == ["invitation"]


def test_outbox_rows_and_requests_are_linked(app, join, make_account):
    make_account("myshop", "active", [ANA])
    join()
    request = only_request(app)
    with app_session(app) as session:
        [email] = session.scalars(select(OutboxEmail)).all()
        assert email.request_id == request.id


def test_a_member_who_asks_again_is_told_to_log_in_not_invited_again(
    make_account, make_request, use_session, outbox
):
    from models import MembershipRequest, RequestState
    from services.membership.invitations import accept_invitation, issue_invitation
    from services.membership.screening import create_and_screen_request

    make_account("myshop", "active", ["ana@myshop.example"])
    request_id = make_request(name="Ana Lima", email="ana@myshop.example")
    with use_session() as session:
        request = session.get(MembershipRequest, request_id)
        accept_invitation(session, issue_invitation(session, request))
    invitations_before = len(outbox(kind="invitation"))
    with use_session() as session:
        result = create_and_screen_request(session, name="Ana Lima", email="ANA@myshop.example")
        assert result.created is False
        assert result.request.id == request_id
        assert result.request.state == RequestState.JOINED
    assert len(outbox(kind="invitation")) == invitations_before
