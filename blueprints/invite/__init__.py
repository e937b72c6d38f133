from flask import Blueprint

bp = Blueprint("invite", __name__)

from blueprints.invite import routes  # noqa: E402,F401  (routes attach to bp)
