"""One table from a request's state to its words, read by services, pages and templates."""

import pytest

from models import RequestState
from services.membership.state_words import STATE_WORDS, state_title, state_words
from services.membership.status_view import build_status_view
from tests.support.builders import build_request
from tests.support.staff import sign_in


@pytest.mark.parametrize("state", list(RequestState))
def test_every_state_has_words_for_a_sentence_and_a_title(state):
    assert state in STATE_WORDS
    assert state_words(state) == state_words(str(state))  # the stored value works too
    assert "_" not in state_words(state) and state_words(state).islower()
    assert state_title(state)[0].isupper() and "_" not in state_title(state)


def test_the_staff_page_names_the_state_with_the_table(client, make_staff, make_request):
    in_review = make_request("in_review", email="ben@nowhere.example")
    withdrawn = make_request("withdrawn", email="cy@shop.example")
    sign_in(client, make_staff)
    page = client.get(f"/staff/requests/{in_review}").get_data(as_text=True)
    assert f'<span class="badge badge-state">{state_words("in_review")}</span>' in page
    assert "in_review</span>" not in page
    ended = client.get(f"/staff/requests/{withdrawn}").get_data(as_text=True)
    assert f"This request is {state_words('withdrawn')};" in ended


def test_the_status_timeline_titles_its_steps_with_the_table(use_session):
    with use_session() as session:
        request = build_request(session, "expired", email="ana@shop.example")
        view = build_status_view(request)
    labels = {step.key: step.label for step in view.steps}
    assert labels["submitted"] == state_title("submitted") == "Submitted"
    assert labels["expired"] == state_title("expired") == "Invitation expired"
    assert labels["checked"] == "Checked"  # the automatic check: a step, not a state
