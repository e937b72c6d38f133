from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter your email address.")])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


class ButtonForm(FlaskForm):
    """A bare button that still carries a CSRF token (sign out, approve, retry, ...)."""


def _at_most(chars, what):
    """A length limit whose error names the field: "Keep the note under 2,000 characters."."""
    return Length(max=chars, message=f"Keep the {what} under {chars:,} characters.")


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
        validators=[Optional(), _at_most(2000, "note")],
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
            _at_most(2000, "outcome"),
        ],
    )


class CodeForm(FlaskForm):
    code = StringField(
        "Code from your authenticator app, or a recovery code",
        validators=[DataRequired("Enter the code."), Length(max=20)],
    )


class EnrolForm(FlaskForm):
    code = StringField(
        "Six-digit code from your authenticator app",
        validators=[DataRequired("Enter the code your app shows."), Length(max=10)],
    )


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password (at least 12 characters)",
        validators=[DataRequired("Choose a password."), Length(min=12, max=200, message="Use at least 12 characters.")],
    )


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password.")])


ROLE_CHOICES = [SelectChoice("reviewer", "Reviewer"), SelectChoice("admin", "Admin")]


class InviteForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired("Enter the address to invite.")])
    role = SelectField("Role", choices=ROLE_CHOICES, default="reviewer")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField("Who", validators=[Optional(), Length(max=254)])
    action = SelectField("Action", choices=[SelectChoice("", "Any action")], validate_choice=False)
    target = StringField("Request or account", validators=[Optional(), Length(max=254)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])


class StaffAnswerForm(FlaskForm):
    answer = TextAreaField(
        "Your answer",
        validators=[DataRequired("Write your answer."), _at_most(5000, "answer")],
    )


class AttachMailForm(FlaskForm):
    reference = StringField(
        "Reference of the request",
        validators=[DataRequired("Give the request's reference, like LB-7KQ2M9."), Length(max=32)],
    )
