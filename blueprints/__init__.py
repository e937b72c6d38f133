"""One blueprint per area; this module lists them in the order they register."""

from flask import current_app
from jinja2 import pass_context
from wtforms import Form

from blueprints import (
    api,
    contact,
    devmail,
    errors,
    faq,
    inbound,
    invite,
    join,
    loginhelp,
    main,
    metrics,
    optout,
    report,
    staff,
    status,
    subdomain,
)
from services.membership.state_words import state_words

# (area, url_prefix), in registration order; one line per area keeps merges simple.
BLUEPRINTS = [
    (errors, None),
    (main, None),
    (subdomain, None),
    (loginhelp, None),
    (report, None),
    (optout, None),
    (staff, "/staff"),
    (status, None),
    (faq, None),
    (api, None),
    (contact, None),
    (join, None),
    (invite, None),
    (metrics, None),
    (inbound, None),
]


def register_blueprints(app):
    for area, url_prefix in BLUEPRINTS:
        app.register_blueprint(area.bp, url_prefix=url_prefix)
    if app.config["IS_DEVELOPMENT"] or app.config.get("DEV_MAIL_ENABLED"):
        app.register_blueprint(devmail.bp, url_prefix="/dev")
    app.context_processor(_brand)
    app.add_template_global(_form_has_errors, "form_has_errors")
    app.add_template_filter(state_words, "state_words")


def _brand():
    config = current_app.config
    return {
        "brand": {
            "name": config["BRAND_NAME"],
            "community": config["COMMUNITY_NAME"],
            "support_email": config["SUPPORT_EMAIL"],
            "community_url": config["COMMUNITY_URL"],
            "login_url": config["COMMUNITY_LOGIN_URL"],
            "reset_url": config["COMMUNITY_RESET_URL"],
            "account_domain": config["ACCOUNT_DOMAIN"],
        }
    }


@pass_context
def _form_has_errors(context):
    """True when a form on the page failed validation: base.html then starts the
    <title> with "Error:", so screen-reader users hear it before anything else."""
    return any(isinstance(value, Form) and value.errors for value in context.get_all().values())
