"""One canonical address everywhere, and names that are names (tables of cases)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Account, AccountUser, MembershipRequest, RequestState
from services.privacy.addresses import (
    LOOK_ALIKE,
    AddressProblem,
    canonical_email,
    punycode_of,
    text_warnings,
    tidy_address,
)
from services.privacy.names import name_problem
from tests.support.builders import build_request
from tests.support.database import app_session
from tests.support.forms import csrf_token_from

BEN = "ben@myshop.example"
# (typed, what it matches): the same address, a different one, or refused.
SAME = [
    "ben@myshop\uff0eexample",  # full-width full stop
    "ben@myshop\u3002example",  # ideographic full stop
    "ben@myshop\uff61example",  # half-width ideographic full stop
    "ben@\uff4dyshop.example",  # full-width m
    "BEN@MyShop.EXAMPLE",
    "  ben@myshop.example ",
    "ben@myshop.example\t",
]
DIFFERENT = ["ben+news@myshop.example", "ben.x@myshop.example"]
REFUSED = [
    "ben@mysh\u043ep.example",  # Cyrillic o in a Latin word
    "ben@\u0430\u0440\u0440\u04cf\u0435.example",  # "apple" wholly in Cyrillic look-alikes
]


@pytest.mark.parametrize("typed", SAME)
def test_variants_of_one_address_have_one_canonical_form(typed):
    assert canonical_email(typed) == BEN


@pytest.mark.parametrize("typed", DIFFERENT)
def test_plus_addressing_and_other_local_parts_stay_distinct(typed):
    assert canonical_email(typed) != BEN


@pytest.mark.parametrize("typed", REFUSED)
def test_look_alike_domains_are_refused_by_name(typed):
    with pytest.raises(AddressProblem, match="mixes letters from different alphabets"):
        tidy_address(typed)


def test_idna_domains_compare_in_their_ascii_form():
    assert canonical_email("Ana@B\u00fccher.example") == "ana@xn--bcher-kva.example"
    assert canonical_email("ana@xn--bcher-kva.example") == "ana@xn--bcher-kva.example"
    # Sent to as typed (tidied), compared canonically.
    assert tidy_address(" Ana@B\u00fccher.example")[0] == "Ana@b\u00fccher.example"
    assert punycode_of("ana@b\u00fccher.example") == "ana@xn--bcher-kva.example"
    assert punycode_of(BEN) is None
    # Japanese mixes scripts within a word, legitimately.
    tidy_address("taro@\u4f8b\u3048.example")


def _paying_ben(app, email=BEN):
    with app_session(app) as session:
        account = Account(subdomain="myshop", name="My Shop", status="active")
        account.users = [AccountUser(email=email, email_normalized=canonical_email(email))]
        session.add(account)


def _post(client, url, **data):
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, **data})
    response.get_data()
    response.close()
    return response


def _join(client, email, name="Ben Ode"):
    return _post(client, "/join", name=name, email=email, subdomain="", agree="y")


def _requests(app):
    with app_session(app) as session:
        return list(session.scalars(select(MembershipRequest)))


@pytest.mark.parametrize("typed", SAME)
def test_screening_matches_the_paying_user_whatever_the_spelling(
    app, client, outbox, typed, run_worker
):
    _paying_ben(app)
    assert _join(client, typed).status_code == 303
    run_worker()  # the worker screens what the form wrote
    [request] = _requests(app)
    assert request.state == RequestState.INVITED and request.email_normalized == BEN
    [invitation] = outbox(kind="invitation")
    assert canonical_email(invitation.to_addr) == BEN and invitation.to_addr.isascii()


@pytest.mark.parametrize("typed", SAME)
def test_a_variant_finds_the_open_request_instead_of_making_another(
    app, client, typed, run_worker
):
    _paying_ben(app)
    assert _join(client, BEN).status_code == 303
    run_worker()
    assert _join(app.test_client(), typed).status_code == 303
    run_worker()
    assert len(_requests(app)) == 1


@pytest.mark.parametrize("typed", DIFFERENT)
def test_screening_keeps_other_addresses_apart(app, client, typed, run_worker):
    _paying_ben(app)
    _join(client, typed)
    run_worker()
    [request] = _requests(app)
    assert request.state == RequestState.IN_REVIEW


@pytest.mark.parametrize("typed", REFUSED)
def test_the_join_form_refuses_look_alikes_and_writes_nothing(app, client, outbox, typed):
    _paying_ben(app)
    response = _join(client, typed)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html and "different alphabets" in html
    assert LOOK_ALIKE.split(" (")[0] in html
    assert _requests(app) == [] and outbox() == []


def _invited_a_while_ago(app):
    _paying_ben(app)
    with app_session(app) as session:
        from services.membership.screening import create_and_screen_request

        request = create_and_screen_request(session, name="Ben Ode", email=BEN).request
        request.invitations[0].created_at -= timedelta(minutes=5)


@pytest.mark.parametrize(
    ("typed", "sent"),
    [(t, 1) for t in SAME] + [(t, 0) for t in DIFFERENT],
)
def test_resend_finds_the_request_whatever_the_spelling(
    app, client, outbox, typed, sent, run_worker
):
    _invited_a_while_ago(app)
    before = len(outbox(kind="invitation"))
    assert _post(client, "/resend", email=typed).status_code == 302
    run_worker()  # the look-up happens in the worker
    assert len(outbox(kind="invitation")) - before == sent


@pytest.mark.parametrize("typed", REFUSED)
def test_resend_refuses_look_alikes(app, client, outbox, typed):
    _invited_a_while_ago(app)
    response = _post(client, "/resend", email=typed)
    assert response.status_code == 400 and "different alphabets" in response.get_data(as_text=True)


@pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_PER_ADDRESS="2 per hour")
def test_the_per_address_limit_counts_every_spelling_as_one_address(
    app, client, outbox, run_worker
):
    with app_session(app) as session:
        from services.membership.screening import create_and_screen_request

        create_and_screen_request(session, name="Ben Ode", email=BEN)  # in review: no paying account
    before = len(outbox(kind="review_status"))
    for typed in SAME[:4]:
        _post(client, "/resend", email=typed)
    run_worker()
    assert len(outbox(kind="review_status")) - before == 2


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Ana\r\nVisit our site", "letters, spaces and punctuation"),
        ("Ana\u202eamiL", "letters, spaces and punctuation"),
        ("Ana\x00", "letters, spaces and punctuation"),
        ("Ana, see https://evil.example/x", "web or email address"),
        ("Win at www.prizes.example", "web or email address"),
        ("Prizes at evil.com", "web or email address"),
        ("mail me ana@evil.example", "web or email address"),
        ("Zo\u00eb O'Brien-N\u00fa\u00f1ez", None),
        ("\u0645\u06cc\u200c\u0646\u0627", None),  # Persian, with a zero-width non-joiner
        ("J. R. R. Tolkien", None),
    ],
)
def test_names_are_names(name, problem):
    found = name_problem(name)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize("name", ["Ana Lima\nhttp://evil.example", "Ana\u202eamiL", "Ana evil.com"])
def test_the_join_form_refuses_names_that_carry_text_into_emails(app, client, outbox, name):
    response = _join(client, "ana@elsewhere.example", name=name)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert _requests(app) == [] and outbox() == []


def test_staff_warnings_name_mixed_alphabets_and_hidden_direction_characters():
    assert text_warnings("ana@mysh\u043ep.example") == ["mixes alphabets"]
    assert text_warnings("Ana\u202eamiL") == ["has hidden text-direction characters"]
    assert text_warnings("Ana Lima") == [] and text_warnings(BEN) == []


def test_the_staff_console_shows_punycode_and_flags_what_staff_should_check(
    app, client, make_staff
):
    from tests.support.staff import sign_in

    rows = [
        ("Ana\u202eamiL", "ana@mysh\u043ep.example"),  # stored before these checks existed
        ("Bo Berg", "bo@b\u00fccher.example"),
    ]
    with app_session(app) as session:
        for n, (name, email) in enumerate(rows):
            build_request(
                session, RequestState.IN_REVIEW, quiet=True, name=name, email=email,
                email_normalized=canonical_email(email), reference=f"LB-STAFF{n}",
            )
    sign_in(client, make_staff)
    queue = client.get("/staff/").get_data(as_text=True)
    assert "(bo@xn--bcher-kva.example)" in queue
    assert "Check: mixes alphabets" in queue
    assert "Check: has hidden text-direction characters" in queue
    page = client.get("/staff/requests/1").get_data(as_text=True)
    assert "<bdi>Ana\u202eamiL</bdi>" in page and "Check: mixes alphabets" in page
    assert "(ana@xn--mysh" in page


def test_emails_escape_the_name_they_show(app, outbox):
    with app_session(app) as session:
        from services.membership.screening import create_and_screen_request

        create_and_screen_request(session, name="Ana <b>Lima</b> & co", email="ana@elsewhere.example")
    [email] = outbox(kind="in_review")
    assert "Ana &lt;b&gt;Lima&lt;/b&gt; &amp; co" in email.body_html
    assert "<b>Lima" not in email.body_html


@pytest.mark.parametrize("address", ["ana@myshop.example", "jane.doe+x@shop.com", "b@c.example"])
def test_pages_and_logs_mask_an_address_the_same_way(address):
    from services.privacy.masking import mask_address, mask_emails

    local, domain = address.split("@")
    assert mask_address(address) == mask_emails(address) == f"{local[0]}***@{domain}"
