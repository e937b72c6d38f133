"""Each request's own reply address: INBOUND_ADDRESS with a random `+tag` of the request.

The tag is random (not the request's id), so nobody can write to someone else's
request by guessing; it is made the first time an email about the request goes
out and then stays, so every later reply lands on the same request.
"""

import base64
import re
import secrets

from flask import current_app
from sqlalchemy import select, update

from models import MembershipRequest


def inbound_enabled():
    return bool(current_app.config["INBOUND_ADDRESS"])


def _parts():
    local, _, domain = current_app.config["INBOUND_ADDRESS"].strip().rpartition("@")
    return local, domain


def new_tag():
    """32 lowercase letters and digits (160 random bits): survives servers that lowercase."""
    return base64.b32encode(secrets.token_bytes(20)).decode().lower()


def reply_address_for(session, request):
    """The request's reply address (making its tag once), or None when replies are off."""
    if not inbound_enabled():
        return None
    if request.reply_tag is None:
        # Conditional: of two transactions tagging the same request, the first tag stays.
        session.execute(
            update(MembershipRequest)
            .where(MembershipRequest.id == request.id, MembershipRequest.reply_tag.is_(None))
            .values(reply_tag=new_tag())
            .execution_options(synchronize_session=False)
        )
        request.reply_tag = session.scalar(
            select(MembershipRequest.reply_tag).where(MembershipRequest.id == request.id)
        )
    local, domain = _parts()
    return f"{local}+{request.reply_tag}@{domain}"


def tags_in(addresses):
    """The `+tags` of our inbound address among `addresses`, in order."""
    if not inbound_enabled():
        return []
    local, domain = _parts()
    pattern = re.compile(
        rf"^{re.escape(local)}\+([a-z0-9]{{8,40}})@{re.escape(domain)}$", re.IGNORECASE
    )
    found = []
    for address in addresses:
        match = pattern.match(address.strip())
        if match and match.group(1).lower() not in found:
            found.append(match.group(1).lower())
    return found
