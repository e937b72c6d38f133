from flask import Blueprint

bp = Blueprint("metrics", __name__)

from blueprints.metrics import routes  # noqa: E402,F401  (routes attach to bp)
