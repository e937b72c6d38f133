"""The history of a request: every state change and every email, with its actor."""

import json

from models import Event

SYSTEM = "system"
REQUESTER = "requester"


def record_event(session, request, kind, actor=SYSTEM, **detail):
    """Append an event to a request's history (in the caller's transaction)."""
    event = Event(
        request=request,
        kind=kind,
        actor=actor,
        detail=json.dumps(detail, default=str, sort_keys=True) if detail else None,
    )
    session.add(event)
    return event


def detail_of(event):
    return json.loads(event.detail) if event.detail else {}
