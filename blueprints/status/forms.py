from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Length, Optional

from blueprints.form_checks import ValidAddress, strip_spaces


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _email_field():
    return EmailField(
        "Email address",
        filters=[strip_spaces],
        validators=[
            DataRequired("Enter the email address you asked to join with"),
            Length(max=254, message="Email addresses are at most 254 characters"),
            ValidAddress(),
        ],
    )


class StatusForm(FlaskForm):
    email = _email_field()
    reference = StringField(
        "Reference",
        filters=[_strip],
        validators=[Optional(), Length(max=20, message="A reference looks like LB-7KQ2M9")],
    )


class ResendForm(FlaskForm):
    email = _email_field()


class ResendFromStatusForm(FlaskForm):
    """Just a button on the status page: the link itself says whose request it is."""
