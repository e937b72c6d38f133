"""Staff decisions: approve, decline, re-send, revoke; each once, however often it is posted."""

from sqlalchemy import select

from models import DeclineReason, Event, Invitation, MembershipRequest, RequestState
from services.membership import reviews
from tests.support.builders import add_decline_reason
from tests.support.staff import STAFF_EMAIL, sign_in, staff_post

UNKNOWN = "hana@gmail.example"


def events_of(use_session, request_id, kind=None):
    with use_session() as session:
        query = select(Event).where(Event.request_id == request_id).order_by(Event.id)
        if kind:
            query = query.where(Event.kind == kind)
        return list(session.scalars(query))


def test_approve_sends_one_invitation_when_posted_twice(
    client, make_staff, make_request, outbox, use_session, get_row
):
    sign_in(client, make_staff)
    request_id = make_request(name="Hana Ito", email=UNKNOWN)
    assert get_row(MembershipRequest, request_id).state == RequestState.IN_REVIEW
    url = f"/staff/requests/{request_id}/approve"
    first = staff_post(client, url)
    assert first.status_code == 302 and first.location == f"/staff/requests/{request_id}"
    page = client.get(first.location).get_data(as_text=True)
    assert "the invitation is on its way" in page
    second = staff_post(client, url)
    assert second.status_code == 302
    assert "already invited; nothing sent" in client.get(second.location).get_data(as_text=True)

    [invitation] = outbox(kind="invitation")
    assert invitation.to_addr == UNKNOWN
    request = get_row(MembershipRequest, request_id)
    assert request.state == RequestState.INVITED
    assert request.decided_by == STAFF_EMAIL and request.decided_at is not None
    [approved] = events_of(use_session, request_id, "approved")
    [invited] = events_of(use_session, request_id, "invited")
    assert approved.actor == invited.actor == STAFF_EMAIL
    with use_session() as session:
        assert len(session.scalars(select(Invitation)).all()) == 1


def test_decline_emails_the_reason_and_note_once(
    client, make_staff, make_request, outbox, use_session, get_row
):
    sign_in(client, make_staff)
    reason_id = add_decline_reason(
        use_session, body="We couldn't find a paying account with your address."
    )
    request_id = make_request(name="Hana Ito", email=UNKNOWN)
    url = f"/staff/requests/{request_id}/decline"
    data = {"reason": str(reason_id), "note": "We checked the subdomain “hana-shop”."}
    assert staff_post(client, url, data).status_code == 302
    again = staff_post(client, url, data)
    assert "already declined" in client.get(again.location).get_data(as_text=True)

    [email] = outbox(kind="declined")
    request = get_row(MembershipRequest, request_id)
    assert email.to_addr == UNKNOWN
    assert request.state == RequestState.DECLINED
    assert request.decided_by == STAFF_EMAIL
    assert request.decline_reason == "We couldn't find a paying account with your address."
    assert request.decline_note == "We checked the subdomain “hana-shop”."
    text = email.body_text
    assert "We couldn't find a paying account with your address." in text
    assert "We checked the subdomain “hana-shop”." in text
    assert "Just reply to this email" in text and "support@example-app.com" in text
    assert request.reference in text and "http://localhost/status/" in text
    assert request.reference in email.subject
    [declined] = events_of(use_session, request_id, "declined")
    assert declined.actor == STAFF_EMAIL
    assert "No paying account found" in declined.detail
    assert outbox(kind="invitation") == []


def test_declined_email_text(app, use_session, make_request, outbox):
    """A snapshot of what the person reads (tests/snapshots/declined.txt)."""
    from tests.support.snapshots import assert_snapshot, masked

    request_id = make_request(name="Hana Ito", email=UNKNOWN)
    with use_session() as session:
        reason = session.get(
            DeclineReason,
            add_decline_reason(use_session, body="Your account is still on a trial."),
        )
        request = session.get(MembershipRequest, request_id)
        reviews.decline(session, request, STAFF_EMAIL, reason, "Ask again when it has a plan.")
    [email] = outbox(kind="declined")
    assert_snapshot("declined", masked(email))


