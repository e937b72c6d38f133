"""Screening asks the platform first: a member gets no invitation, only how to sign in."""

import pytest
from sqlalchemy import select

from models import Event, MembershipRequest, RequestState
from tests.support.community_fixtures import set_platform
from tests.support.database import app_session
from tests.support.fake_circle import circle_config
from tests.support.fake_discourse import discourse_config

ANA = "ana@myshop.example"
BEN = "ben@myshop.example"


def join(post_form, email, name="Ana Lima"):
    return post_form("/join", {"name": name, "email": email, "subdomain": "", "agree": "y"})


def request_of(app, email):
    with app_session(app) as session:
        return session.scalar(select(MembershipRequest).where(MembershipRequest.email == email))


def events_of(app, request_id):
    with app_session(app) as session:
        return list(session.scalars(select(Event.kind).where(Event.request_id == request_id)))


@pytest.fixture(params=["circle", "discourse"])
def platform(request, app, fake_circle, fake_discourse):
    """The app connected to one fake platform; returns `add(email)` making a member there."""
    if request.param == "circle":
        set_platform(app, circle_config(fake_circle))
        return fake_circle.add_existing
    set_platform(app, discourse_config(fake_discourse))
    return fake_discourse.add_user


def test_a_member_asking_to_join_gets_the_sign_in_email(app, post_form, make_account, outbox,
                                                        platform, run_worker):
    make_account("myshop", "active", [ANA, BEN])
    platform(ANA)
    member_page = join(post_form, ANA)
    other_page = join(post_form, BEN, name="Ben Ode")
    run_worker()  # the worker screens what the form wrote
    # The same answer for both (privacy rules): what differs goes by email.
    assert member_page.status_code == other_page.status_code == 303
    request = request_of(app, ANA)
    assert request.state == RequestState.JOINED
    assert "already_member" in events_of(app, request.id)
    assert outbox(kind="invitation", to=ANA) == []
    [email] = outbox(kind="already_member", to=ANA)
    assert "already a member" in email.body_text
    assert app.config["COMMUNITY_LOGIN_URL"] in email.body_text
    assert app.config["COMMUNITY_RESET_URL"] in email.body_text
    assert len(outbox(kind="invitation", to=BEN)) == 1
    # Asking again changes nothing and sends no invitation.
    join(post_form, ANA)
    run_worker()
    assert outbox(kind="invitation", to=ANA) == []


def test_facebook_request_of_a_member(
    app, post_form, make_account, outbox, fake_circle, run_worker
):
    set_platform(app, circle_config(fake_circle))
    make_account("myshop", "active", [ANA])
    fake_circle.add_existing(ANA)
    data = {"name": "Ana Lima", "email": ANA, "facebook_name": "Ana L", "agree": "y"}
    assert post_form("/facebook", data).status_code == 303
    run_worker()
    assert outbox(kind="invitation") == [] and len(outbox(kind="already_member")) == 1


@pytest.mark.parametrize("trouble", ["500", "401", "stall"])
def test_when_the_platform_cannot_answer_screening_goes_on(
    app, post_form, make_account, outbox, fake_circle, trouble, run_worker
):
    set_platform(app, circle_config(fake_circle))
    make_account("myshop", "active", [ANA])
    fake_circle.add_existing(ANA)
    if trouble == "stall":
        fake_circle.stall = 5
    else:
        fake_circle.answer_next(int(trouble), {"message": "nope"})
    assert join(post_form, ANA).status_code == 303
    run_worker()
    assert len(outbox(kind="invitation", to=ANA)) == 1
    assert outbox(kind="already_member") == []
