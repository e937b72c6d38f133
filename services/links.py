"""Absolute links that go into emails (the paths are part of DESIGN.md's contract)."""

from flask import current_app

from services import tokens


def site_url(path):
    return current_app.config["SITE_URL"].rstrip("/") + path


def invitation_url(token):
    return site_url(f"/invite/{token}")


def staff_request_url(request):
    return site_url(f"/staff/requests/{request.id}")


def status_token(request, max_age=None):
    """A signed token for a request's status page.

    It lasts EMAIL_STATUS_LINK_MAX_AGE, or max_age seconds when given: the
    lifetime then travels inside the signed payload, so the short link from the
    status form (24 hours) and the longer one in other emails share one URL.
    """
    return tokens.sign_request("status", request, max_age)


def status_url(request, max_age=None):
    return site_url(f"/status/{status_token(request, max_age)}")


def read_status_token(token):
    """What a status token names (see tokens.signed_request), or InvalidLink / ExpiredLink."""
    return tokens.unsign_request("status", token)


def opt_out_token(request):
    """A signed "don't invite me again" token; it lasts OPT_OUT_LINK_MAX_AGE."""
    return tokens.sign_request("invite-opt-out", request)


def opt_out_url(request):
    return site_url(f"/invite/opt-out/{opt_out_token(request)}")


def read_opt_out_token(token):
    """What an opt-out token names (see tokens.signed_request), or InvalidLink / ExpiredLink."""
    return tokens.unsign_request("invite-opt-out", token)
