from flask import Blueprint

bp = Blueprint("subdomain", __name__)

from blueprints.subdomain import routes  # noqa: E402,F401  (routes attach to bp)
