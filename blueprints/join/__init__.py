from flask import Blueprint

bp = Blueprint("join", __name__)

from blueprints.join import routes  # noqa: E402,F401  (routes attach to bp)
