from flask import Blueprint

bp = Blueprint("faq", __name__)

from blueprints.faq import routes  # noqa: E402,F401  (routes attach to bp)
