from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from services.content.faq_votes import MAX_COMMENT


class VoteForm(FlaskForm):
    """'Was this helpful?': the Yes and No buttons both submit `helpful`.

    No CSRF token: the form is on a page shared by every visitor; the view checks
    where the POST comes from instead (blueprints.faq.routes.vote).
    """

    class Meta:
        csrf = False

    helpful = HiddenField(validators=[AnyOf(["yes", "no"], message="Choose Yes or No.")])


class CommentForm(FlaskForm):
    comment = TextAreaField(
        "What were you looking for?",
        validators=[
            DataRequired("Write what you were looking for, or leave the box empty and go on."),
            Length(max=MAX_COMMENT, message=f"Keep it under {MAX_COMMENT} characters, please."),
        ],
    )
