from flask_wtf import FlaskForm


class OptOutForm(FlaskForm):
    """A bare confirm button: GET never changes anything (mail scanners open links)."""
