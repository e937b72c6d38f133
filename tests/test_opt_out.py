"""/invite/opt-out/<token>: "don't invite me again", from the invitation email."""

import pytest
from sqlalchemy import delete, func, select

from models import Event, InvitationOptOut, MembershipRequest, RequestState
from services import tokens
from services.membership.bulk_invitations import send_new
from services.membership.invitations import find_invitation
from services.membership.screening import create_and_screen_request
from tests.support.builders import invitation_token, opt_out_path
from tests.support.forms import csrf_token_from


@pytest.fixture
def invitation_email(app, make_account, outbox):
    """Ana, a user of a paying account, invited by the bulk run: her email."""
    make_account("myshop", "active", ["ana@myshop.example"])
    send_new(app)
    [email] = outbox(kind="invitation")
    return email


def _state(use_session):
    with use_session() as session:
        request = session.scalar(select(MembershipRequest))
        return {
            "state": request.state,
            "opt_outs": session.scalar(select(func.count()).select_from(InvitationOptOut)),
            "events": session.scalar(select(func.count()).select_from(Event)),
            "withdrawn_events": session.scalar(
                select(func.count()).select_from(Event).where(Event.kind == "withdrawn")
            ),
        }


def test_get_shows_the_question_and_changes_nothing(client, invitation_email, use_session):
    before = _state(use_session)
    for _scanner_visit in range(2):
        response = client.get(opt_out_path(invitation_email))
        assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "You won’t be invited again — confirm?" in html or "You won't be invited again" in html
    assert "ana@myshop.example" in html
    assert 'name="csrf_token"' in html
    assert _state(use_session) == before
    with use_session() as session:
        assert find_invitation(session, invitation_token(invitation_email)).outcome == "ok"


def test_post_records_the_opt_out_once_and_withdraws_the_request(
    client, invitation_email, use_session
):
    path = opt_out_path(invitation_email)
    form = {"csrf_token": csrf_token_from(client.get(path).get_data(as_text=True))}
    response = client.post(path, data=form)
    assert response.status_code == 303
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Done: you won't be invited again" in done
    assert 'href="/join"' in done
    after = _state(use_session)
    assert after["state"] == RequestState.WITHDRAWN
    assert after["opt_outs"] == 1 and after["withdrawn_events"] == 1

    again = client.post(path, data=form)  # a second click, or a scanner submitting the form
    assert again.status_code == 303
    assert _state(use_session) == after
    with use_session() as session:
        assert find_invitation(session, invitation_token(invitation_email)).outcome == "revoked"
        withdrawn = session.scalar(select(Event).where(Event.kind == "withdrawn"))
        assert withdrawn.actor == "requester"


def test_a_post_without_the_csrf_token_changes_nothing(client, invitation_email, use_session):
    before = _state(use_session)
    response = client.post(opt_out_path(invitation_email), data={})
    assert response.status_code == 400
    assert _state(use_session) == before


@pytest.mark.parametrize(
    "make_token, status, text",
    [
        (lambda request_id: "not-a-real-token", 404, "This link doesn't work"),
        (
            lambda request_id: tokens.sign("invite-opt-out", {"r": request_id}, max_age=-1),
            410,
            "This link has expired",
        ),
        (
            lambda request_id: tokens.sign("invite-opt-out", {"r": 999}, max_age=60),
            404,
            "This link doesn't work",
        ),
    ],
)
def test_a_bad_or_old_link_gets_a_friendly_page(
    app, client, invitation_email, use_session, make_token, status, text
):
    with use_session() as session:
        request_id = session.scalar(select(MembershipRequest.id))
    with app.test_request_context():
        token = make_token(request_id)
    response = client.get(f"/invite/opt-out/{token}")
    assert response.status_code == status
    assert text in response.get_data(as_text=True)
    good_page = client.get(opt_out_path(invitation_email)).get_data(as_text=True)
    response = client.post(
        f"/invite/opt-out/{token}", data={"csrf_token": csrf_token_from(good_page)}
    )
    assert response.status_code == status
    assert _state(use_session)["opt_outs"] == 0


def test_after_opting_out_asking_to_join_gives_a_fresh_request(
    post_form, invitation_email, use_session
):
    post_form(opt_out_path(invitation_email), {})
    with use_session() as session:
        result = create_and_screen_request(session, name="Ana Lima", email="ana@myshop.example")
        assert result.created
        assert result.request.state == RequestState.INVITED
    with use_session() as session:
        # The opt-out stays: it only stops invitations nobody asked for.
        assert session.scalar(select(func.count()).select_from(InvitationOptOut)) == 1


def test_the_new_request_can_be_opted_out_too(client, post_form, invitation_email, use_session, outbox):
    post_form(opt_out_path(invitation_email), {})
    with use_session() as session:
        create_and_screen_request(session, name="Ana Lima", email="ana@myshop.example")
    newest = outbox(kind="invitation")[-1]
    page = client.get(opt_out_path(newest)).get_data(as_text=True)
    assert "confirm?" in page  # a live invitation to stop, not the done page
    post_form(opt_out_path(newest), {})
    with use_session() as session:
        states = set(session.scalars(select(MembershipRequest.state)))
    assert states == {RequestState.WITHDRAWN}


def test_an_opted_out_address_is_not_invited_again_even_if_its_requests_are_gone(
    app, post_form, invitation_email, use_session, outbox
):
    post_form(opt_out_path(invitation_email), {})
    with use_session() as session:
        session.execute(delete(MembershipRequest))  # e.g. purged under a retention rule
    summary = send_new(app)
    assert (summary.invited, summary.skipped_opted_out) == (0, 1)
    assert len(outbox(kind="invitation")) == 1


def test_the_opt_out_token_never_reaches_the_log(client, invitation_email, caplog):
    path = opt_out_path(invitation_email)
    client.get(path)
    token = path.rsplit("/", 1)[1]
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "/invite/opt-out/[secret]" in logged
    assert token not in logged
