"""Development only: the outbox as a mailbox. Not registered outside development."""

from flask import Blueprint

bp = Blueprint("devmail", __name__)

from blueprints.devmail import routes  # noqa: E402,F401
