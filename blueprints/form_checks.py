"""Field checks shared by the public forms: addresses and names (rules in services.addresses)."""

from wtforms.validators import ValidationError

from services.addresses import AddressProblem, name_problem, tidy_address


def strip_spaces(value):
    """Drop spaces anywhere in an address (a pasted one often has them at either end)."""
    return "".join(value.split()) if isinstance(value, str) else value


def strip_ends(value):
    return value.strip() if isinstance(value, str) else value


class ValidAddress:
    """A usable address, tidied for sending; look-alike domains are refused by name."""

    def __call__(self, form, field):
        if not field.data:
            return
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
