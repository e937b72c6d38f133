"""One signer for every signed link: a salt per purpose, each lifetime in a setting."""

import time
from types import SimpleNamespace

import pytest
from itsdangerous import URLSafeTimedSerializer

from services import links, tokens
from services.tokens import ExpiredLink, InvalidLink

KEY = "test-secret-key-that-is-long-enough"  # tests/conftest.py's SECRET_KEY
PURPOSES = sorted(tokens.PURPOSES)


def _travel(monkeypatch, seconds):
    now = time.time() + seconds
    monkeypatch.setattr(tokens, "time", SimpleNamespace(time=lambda: now))


@pytest.mark.parametrize("purpose", PURPOSES)
def test_a_token_opens_only_its_own_purpose(app, purpose):
    with app.app_context():
        token = tokens.sign(purpose, {"r": 7})
        assert tokens.unsign(purpose, token) == {"r": 7}
        for other in set(PURPOSES) - {purpose}:
            with pytest.raises(InvalidLink):
                tokens.unsign(other, token)


@pytest.mark.parametrize(
    "purpose, setting",
    [
        ("status", "EMAIL_STATUS_LINK_MAX_AGE"),
        ("invite-opt-out", "OPT_OUT_LINK_MAX_AGE"),
        ("accounts-import", "ACCOUNTS_UPLOAD_MAX_AGE"),
    ],
)
def test_each_lifetime_comes_from_its_setting(app, monkeypatch, purpose, setting):
    app.config[setting] = 600
    with app.app_context():
        token = tokens.sign(purpose, {"r": 1})
        _travel(monkeypatch, 590)
        assert tokens.unsign(purpose, token) == {"r": 1}
        _travel(monkeypatch, 610)
        with pytest.raises(ExpiredLink):
            tokens.unsign(purpose, token)


def test_a_lifetime_signed_into_the_token_wins_over_the_setting(app, monkeypatch):
    with app.app_context():
        token = tokens.sign("status", {"r": 1}, max_age=60)
        _travel(monkeypatch, 120)
        with pytest.raises(ExpiredLink):
            tokens.unsign("status", token)


def test_an_unknown_purpose_is_a_programming_error(app):
    with app.app_context(), pytest.raises(KeyError):
        tokens.sign("everything", {"r": 1})


def _old_style(salt, payload):
    """A token as services/links.py signed it before there was one signer."""
    return URLSafeTimedSerializer(KEY, salt=salt).dumps(payload)


def test_links_sent_before_still_open(app, monkeypatch):
    """Status and opt-out links carried their lifetime (and, until they expire, the
    request's id)."""
    with app.app_context():
        assert links.read_status_token(_old_style("lobby.status", {"r": 3, "a": 86400}))["r"] == 3
        old_opt_out = _old_style("lobby.invite-opt-out", {"r": 4, "a": 90 * 24 * 3600})
        assert links.read_opt_out_token(old_opt_out)["r"] == 4
        _travel(monkeypatch, 89 * 24 * 3600)
        assert links.read_opt_out_token(old_opt_out)["r"] == 4


def test_a_token_for_a_request_needs_its_reference_or_id(app):
    with app.app_context():
        with pytest.raises(InvalidLink):
            tokens.unsign_request("status", tokens.sign("status", {"x": 1}))
        with pytest.raises(InvalidLink):
            tokens.unsign_request("status", tokens.sign("status", "just text"))
        with pytest.raises(InvalidLink):
            tokens.unsign_request("status", tokens.sign("status", {"f": 8, "r": "8"}))
