from flask import Blueprint

bp = Blueprint("staff", __name__)

from blueprints.staff import (  # noqa: E402,F401  (routes attach to bp)
    account_routes,
    audit_routes,
    auth,
    community_routes,
    console_routes,
    health_routes,
    invitations_routes,
    mail_routes,
    people_routes,
    routes,
    sso_routes,
    two_factor_routes,
)
