from flask import Blueprint

bp = Blueprint("staff", __name__)

from blueprints.staff import auth, community_routes, console_routes, invitations_routes, routes  # noqa: E402,F401  (routes attach to bp)
