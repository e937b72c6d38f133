from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Length

from blueprints.form_checks import ValidAddress, strip_spaces


class EmailSubdomainsForm(FlaskForm):
    email = EmailField(
        "Your work email address",
        filters=[strip_spaces],
        validators=[
            DataRequired("Enter your work email address"),
            Length(max=254, message="Enter an email address of at most 254 characters"),
            ValidAddress(),
        ],
    )
