"""Record a staff action in the audit trail with who did it and from which client."""

from flask import g, request

import db
from services.staff import audit


def record_action(action, target_type=None, target=None, detail=None, actor=None):
    """Append an entry for the signed-in staff user (or `actor`) in this request's transaction."""
    user = g.get("staff_user")
    return audit.record(
        db.get_session(),
        actor or (user.email if user is not None else None),
        action,
        target_type=target_type,
        target=target,
        client=request.remote_addr,
        detail=detail,
    )
