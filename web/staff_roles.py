"""The role each staff console route needs: `@requires_role(StaffRole.REVIEWER)` on the view.

The decorator only labels the view; the staff blueprint's guard (blueprints/staff/auth.py)
reads the label before every request and answers 403, naming the role, when the
signed-in user lacks it. A console route without a label needs admin, so a
forgotten decorator locks a page up rather than opening it, and
tests/test_staff_roles.py fails until the route is in its table.
"""

from flask import abort, current_app

from models import StaffRole
from services.staff.roles import has_role

_LABEL = "lobby_staff_role"


def requires_role(role):
    """Label a view with the least role that may open it (works above or below @bp.route)."""
    role = StaffRole(role)

    def label(view):
        setattr(view, _LABEL, role)
        return view

    return label


def declared_role(view):
    """The role a view was labelled with, or None."""
    return getattr(view, _LABEL, None)


def role_for_endpoint(endpoint):
    view = current_app.view_functions.get(endpoint)
    return declared_role(view) or StaffRole.ADMIN


def enforce_role(user, endpoint):
    """403, naming the role needed, unless `user` may open `endpoint`."""
    needed = role_for_endpoint(endpoint)
    if not has_role(user, needed):
        abort(
            403,
            description=(
                f"This page needs the {needed} role. You are signed in as "
                f"{user.email}, a {user.role}. Ask an admin if you need it."
            ),
        )
