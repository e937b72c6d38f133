"""Mail coming back, for tests: sample messages (tests/fixtures/inbound/) and the settings."""

import itertools
from pathlib import Path
from string import Template

from sqlalchemy import select

from models import InboundMessage, OutboxEmail
from services.mail.outbox import message_id
from tests.support.database import app_session

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "inbound"
INBOUND_ADDRESS = "replies@help.example-app.com"
INBOUND_TOKEN = "inbound-test-token-7Qm2x9Lk4Rt8"
STAFF_NOTIFY = "reviewers@example-app.com"
PERSON = "ben@elsewhere.example"  # who writes the sample messages
# How the mail service signs what it posts to /inbound/...; RAW_MAIL for a whole message.
BEARER = {"Authorization": f"Bearer {INBOUND_TOKEN}"}
RAW_MAIL = {**BEARER, "Content-Type": "message/rfc822"}
# For @pytest.mark.app_config(**INBOUND_CONFIG).
INBOUND_CONFIG = {
    "INBOUND_ADDRESS": INBOUND_ADDRESS,
    "INBOUND_TOKEN": INBOUND_TOKEN,
    "STAFF_NOTIFY_EMAILS": STAFF_NOTIFY,
}
_unique = itertools.count(1)


def sample(name, *, to=INBOUND_ADDRESS, person=PERSON, in_reply_to="",
           original=""):
    """The bytes of a sample message, addressed as the test needs (CRLF line ends)."""
    text = Template((FIXTURES / f"{name}.eml").read_text()).substitute(
        to=to, person=person, in_reply_to=in_reply_to or "<unknown@nowhere.example>",
        original=original or "<unknown@nowhere.example>", unique=next(_unique),
    )
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode()


def first_email_to(app, address, kind=None):
    """(reply address, Message-ID) of the first email that went to `address`."""
    with app_session(app) as session:
        query = select(OutboxEmail).where(OutboxEmail.to_addr == address).order_by(OutboxEmail.id)
        if kind:
            query = query.where(OutboxEmail.kind == kind)
        email = session.scalars(query).first()
        return email.reply_to, message_id(email)


def inbound_rows(app):
    with app_session(app) as session:
        return list(session.scalars(select(InboundMessage).order_by(InboundMessage.id)))
