from flask import Blueprint

bp = Blueprint("status", __name__)

from blueprints.status import routes  # noqa: E402,F401  (routes attach to bp)
