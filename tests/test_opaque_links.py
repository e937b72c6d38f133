"""Nothing in a link says how many requests there are.

Found: a status link began `eyJyIjo4fQ`, which is `{"r":8}`: the eighth request.
Links now name a request by its public reference (random, not sequential);
links sent before, with the id, keep working until they expire.
"""

import base64
import json
import re

import pytest
from itsdangerous import URLSafeTimedSerializer

from models import MembershipRequest
from services import links
from tests.support.builders import opt_out_path
from tests.support.database import app_session

KEY = "test-secret-key-that-is-long-enough"  # tests/conftest.py's SECRET_KEY


def _payload(token):
    """What anyone holding the link can read in it, without the key."""
    encoded = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def _requests(app, count, make_request):
    ids = [make_request(name=f"Person {n}", email=f"p{n}@nowhere.example") for n in range(count)]
    with app_session(app) as session:
        return [session.get(MembershipRequest, request_id) for request_id in ids]


@pytest.mark.parametrize("make_link", [links.status_token, links.opt_out_token])
def test_a_link_holds_the_reference_and_no_id(app, make_request, make_link):
    requests = _requests(app, 3, make_request)
    with app.app_context():
        for request in requests:
            payload = _payload(make_link(request))
            assert payload["f"] == request.reference
            assert set(payload) <= {"f", "a"}, payload  # "a": the link's lifetime


def test_every_link_in_every_email_is_opaque(app, make_request, outbox, run_worker):
    make_request(state="invited", email="ana@myshop.example")
    make_request(name="Zed", email="zed@nowhere.example")
    run_worker()
    tokens = []
    for email in outbox():
        tokens += re.findall(r"/status/([A-Za-z0-9_.-]+)", email.body_text)
        if "/invite/opt-out/" in email.body_text:
            tokens.append(opt_out_path(email).rsplit("/", 1)[1])
    assert len(tokens) >= 3
    for token in tokens:
        assert "r" not in _payload(token), _payload(token)


def test_the_status_page_opens_from_the_reference(app, client, make_request):
    [request] = _requests(app, 1, make_request)
    with app.app_context():
        token = links.status_token(request)
    response = client.get(f"/status/{token}")
    assert response.status_code == 200 and request.reference in response.get_data(as_text=True)


def test_a_link_with_the_id_sent_before_still_opens_until_it_expires(app, client, make_request):
    [request] = _requests(app, 1, make_request)
    old = URLSafeTimedSerializer(KEY, salt="lobby.status").dumps({"r": request.id, "a": 86400})
    assert client.get(f"/status/{old}").status_code == 200
    expired = URLSafeTimedSerializer(KEY, salt="lobby.status").dumps({"r": request.id, "a": -1})
    assert client.get(f"/status/{expired}").status_code == 410


def test_a_reference_no_request_has_is_an_invalid_link(app, client):
    with app.app_context():
        token = URLSafeTimedSerializer(KEY, salt="lobby.status").dumps({"f": "LB-ZZZZZZ"})
    assert client.get(f"/status/{token}").status_code == 400
