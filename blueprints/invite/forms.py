from flask_wtf import FlaskForm


class AcceptForm(FlaskForm):
    """The "Join the community" button: no fields, but CSRF like every POST."""
