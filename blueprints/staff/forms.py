from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


class ButtonForm(FlaskForm):
    """A bare button that still carries a CSRF token (sign out, approve, retry, ...)."""


def _id_or_none(value):
    """A row id from a select whose placeholder option has the empty value."""
    return int(value) if value not in ("", None) else None


def _version(value):
    return int(value) if isinstance(value, str) and value.isdigit() else None


class DecisionForm(FlaskForm):
    """A decision button that carries the version of the request the page showed."""

    seen = HiddenField(filters=[_version])


class DeclineForm(DecisionForm):
    reason = SelectField(
        "Reason", coerce=_id_or_none, validators=[DataRequired("Choose the reason to give.")]
    )
    note = TextAreaField(
        "A note to add to the email",
        validators=[Optional(), Length(max=2000, message="Keep the note under 2,000 characters.")],
    )


class DeclineReasonForm(FlaskForm):
    title = StringField(
        "Title (staff see this)",
        validators=[DataRequired("Give the reason a title."), Length(max=200)],
    )
    body = TextAreaField(
        "What the email says", validators=[DataRequired("Write what the email should say.")]
    )
    position = IntegerField(
        "Position in the list", default=0, validators=[Optional(), NumberRange(min=0, max=999)]
    )
    active = BooleanField("Offer this reason when declining", default=True)


class AccountsUploadForm(FlaskForm):
    csv_file = FileField("CSV file", validators=[FileRequired("Choose a CSV file to upload.")])


class AccountsConfirmForm(FlaskForm):
    upload = HiddenField(validators=[DataRequired()])
    skip_bad_rows = BooleanField("Import the good rows and skip the bad ones")


class CloseReportForm(FlaskForm):
    note = TextAreaField(
        "Outcome (the reporter sees this)",
        validators=[
            DataRequired("Write what happened, for the person who reported it."),
            Length(max=2000, message="Keep the outcome under 2,000 characters."),
        ],
    )


class StaffAnswerForm(FlaskForm):
    answer = TextAreaField(
        "Your answer",
        validators=[
            DataRequired("Write your answer."),
            Length(max=5000, message="Keep the answer under 5,000 characters."),
        ],
    )


class AttachMailForm(FlaskForm):
    reference = StringField(
        "Reference of the request",
        validators=[DataRequired("Give the request's reference, like LB-7KQ2M9."), Length(max=32)],
    )
