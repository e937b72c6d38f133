from flask import Blueprint

bp = Blueprint("staff", __name__)

# One module per part of the console; the routes attach to bp.
from blueprints.staff import (  # noqa: E402,F401
    accounts_routes,
    answer_feedback_routes,
    audit_routes,
    auth,
    decline_reason_routes,
    health_routes,
    inbound_mail_routes,
    invitations_routes,
    my_account_routes,
    outbox_routes,
    platform_problems_routes,
    queue_routes,
    reports_routes,
    sso_routes,
    staff_users_routes,
    two_factor_routes,
)
