"""Names carry no links (issue 22, finding 3): real names pass, hosts in any disguise don't."""

import pytest
from sqlalchemy import select

from models import MembershipRequest, PendingJob
from services.privacy.names import HAS_LINK, looks_like_link, name_problem
from tests.support.database import app_session
from tests.support.forms import csrf_token_from

REAL_NAMES = [
    "J. R. R. Tolkien",
    "Ana María Núñez-Smith",
    "Seán O'Brien",
    "St. John",
    "Dr. Zoë Ng",
    "李小龙",
    "Nguyễn Thị Minh Khai",
    "Mary-Kate O'Neil Jr.",
    "A.J. Smith",
]
# The ones measured getting through the old fixed list of top-level domains, and more.
LINKS = [
    "Your refund is ready at refund-portal.support",
    "evil.shop",
    "evil.gift",
    "\uff25\uff36\uff29\uff2c\uff0e\uff23\uff2f\uff2d",  # full-width ＥＶＩＬ．ＣＯＭ
    "evil\u3002com",  # ideographic full stop
    "evil\uff61com",  # half-width ideographic full stop
    "http\uff1a//evil",  # full-width colon
    "hxxp://evil",
    "ana@evil",
    "Visit news.bbc.co.uk now",
    "Ana evil.com.",
]


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_names_pass(name):
    assert name_problem(name) is None


@pytest.mark.parametrize("name", LINKS)
def test_names_that_carry_a_host_or_a_scheme_are_refused(name):
    assert looks_like_link(name)
    assert name_problem(name) == HAS_LINK


def test_a_made_up_suffix_is_not_a_host():
    # ".example" is reserved, not in the public suffix list: only a real suffix counts.
    assert not looks_like_link("ana.example")


def _join(client, name):
    token = csrf_token_from(client.get("/join").get_data(as_text=True))
    data = {"csrf_token": token, "name": name, "email": "ana@elsewhere.example",
            "subdomain": "", "agree": "y"}
    return client.post("/join", data=data)


@pytest.mark.parametrize("name", LINKS[:7])
def test_the_join_form_refuses_them_with_a_clear_message(app, client, name):
    response = _join(client, name)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "contain a web or email address" in page and 'class="error-summary"' in page
    with app_session(app) as session:
        assert session.scalars(select(MembershipRequest)).all() == []
        assert session.scalars(select(PendingJob)).all() == []  # nothing queued either


@pytest.mark.parametrize("name", REAL_NAMES[:7])
def test_the_join_form_takes_real_names(app, client, run_worker, name):
    assert _join(client, name).status_code == 303
    run_worker()
    with app_session(app) as session:
        assert session.scalar(select(MembershipRequest.name)) == name
