from flask import Blueprint

bp = Blueprint("staff", __name__)

from blueprints.staff import (  # noqa: E402,F401  (routes attach to bp)
    auth,
    community_routes,
    console_routes,
    invitations_routes,
    mail_routes,
    routes,
)
