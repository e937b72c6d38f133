from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length

from blueprints.validators import ascii_local_part


class EmailSubdomainsForm(FlaskForm):
    email = EmailField(
        "Your work email address",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            DataRequired("Enter your work email address"),
            Length(max=254, message="Enter an email address of at most 254 characters"),
            Email("Enter an email address like name@company.com", check_deliverability=False),
            ascii_local_part,
        ],
    )
