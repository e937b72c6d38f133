"""Field checks shared by the public forms: addresses and names (rules in services.privacy.addresses)."""

from wtforms.validators import ValidationError

import db
from services.accounts.look_alike_domains import LOOK_ALIKE_DOMAIN, imitated_domain
from services.privacy.addresses import AddressProblem, tidy_address
from services.privacy.names import name_problem


def strip_spaces(value):
    """Drop spaces anywhere in an address (a pasted one often has them at either end)."""
    return "".join(value.split()) if isinstance(value, str) else value


def strip_ends(value):
    return value.strip() if isinstance(value, str) else value


ASCII_LOCAL_PART_MESSAGE = (
    "The part before the @ can only use plain letters (a to z), digits and . _ % + -. "
    "Check for a look-alike letter, such as a Cyrillic “а”."
)


class ValidAddress:
    """A usable address, tidied for sending; look-alike domains are refused by name.

    The part before the @ must be ASCII. We decided against SMTPUTF8: many mail
    servers do not offer it, and such an email would die in the outbox after the
    person was told it was on its way. Telling them on the form is kinder (the
    outbox still marks any such address that reaches it, from an import say, dead
    at once without blocking the others).
    """

    def __call__(self, form, field):
        if not field.data:
            return
        local = field.data.rpartition("@")[0]
        if local and not local.isascii():
            raise ValidationError(ASCII_LOCAL_PART_MESSAGE)
        try:
            field.data, _canonical = tidy_address(field.data)
        except AddressProblem as problem:
            raise ValidationError(str(problem)) from problem


class ValidName:
    """A name holds no control or direction characters and no links."""

    def __call__(self, form, field):
        problem = name_problem(field.data)
        if problem:
            raise ValidationError(problem)


class NotACustomerLookAlike:
    """The address's domain is not made to pass for a customer's (ɡreenleaf.example).

    After ValidAddress, which tidies the address; an empty or refused one is left alone.
    """

    def __call__(self, form, field):
        if field.errors or not field.data or "@" not in field.data:
            return
        domain = field.data.rpartition("@")[2]
        if imitated_domain(db.get_session(), domain):
            raise ValidationError(LOOK_ALIKE_DOMAIN)
