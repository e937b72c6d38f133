from flask import Blueprint

bp = Blueprint("optout", __name__)

from blueprints.optout import routes  # noqa: E402,F401  (routes attach to bp)
