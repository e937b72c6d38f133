from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Length, ValidationError

MAX_DESCRIPTION = 4000


class ReportForm(FlaskForm):
    post_url = URLField(
        "Link to the post",
        validators=[
            DataRequired("Paste the link to the post, comment or profile"),
            Length(max=2000, message="The link must be at most 2,000 characters"),
        ],
    )
    guideline = SelectField(
        "Which guideline does it break?",
        validators=[DataRequired("Choose a guideline, or “Something else”")],
    )
    description = TextAreaField(
        "What happened?",
        validators=[
            DataRequired("Tell us what happened"),
            Length(max=MAX_DESCRIPTION,
                   message=f"Keep it to {MAX_DESCRIPTION:,} characters or fewer"),
        ],
    )

    def __init__(self, guideline_choices, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.guideline.choices = [("", "Choose a guideline")] + list(guideline_choices)

    def validate_post_url(self, field):
        value = (field.data or "").strip()
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in value:
            raise ValidationError("Enter a link that starts with https://")
        field.data = value


class ReportCodeForm(FlaskForm):
    code = StringField(
        "Your follow-up code",
        validators=[DataRequired("Enter your follow-up code"), Length(max=200)],
    )
