from flask_wtf import FlaskForm
from wtforms import StringField


class QuestionForm(FlaskForm):
    """The question box of /contact: a GET form that shows matching answers."""

    class Meta:
        csrf = False

    q = StringField("Your question")
