"""Record a staff action in the audit trail with who did it and from which client."""

from flask import g, request

import db
from services.staff import audit


def record_action(action, target_type=None, target=None, detail=None, actor=None):
    """Append an entry for the signed-in staff user (or `actor`) in this request's transaction.

    A GET (an export) only reads: its entry is written at once from a session of its own.
    """
    user = g.get("staff_user")
    session = db.get_session()
    if not db.reads_only(session):
        return _record(session, user, action, target_type, target, detail, actor)
    with db.new_session() as aside, aside.begin():
        return _record(aside, user, action, target_type, target, detail, actor)


def _record(session, user, action, target_type, target, detail, actor):
    return audit.record(
        session,
        actor or (user.email if user is not None else None),
        action,
        target_type=target_type,
        target=target,
        client=request.remote_addr,
        detail=detail,
    )
