from flask import Blueprint

bp = Blueprint("inbound", __name__)

from blueprints.inbound import routes  # noqa: E402,F401  (routes attach to bp)
