from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from blueprints.form_checks import (
    NotACustomerLookAlike,
    ValidAddress,
    ValidName,
    strip_ends,
    strip_spaces,
)
from services.accounts.subdomain_finder import host_of, typed_subdomain


def _name_field():
    return StringField(
        "Your name",
        filters=[strip_ends],
        validators=[
            InputRequired("Enter your name"),
            Length(max=200, message="Your name must be 200 characters or fewer"),
            ValidName(),
        ],
    )


def _email_field():
    return StringField(
        "Email address",
        filters=[strip_spaces],
        validators=[
            InputRequired("Enter your email address"),
            Length(max=254, message="An email address is at most 254 characters"),
            ValidAddress(),
            NotACustomerLookAlike(),
        ],
    )


def _subdomain_field():
    return StringField(
        "Your account's subdomain",
        validators=[Optional(), Length(max=2000, message="That is too long to be an address")],
    )


def _agree_field():
    return BooleanField(
        "I agree to follow the community guidelines",
        validators=[InputRequired("Tick the box to agree to the community guidelines")],
    )


class _SubdomainCheck:
    """Reads the subdomain out of whatever was pasted; .parsed_subdomain holds it."""

    parsed_subdomain = None

    def validate_subdomain(self, field):
        config = current_app.config
        subdomain, problem = typed_subdomain(
            field.data, config["ACCOUNT_DOMAIN"], host_of(config["COMMUNITY_URL"])
        )
        if problem:
            raise ValidationError(problem)
        self.parsed_subdomain = subdomain


class JoinForm(_SubdomainCheck, FlaskForm):
    name = _name_field()
    email = _email_field()
    subdomain = _subdomain_field()
    agree = _agree_field()


class FacebookForm(_SubdomainCheck, FlaskForm):
    name = _name_field()
    email = _email_field()
    facebook_name = StringField(
        "Your name on Facebook",
        filters=[strip_ends],
        validators=[
            InputRequired("Enter the name you used in the Facebook group"),
            Length(max=200, message="Your Facebook name must be 200 characters or fewer"),
            ValidName(),
        ],
    )
    subdomain = _subdomain_field()
    agree = _agree_field()
