"""Form validators shared by several areas."""

from wtforms.validators import ValidationError

ASCII_LOCAL_PART_MESSAGE = (
    "The part before the @ can only use plain letters (a to z), digits and . _ % + -. "
    "Check for a look-alike letter, such as a Cyrillic “а”."
)


def ascii_local_part(_form, field):
    """Refuse addresses whose local part is not ASCII.

    We decided against SMTPUTF8: many mail servers do not offer it, and such an
    email would die in the outbox after the person was told it was on its way.
    Telling them on the form is kinder (the outbox still marks any such address
    that reaches it, from an import say, dead at once without blocking others).
    """
    local = (field.data or "").strip().rpartition("@")[0]
    if local and not local.isascii():
        raise ValidationError(ASCII_LOCAL_PART_MESSAGE)
