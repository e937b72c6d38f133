from flask import Blueprint

bp = Blueprint("report", __name__)

from blueprints.report import routes  # noqa: E402,F401  (routes attach to bp)