def test_decline_without_a_reason_shows_the_error(client, make_staff, make_request, use_session):
    sign_in(client, make_staff)
    add_decline_reason(use_session)
    request_id = make_request(email=UNKNOWN)
    url = f"/staff/requests/{request_id}/decline"
    response = staff_post(
        client, url, {"reason": "", "note": ""}, page=f"/staff/requests/{request_id}"
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "Choose the reason to give." in html


def test_an_inactive_reason_is_not_offered(client, make_staff, make_request, use_session):
    sign_in(client, make_staff)
    add_decline_reason(use_session, title="Old reason", active=False)
    add_decline_reason(use_session, title="Current reason")
    request_id = make_request(email=UNKNOWN)
    html = client.get(f"/staff/requests/{request_id}").get_data(as_text=True)
    assert "Current reason" in html and "Old reason" not in html


def test_approve_after_decline_changes_nothing(app, use_session, make_request, outbox):
    request_id = make_request(email=UNKNOWN)
    reason_id = add_decline_reason(use_session)
    with use_session() as session:
        request = session.get(MembershipRequest, request_id)
        reason = session.get(DeclineReason, reason_id)
        assert reviews.decline(session, request, STAFF_EMAIL, reason).done
        result = reviews.approve(session, request, STAFF_EMAIL)
    assert not result.done and "declined" in result.message
    assert outbox(kind="invitation") == []


def test_resend_issues_a_new_link_and_keeps_the_old_one_working_once(
    client, make_staff, make_account, make_request, outbox, use_session, get_row
):
    make_account("myshop", emails=["ana@myshop.example"])
    request_id = make_request(email="ana@myshop.example")  # invited automatically
    sign_in(client, make_staff)
    with use_session() as session:
        [invitation] = session.scalars(select(Invitation)).all()
        # Made a while ago, so this re-send is not mistaken for a double click.
        invitation.created_at = invitation.created_at.replace(year=invitation.created_at.year - 1)
    url = f"/staff/requests/{request_id}/resend"
    staff_post(client, url)
    second = staff_post(client, url)
    assert "a moment ago" in client.get(second.location).get_data(as_text=True)
    assert len(outbox(kind="invitation")) == 2
    with use_session() as session:
        old, new = session.scalars(select(Invitation).order_by(Invitation.id)).all()
        assert old.revoked_at is None and new.revoked_at is None  # both links work
    invited = events_of(use_session, request_id, "invited")
    assert [e.actor for e in invited] == ["system", STAFF_EMAIL]


def test_revoke_stops_the_live_invitation_once(
    client, make_staff, make_account, make_request, use_session
):
    make_account("myshop", emails=["ana@myshop.example"])
    request_id = make_request(email="ana@myshop.example")
    sign_in(client, make_staff)
    url = f"/staff/requests/{request_id}/revoke"
    staff_post(client, url)
    again = staff_post(client, url)
    assert "no live invitation" in client.get(again.location).get_data(as_text=True)
    [revoked] = events_of(use_session, request_id, "invitation_revoked")
    assert revoked.actor == STAFF_EMAIL
    with use_session() as session:
        assert session.scalar(select(Invitation.revoked_at)) is not None


def test_request_page_shows_details_timeline_hints_and_accounts(
    client, make_staff, make_account, make_request, use_session
):
    make_account("bluebird", status="active", emails=["dev@bluebird.example"])
    make_account("oldco", status="cancelled", emails=["hana@gmail.example"])
    add_decline_reason(use_session)
    request_id = make_request(name="Hana Ito", email=UNKNOWN, subdomain="bluebird")
    sign_in(client, make_staff)
    html = client.get(f"/staff/requests/{request_id}").get_data(as_text=True)
    assert "Hana Ito" in html and UNKNOWN in html
    assert "belongs to Bluebird" in html  # the typed-subdomain hint
    assert "Oldco (oldco, cancelled)" in html  # accounts listing this address
    assert "submitted" in html and "in review" in html and "by requester" in html
    assert "Approve and send the invitation" in html
    assert "Decline and email the reason" in html


def test_unknown_request_is_404(client, make_staff):
    sign_in(client, make_staff)
    assert client.get("/staff/requests/999").status_code == 404


def test_decline_reasons_can_be_added_and_edited(client, make_staff, use_session):
    sign_in(client, make_staff)
    page = "/staff/decline-reasons/new"
    data = {
        "title": "Trial account",
        "body": "Your account is on a trial.",
        "position": "2",
        "active": "y",
    }
    response = staff_post(client, page, data, page=page)
    assert response.status_code == 302
    listing = client.get("/staff/decline-reasons").get_data(as_text=True)
    assert "Trial account" in listing and "Your account is on a trial." in listing
    duplicate = staff_post(client, page, data, page=page)
    assert duplicate.status_code == 400
    assert "Another reason has this title" in duplicate.get_data(as_text=True)
    with use_session() as session:
        reason = session.scalar(select(DeclineReason))
        reason_id = reason.id
    edit = f"/staff/decline-reasons/{reason_id}"
    assert client.get(edit).status_code == 200
    staff_post(client, edit, {**data, "body": "Still on a trial: ask again later."}, page=edit)
    with use_session() as session:
        reason = session.get(DeclineReason, reason_id)
        assert reason.body == "Still on a trial: ask again later."
    empty = staff_post(client, page, {"title": "", "body": ""}, page=page)
    assert empty.status_code == 400
    assert "Give the reason a title." in empty.get_data(as_text=True)


def test_two_staff_approving_at_once_send_one_invitation(app, make_request, outbox):
    """Both loaded the request while it was in review; only the first decision counts."""
    import db as lobby_db

    request_id = make_request(email=UNKNOWN)
    with app.app_context():
        first, second = lobby_db.new_session(app), lobby_db.new_session(app)
        try:
            theirs = second.get(MembershipRequest, request_id)
            # Their page was loaded: on SQLite a session that may write holds the write
            # lock from its first read (BEGIN IMMEDIATE), so theirs ends before mine reads.
            second.commit()
            mine = first.get(MembershipRequest, request_id)
            assert mine.state == theirs.state == RequestState.IN_REVIEW
            assert reviews.approve(first, mine, "a@example-app.com").done
            first.commit()
            late = reviews.approve(second, theirs, "b@example-app.com")
            second.commit()
        finally:
            first.close()
            second.close()
    assert not late.done and "changed meanwhile" in late.message
    assert len(outbox(kind="invitation")) == 1


def test_a_decline_after_an_approval_seen_in_review_changes_nothing(
    app, make_request, outbox, use_session
):
    """The loser of approve-versus-decline gets "changed meanwhile" and sends no email."""
    import db as lobby_db

    reason_id = add_decline_reason(use_session, body="No paying account.")
    request_id = make_request(email=UNKNOWN)
    with app.app_context():
        first, second = lobby_db.new_session(app), lobby_db.new_session(app)
        try:
            theirs = second.get(MembershipRequest, request_id)
            second.commit()  # their page was loaded (see the test above)
            mine = first.get(MembershipRequest, request_id)
            assert reviews.approve(first, mine, "a@example-app.com").done
            first.commit()
            reason = second.get(DeclineReason, reason_id)
            late = reviews.decline(second, theirs, "b@example-app.com", reason)
            second.commit()
        finally:
            first.close()
            second.close()
    assert not late.done and "changed meanwhile" in late.message
    assert len(outbox(kind="invitation")) == 1 and outbox(kind="declined") == []
    assert events_of(use_session, request_id, "declined") == []


def test_a_decision_from_a_page_that_is_out_of_date_changes_nothing(
    client, make_staff, make_request, outbox, use_session, get_row
):
    """Staff saw the request in review; a colleague declined it before they pressed Approve."""
    import re

    sign_in(client, make_staff)
    reason_id = add_decline_reason(use_session, body="No paying account.")
    request_id = make_request(name="Hana Ito", email=UNKNOWN)
    page = client.get(f"/staff/requests/{request_id}").get_data(as_text=True)
    seen = re.search(r'name="seen" value="(\d+)"', page).group(1)
    with use_session() as session:
        request = session.get(MembershipRequest, request_id)
        reason = session.get(DeclineReason, reason_id)
        assert reviews.decline(session, request, "colleague@example-app.com", reason).done
    declined_emails = len(outbox(kind="declined"))
    response = staff_post(client, f"/staff/requests/{request_id}/approve", {"seen": seen})
    html = client.get(response.location).get_data(as_text=True)
    assert "This request changed meanwhile" in html
    assert outbox(kind="invitation") == [] and len(outbox(kind="declined")) == declined_emails
    assert get_row(MembershipRequest, request_id).state == RequestState.DECLINED
