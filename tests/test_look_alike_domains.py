"""Look-alikes of our customers' domains written in Latin letters (issue 22, finding 8).

Measured: ɡreenleaf.example, myṡhop.example and myshop.exampıe were accepted
(mixed-script ones were already refused).
"""

import pytest
from sqlalchemy import select

from models import MembershipRequest, PendingJob, RequestState
from services.accounts.look_alike_domains import domain_skeleton, imitated_domain
from services.privacy.addresses import canonical_email
from tests.support.builders import build_request
from tests.support.database import app_session
from tests.support.forms import csrf_token_from

LOOK_ALIKES = [
    ("ana@\u0261reenleaf.example", "greenleaf.example"),  # ɡ: Latin script g
    ("ana@my\u1e61hop.example", "myshop.example"),  # ṡ: s with a dot above
    ("ana@myshop.examp\u0131e", "myshop.example"),  # ı: dotless i for an l
    ("ana@rnyshop.example", "myshop.example"),  # r n for m, all ASCII
    ("ana@MY\u1e60HOP.example", "myshop.example"),
]
FINE = ["ana@greenleaf.example", "Ana@MyShop.Example", "ana@elsewhere.example",
        "ana@myshops.example", "zoë@bücher.example"]


@pytest.fixture
def customers(make_account):
    make_account("greenleaf", emails=("li@greenleaf.example",))
    make_account("myshop", emails=("ana@myshop.example", "bo@myshop.example"))


def test_skeletons_follow_unicode_ts39():
    assert domain_skeleton("\u0261reenleaf.example") == domain_skeleton("greenleaf.example")
    assert domain_skeleton("my\u1e61hop.example") == domain_skeleton("MYSHOP.EXAMPLE")
    assert domain_skeleton("rnyshop.example") == domain_skeleton("myshop.example")
    assert domain_skeleton("myshop.example") != domain_skeleton("myshops.example")


@pytest.mark.parametrize(("address", "customer"), LOOK_ALIKES)
def test_a_look_alike_is_traced_to_the_customer_it_imitates(app, customers, address, customer):
    with app_session(app) as session:
        assert imitated_domain(session, address.rpartition("@")[2]) == customer


@pytest.mark.parametrize("address", FINE)
def test_known_and_unrelated_domains_pass(app, customers, address):
    with app_session(app) as session:
        assert imitated_domain(session, address.rpartition("@")[2]) is None


def _post(client, url, email):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    data = {"csrf_token": token, "name": "Ana Lima", "email": email, "subdomain": "",
            "agree": "y", "facebook_name": "Ana L"}
    return client.post(url, data=data)


@pytest.mark.parametrize("url", ["/join", "/facebook"])
@pytest.mark.parametrize(("address", "_customer"), LOOK_ALIKES[:3])
def test_the_forms_refuse_a_look_alike_with_a_clear_message(
    app, client, customers, url, address, _customer
):
    response = _post(client, url, address)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert "looks like the domain of one of our customers" in page
    with app_session(app) as session:
        assert session.scalars(select(MembershipRequest)).all() == []
        assert session.scalars(select(PendingJob)).all() == []  # nothing queued either


@pytest.mark.parametrize("address", FINE[:3])
def test_the_forms_take_the_real_domains(client, customers, address):
    assert _post(client, "/join", address).status_code == 303


def test_the_staff_console_flags_a_look_alike_that_got_in(app, client, customers, make_staff):
    from tests.support.staff import sign_in

    email = "ana@my\u1e61hop.example"  # stored before this check existed, or imported
    with app_session(app) as session:
        build_request(session, RequestState.IN_REVIEW, quiet=True, name="Ana Lima", email=email,
                      email_normalized=canonical_email(email), reference="LB-LOOKA1")
        request_id = session.scalar(select(MembershipRequest.id))
    sign_in(client, make_staff)
    flag = "Check: looks like the customer domain myshop.example"
    assert flag in client.get("/staff/").get_data(as_text=True)
    assert flag in client.get(f"/staff/requests/{request_id}").get_data(as_text=True)
