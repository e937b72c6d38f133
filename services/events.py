"""The history of a request: every state change and every email, with its actor."""

import functools
import json

from sqlalchemy import insert

from models import Event

SYSTEM = "system"
REQUESTER = "requester"


def record_event(session, request, kind, actor=SYSTEM, **detail):
    """Append an event to a request's history (in the caller's transaction)."""
    event = Event(request=request, kind=kind, actor=actor, detail=_detail_text(detail))
    session.add(event)
    return event


def insert_event(session, request_id, kind, actor=SYSTEM, **detail):
    """record_event as one Core INSERT, for a request whose events are not loaded (one
    just inserted): no ORM unit of work, which /join would otherwise pay on every POST."""
    row = {"request_id": request_id, "kind": kind, "actor": actor, "detail": _detail_text(detail)}
    session.execute(_insert_event_statement(), row)


@functools.cache
def _insert_event_statement():
    return insert(Event.__table__)  # built once: the same statement and cache key every time


def _detail_text(detail):
    return json.dumps(detail, default=str, sort_keys=True) if detail else None


def detail_of(event):
    return json.loads(event.detail) if event.detail else {}
