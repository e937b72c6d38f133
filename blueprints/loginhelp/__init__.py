from flask import Blueprint

bp = Blueprint("loginhelp", __name__)

from blueprints.loginhelp import routes  # noqa: E402,F401  (routes attach to bp)
