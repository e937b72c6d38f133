"""The review queue: oldest due first, overdue badges, filters, counts and pages."""

import re
from datetime import date, timedelta

import pytest

from clock import utcnow
from models import MembershipRequest, RequestSource, RequestState
from services.membership.review_queue import (
    PAGE_SIZE,
    QueueFilters,
    due_in_words,
    queue_counts,
    queue_page,
)
from tests.support.builders import build_request
from tests.support.staff import sign_in

NAME_RE = re.compile(r'<a href="/staff/requests/\d+">([^<]+)</a>')


def names_on(html):
    return NAME_RE.findall(html)


@pytest.fixture
def queue(use_session):
    """Five requests in review, entered at different times, one of each kind."""
    with use_session() as session:
        build_request(session, quiet=True, name="Recent Rae", entered_review_days_ago=0)
        build_request(session, quiet=True, name="Oldest Olu", entered_review_days_ago=12)
        build_request(
            session, quiet=True, name="Middle Mia", entered_review_days_ago=7,
            source=RequestSource.FACEBOOK,
        )
        build_request(
            session, RequestState.INVITED, quiet=True, name="Invited Ivy",
            entered_review_days_ago=20,
        )
        decided = build_request(session, RequestState.DECLINED, quiet=True, name="Decided Dan")
        decided.decided_at = utcnow()


def test_queue_lists_in_review_oldest_due_first_with_overdue_badges(client, make_staff, queue):
    sign_in(client, make_staff)
    html = client.get("/staff/").get_data(as_text=True)
    assert names_on(html) == ["Oldest Olu", "Middle Mia", "Recent Rae"]
    assert html.count('class="badge badge-overdue"') == 2
    assert "days overdue (was due" in html
    assert "Invited Ivy" not in html and "Decided Dan" not in html


def test_counts_at_the_top(client, make_staff, queue, use_session):
    with use_session() as session:
        counts = queue_counts(session)
    assert (counts.in_review, counts.overdue, counts.decided_today) == (3, 2, 1)
    sign_in(client, make_staff)
    html = client.get("/staff/").get_data(as_text=True)
    assert "<strong>3</strong> in review" in html
    assert "<strong>2</strong> overdue" in html
    assert "<strong>1</strong> decided today" in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("overdue=1", ["Oldest Olu", "Middle Mia"]),
        ("source=facebook", ["Middle Mia"]),
        ("q=rae", ["Recent Rae"]),  # by name, any case
        ("q=OLDEST%40gmail", ["Oldest Olu"]),  # by part of the email
        ("q=100%25", []),  # LIKE wildcards are taken literally
        ("overdue=1&source=web", ["Oldest Olu"]),
        ("source=bogus", ["Oldest Olu", "Middle Mia", "Recent Rae"]),
    ],
)
def test_filters(client, make_staff, queue, query, expected):
    sign_in(client, make_staff)
    html = client.get(f"/staff/?{query}").get_data(as_text=True)
    assert names_on(html) == expected


def test_search_by_reference_as_people_type_it(client, make_staff, use_session):
    with use_session() as session:
        request = build_request(session, quiet=True, name="Ref Rita")
        build_request(session, quiet=True, name="Other Otto")
        typed = request.reference.lower().replace("lb-", "lb ")
    sign_in(client, make_staff)
    html = client.get("/staff/", query_string={"q": typed}).get_data(as_text=True)
    assert names_on(html) == ["Ref Rita"]


def test_hints_show_in_the_queue(client, make_staff, make_account, use_session):
    make_account("bluebird", status="active", emails=["dev@bluebird.example"], name="Bluebird")
    with use_session() as session:
        build_request(
            session, quiet=True, name="Bo Lee", email="bo@bluebird.example", subdomain="bluebird"
        )
    sign_in(client, make_staff)
    html = client.get("/staff/").get_data(as_text=True)
    assert "The subdomain “bluebird” belongs to Bluebird (active)." in html
    assert "1 user of Bluebird (bluebird) has an address at @bluebird.example." in html


def test_pages_of_fifty(client, make_staff, use_session):
    with use_session() as session:
        for n in range(PAGE_SIZE + 5):
            build_request(session, quiet=True, name=f"Person{n:03d} X", email=f"p{n}@gmail.example")
    sign_in(client, make_staff)
    first = client.get("/staff/").get_data(as_text=True)
    assert len(names_on(first)) == PAGE_SIZE
    assert "Page 1 of 2" in first and "Next page" in first
    second = client.get("/staff/?page=2").get_data(as_text=True)
    assert len(names_on(second)) == 5 and "Previous page" in second
    # A page past the end shows the last page, not an error.
    assert len(names_on(client.get("/staff/?page=99").get_data(as_text=True))) == 5
    assert client.get("/staff/?page=abc").status_code == 200


def test_ties_on_due_date_go_by_arrival(app, use_session):
    with use_session() as session:
        first = build_request(session, quiet=True, name="First F")
        second = build_request(session, quiet=True, name="Second S")
        second.created_at = first.created_at + timedelta(seconds=1)
        second.due_on = first.due_on
        session.flush()
        page = queue_page(session, QueueFilters(), with_hints=False)
        assert [row.request.name for row in page.rows] == ["First F", "Second S"]


def test_due_in_words(app):
    today = date(2026, 12, 1)
    with app.app_context():
        assert due_in_words(today, today) == "due today"
        assert due_in_words(today + timedelta(days=1), today) == "due tomorrow"
        assert due_in_words(today + timedelta(days=3), today).startswith("due Friday 4 December")
        assert due_in_words(today - timedelta(days=1), today).startswith("1 day overdue")
        assert due_in_words(today - timedelta(days=3), today).startswith("3 days overdue")
        assert due_in_words(None, today) == "no due date"


def test_the_empty_queue_says_so(client, make_staff):
    sign_in(client, make_staff)
    assert "Nothing waiting" in client.get("/staff/").get_data(as_text=True)


def test_overdue_is_computed_from_due_on(app, use_session):
    with use_session() as session:
        request = build_request(session, quiet=True, name="Late L", entered_review_days_ago=10)
        assert isinstance(request, MembershipRequest)
        page = queue_page(session, QueueFilters(overdue=True), with_hints=False)
        assert [row.overdue for row in page.rows] == [True]


def test_hints_for_a_page_match_hints_one_by_one(app, make_account, use_session):
    from services.accounts.records import review_hints, review_hints_for

    make_account("bluebird", emails=["dev@bluebird.example", "ops@bluebird.example"])
    make_account("bluebird-eu", emails=["eu@bluebird.example"])
    make_account("oldco", status="cancelled", emails=["x@oldco.example"])
    with use_session() as session:
        requests = [
            build_request(
                session, quiet=True, name="Bo Lee", email="bo@bluebird.example",
                subdomain="BlueBird",
            ),
            build_request(
                session, quiet=True, name="Old Ola", email="ola@oldco.example", subdomain="oldco"
            ),
            build_request(session, quiet=True, name="Gmail Gus", email="gus@gmail.example"),
        ]
        batched = review_hints_for(session, requests)
        for request in requests:
            assert batched[request.id] == review_hints(session, request)
        texts = [hint["text"] for hint in batched[requests[0].id]]
        assert texts == [
            "The subdomain “bluebird” belongs to Bluebird (active).",
            "2 users of Bluebird (bluebird) have addresses at @bluebird.example.",
            "1 user of Bluebird-Eu (bluebird-eu) has an address at @bluebird.example.",
        ]
        assert [h["paying"] for h in batched[requests[1].id]] == [False]
        assert batched[requests[2].id] == []
