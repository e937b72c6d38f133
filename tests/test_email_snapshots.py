"""The words people read: each email's text compared with tests/snapshots/<name>.txt.

Tokens, references and dates are masked first, so only a change of wording (or
of a link's path) shows up. After an intended change, run
`UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/test_email_snapshots.py`
and review the diff of tests/snapshots/ like any other change.
"""

import re

import pytest

from models import MembershipRequest
from services.membership.invitations import accept_invitation
from tests.support.community_fixtures import set_platform
from tests.support.database import app_session
from tests.support.snapshots import assert_snapshot, masked


@pytest.fixture
def emails(app, make_account, make_request, outbox):
    """One of each email, made by the real flows."""
    make_account("myshop", "active", ["ana@myshop.example"])
    invited = make_request(name="Ana Lima", email="ana@myshop.example", subdomain="myshop")
    make_request(name="Ben Ode", email="ben@elsewhere.example", subdomain="benshop")
    make_request(
        name="Fay Brook",
        email="fay@myshop.example",
        source="facebook",
        facebook_name="Fay B.",
    )
    make_account("fayshop", "active", ["fay2@myshop.example"])
    make_request(name="Fay Two", email="fay2@myshop.example", source="facebook")
    token = re.search(r"/invite/([A-Za-z0-9_-]+)\s", outbox(kind="invitation")[0].body_text)[1]
    with app_session(app) as session:
        assert session.get(MembershipRequest, invited).state == "invited"
        assert accept_invitation(session, token).outcome == "joined"
    return {
        "invitation": outbox(kind="invitation")[0],
        "invitation_facebook": outbox(kind="invitation", to="fay2@myshop.example")[0],
        "in_review": outbox(kind="in_review", to="ben@elsewhere.example")[0],
        "staff_new_review": outbox(kind="staff_new_review")[0],
        "staff_new_review_facebook": outbox(kind="staff_new_review")[1],
        "welcome": outbox(kind="welcome")[0],
    }


@pytest.mark.parametrize(
    "name",
    [
        "invitation",
        "invitation_facebook",
        "in_review",
        "staff_new_review",
        "staff_new_review_facebook",
        "welcome",
    ],
)
def test_email_text_matches_its_snapshot(emails, name):
    assert_snapshot(name, masked(emails[name]))


def test_every_email_has_a_text_and_an_html_part_and_replies_go_to_support(emails):
    for email in emails.values():
        assert email.body_text.strip() and "<p>" in email.body_html
        assert email.reply_to == "support@example-app.com"


@pytest.mark.parametrize("platform", ["circle", "discourse"])
def test_community_email_texts_match_their_snapshots(
    app, make_account, make_request, outbox, fake_circle, fake_discourse, platform
):
    """The welcome with a platform's way in, and the already-a-member email."""
    from tests.support.fake_circle import circle_config
    from tests.support.fake_discourse import discourse_config

    if platform == "circle":
        set_platform(app, circle_config(fake_circle))
        fake_circle.add_existing("ben@myshop.example")
    else:
        set_platform(app, discourse_config(fake_discourse))
        fake_discourse.add_user("ben@myshop.example")
    make_account("myshop", "active", ["ana@myshop.example", "ben@myshop.example"])
    make_request(name="Ana Lima", email="ana@myshop.example")
    make_request(name="Ben Ode", email="ben@myshop.example")
    token = re.search(r"/invite/([A-Za-z0-9_-]+)\s", outbox(kind="invitation")[0].body_text)[1]
    client = app.test_client()
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     client.get(f"/invite/{token}").get_data(as_text=True))[1]
    client.post(f"/invite/{token}", data={"csrf_token": csrf})
    [welcome] = outbox(kind="welcome")
    text = re.sub(r"http://127\.0\.0\.1:\d+/invites/\w+", "<invite link>", masked(welcome))
    assert_snapshot(f"welcome_{platform}", text)
    if platform == "circle":
        assert_snapshot("already_member", masked(outbox(kind="already_member")[0]))
