"""/invite/<token>: GET only looks, POST accepts once; expired, revoked, used, unknown."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from clock import utcnow
from models import Event, Invitation, MembershipRequest, RequestState
from services.membership import invitations
from services.membership.invitations import accept_invitation, issue_invitation
from services.tokens import hash_secret
from tests.support.database import app_session
from tests.support.forms import csrf_token_from

ANA = "ana@myshop.example"
COMMUNITY = "https://community.example-app.com"



def form_token(client, token):
    """The CSRF token of the confirm page (valid for this client's session)."""
    return csrf_token_from(client.get(f"/invite/{token}").get_data(as_text=True))


def press_join(client, token, csrf=None):
    csrf = csrf or form_token(client, token)
    return client.post(f"/invite/{token}", data={"csrf_token": csrf})


def state_of(get_row, request_id):
    return get_row(MembershipRequest, request_id).state


def kinds(app, request_id, kind):
    with app_session(app) as session:
        return list(
            session.scalars(
                select(Event.kind).where(Event.request_id == request_id, Event.kind == kind)
            )
        )


def set_invitation(app, request_id, **values):
    with app_session(app) as session:
        for invitation in session.scalars(
            select(Invitation).where(Invitation.request_id == request_id)
        ):
            for key, value in values.items():
                setattr(invitation, key, value)


def test_the_token_is_long_and_only_its_hash_is_stored(app, invited):
    request_id, token = invited
    assert len(token) >= 43  # 32 random bytes, base64url
    with app_session(app) as session:
        [invitation] = session.scalars(select(Invitation)).all()
        assert invitation.token_hash == hash_secret(token)
        assert token not in invitation.token_hash


def test_get_shows_the_name_never_the_email_and_never_accepts(app, client, invited, get_row, outbox):
    request_id, token = invited
    for _ in range(3):  # a mail scanner, a preview, the person
        response = client.get(f"/invite/{token}")
        assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Ana Lima" in html
    assert ANA not in html and "ana@" not in html
    assert ">Join the community</button>" in html
    assert state_of(get_row, request_id) == RequestState.INVITED
    assert outbox(kind="welcome") == []
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.app_config(COMMUNITY_URL="https://community.example-app.com/welcome?x=1")
def test_the_page_may_send_its_form_on_to_the_community(client, invited):
    # Browsers apply form-action to the redirect that answers the POST.
    _request_id, token = invited
    csp = client.get(f"/invite/{token}").headers["Content-Security-Policy"]
    assert "form-action 'self' https://community.example-app.com;" in csp
    assert "script-src 'self';" in csp


def test_pressing_the_button_joins_and_sends_the_person_on(app, client, invited, get_row, outbox):
    request_id, token = invited
    response = press_join(client, token)
    assert response.status_code == 303
    assert response.headers["Location"] == COMMUNITY
    assert state_of(get_row, request_id) == RequestState.JOINED
    assert kinds(app, request_id, "joined") == ["joined"]
    [welcome] = outbox(kind="welcome")
    assert welcome.to_addr == ANA


def test_a_post_without_the_form_token_accepts_nothing(app, client, invited, get_row):
    request_id, token = invited
    response = client.post(f"/invite/{token}", data={})
    assert response.status_code == 400
    assert state_of(get_row, request_id) == RequestState.INVITED


def test_reuse_before_expiry_still_forwards_the_owner(app, client, invited, get_row, outbox):
    request_id, token = invited
    csrf = form_token(client, token)
    assert press_join(client, token, csrf).status_code == 303  # a scanner pressed it first
    again = press_join(client, token, csrf)  # the person
    assert (again.status_code, again.headers["Location"]) == (303, COMMUNITY)
    page = client.get(f"/invite/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "This invitation was accepted on" in html
    assert f'href="{COMMUNITY}"' in html
    # Joined once, welcomed once.
    assert kinds(app, request_id, "joined") == ["joined"]
    assert len(outbox(kind="welcome")) == 1


def test_after_expiry_a_used_invitation_says_log_in(app, client, invited):
    request_id, token = invited
    press_join(client, token)
    set_invitation(app, request_id, expires_at=utcnow() - timedelta(minutes=1))
    response = client.get(f"/invite/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You're already a member" in html
    assert 'href="https://community.example-app.com/sign_in"' in html


def test_an_expired_invitation_explains_and_offers_the_next_steps(app, client, invited, get_row):
    request_id, token = invited
    csrf = form_token(client, token)  # the page was opened while the invitation was live
    set_invitation(app, request_id, expires_at=utcnow() - timedelta(seconds=1))
    response = client.get(f"/invite/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 410
    assert "This invitation has expired" in html
    assert 'href="/resend"' in html and 'href="/status"' in html
    # Pressing the button of the stale page lets nobody in either.
    assert press_join(client, token, csrf).status_code == 410
    assert state_of(get_row, request_id) == RequestState.INVITED


def test_an_expired_invitation_cannot_be_accepted(app, invited):
    request_id, token = invited
    set_invitation(app, request_id, expires_at=utcnow() - timedelta(seconds=1))
    with app_session(app) as session:
        assert accept_invitation(session, token).outcome == "expired"
        assert session.get(MembershipRequest, request_id).state == RequestState.INVITED


def test_a_resent_link_leaves_the_old_one_working_until_one_is_used(
    app, client, invited, get_row
):
    request_id, old_token = invited
    with app_session(app) as session:
        new_token = issue_invitation(session, session.get(MembershipRequest, request_id))
    assert client.get(f"/invite/{old_token}").status_code == 200
    assert press_join(client, new_token).status_code == 303
    assert state_of(get_row, request_id) == RequestState.JOINED
    response = client.get(f"/invite/{old_token}")
    assert response.status_code == 410
    assert "This invitation no longer works" in response.get_data(as_text=True)
    with app_session(app) as session:
        assert accept_invitation(session, old_token).outcome == "revoked"


def test_staff_revoke_stops_every_link_at_once(app, client, invited):
    from services.membership import reviews

    request_id, old_token = invited
    with app_session(app) as session:
        request = session.get(MembershipRequest, request_id)
        new_token = issue_invitation(session, request)
        assert reviews.revoke(session, request, "staff@example-app.com").done
    for token in (old_token, new_token):
        assert client.get(f"/invite/{token}").status_code == 410


def test_an_unknown_token_gets_a_helpful_404(client):
    response = client.get("/invite/nope-not-a-real-token")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "We don't recognise this invitation" in html
    assert 'href="/resend"' in html and 'href="/status"' in html


def test_the_token_never_reaches_the_log(app, client, invited, caplog):
    _request_id, token = invited
    logger = logging.getLogger("lobby.request")
    logger.addHandler(caplog.handler)
    try:
        press_join(client, token)
        client.get(f"/invite/{token}")
    finally:
        logger.removeHandler(caplog.handler)
    assert "/invite/[secret]" in caplog.text
    assert token not in caplog.text


def test_two_acceptances_racing_join_once(app, invited, monkeypatch):
    """The owner and a scanner both looked the token up as live; only one may join."""
    request_id, token = invited
    with app_session(app) as session:
        assert accept_invitation(session, token).outcome == "joined"
    real_find = invitations.find_invitation
    calls = []

    def first_stale(session, token, now=None):
        # The first look-up answers what it saw a moment before the other one won.
        calls.append(1)
        lookup = real_find(session, token, now)
        return invitations.InvitationLookup("ok", lookup.invitation) if len(calls) == 1 else lookup

    monkeypatch.setattr(invitations, "find_invitation", first_stale)
    with app_session(app) as session:
        assert accept_invitation(session, token).outcome == "accepted"
    assert kinds(app, request_id, "joined") == ["joined"]
