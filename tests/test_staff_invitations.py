"""The console's "New users" page: how many wait for an invitation, and a confirmed run."""

import pytest

from tests.support.staff import sign_in, staff_post


@pytest.fixture
def accounts(make_account):
    make_account("myshop", "active", ["ana@myshop.example", "ben@myshop.example"])
    make_account("bluebird", "trial", ["dev@bluebird.example"])


def test_the_page_counts_and_previews_who_would_be_invited(client, make_staff, accounts, outbox):
    sign_in(client, make_staff)
    html = client.get("/staff/invitations").get_data(as_text=True)
    assert "<strong>2</strong> waiting for an invitation" in html
    assert "ana@myshop.example" in html and "ben@myshop.example" in html
    assert "dev@bluebird.example" not in html  # a trial account's user is not invited
    assert outbox() == []  # looking sends nothing


def test_the_confirmed_run_invites_each_address_once(client, make_staff, accounts, outbox):
    sign_in(client, make_staff)
    response = staff_post(client, "/staff/invitations/send", page="/staff/invitations")
    assert response.status_code == 303
    response.close()
    assert sorted(e.to_addr for e in outbox(kind="invitation")) == [
        "ana@myshop.example",
        "ben@myshop.example",
    ]
    # Pressing again sends nothing more.
    staff_post(client, "/staff/invitations/send", page="/staff/invitations").close()
    assert len(outbox(kind="invitation")) == 2
    html = client.get("/staff/invitations").get_data(as_text=True)
    assert "<strong>0</strong> waiting" in html


@pytest.mark.app_config(STAFF_INVITE_RUN_LIMIT=1)
def test_one_press_sends_at_most_the_run_limit(client, make_staff, accounts, outbox):
    sign_in(client, make_staff)
    staff_post(client, "/staff/invitations/send", page="/staff/invitations").close()
    assert len(outbox(kind="invitation")) == 1


def test_the_run_needs_a_csrf_token(client, make_staff, accounts, outbox):
    sign_in(client, make_staff)
    assert client.post("/staff/invitations/send").status_code == 400
    assert outbox() == []
