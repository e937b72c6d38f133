"""The application factory: read it as the table of contents of Lobby."""

import os

import db
import settings
from blueprints import register_blueprints
from commands import register_commands
from extensions import init_extensions
from services.content import index as content
from services.jobs.schedule import check_expressions
from web import (
    inbound_posts,
    logging_setup,
    request_guard,
    security_headers,
    shared_pages,
    static_assets,
)
from web.app_class import LobbyFlask


class ConfigurationError(RuntimeError):
    """The app cannot start with the configuration it was given."""


def create_app(test_config=None):
    app = LobbyFlask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)

    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(settings.from_environ())
    if test_config:
        app.config.from_mapping(test_config)
    _fill_derived_settings(app)
    _refuse_insecure_secret(app)
    _refuse_per_process_rate_limits(app)
    _refuse_bad_schedules(app)

    logging_setup.init_app(app)
    inbound_posts.init_app(app)  # before the request guard reads a form
    request_guard.init_app(app)
    db.init_app(app)
    init_extensions(app)
    shared_pages.init_app(app)  # inside ProxyFix, which security_headers adds
    security_headers.init_app(app)
    content.init_app(app)
    static_assets.init_app(app)
    register_blueprints(app)
    register_commands(app)
    return app


def _fill_derived_settings(app):
    if not app.config["DATABASE_URL"]:
        path = os.path.join(app.instance_path, "lobby.sqlite3")
        app.config["DATABASE_URL"] = f"sqlite:///{path}"
    if not app.config["MAIL_BACKEND"]:
        app.config["MAIL_BACKEND"] = "file" if _is_development(app) else "smtp"
    if not app.config["MAIL_FILE_DIR"]:
        app.config["MAIL_FILE_DIR"] = os.path.join(app.instance_path, "mail")
    if not app.config["CONTENT_DIR"]:
        app.config["CONTENT_DIR"] = os.path.join(app.root_path, "content")
    app.config["IS_DEVELOPMENT"] = _is_development(app)
    served_over_https = app.config["SITE_URL"].startswith("https://")
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = served_over_https and not _is_development(app)
    if served_over_https:
        app.config["PREFERRED_URL_SCHEME"] = "https"


def _is_development(app):
    return bool(app.debug) and not app.testing


def _refuse_insecure_secret(app):
    if app.debug or app.testing:
        return
    key = app.config.get("SECRET_KEY") or ""
    if key == settings.DEV_SECRET_KEY or len(key) < 16:
        raise ConfigurationError(
            "SECRET_KEY must be set to a long random value outside development "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )


def _refuse_per_process_rate_limits(app):
    """memory:// counts per process: with several web processes every limit multiplies."""
    if app.debug or app.testing or not app.config["RATELIMIT_ENABLED"]:
        return
    processes = app.config["WEB_PROCESSES"]
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory://") and processes > 1:
        raise ConfigurationError(
            f"RATELIMIT_STORAGE_URI=memory:// counts in each of the {processes} web processes "
            "on its own: set RATELIMIT_STORAGE_URI=redis://host:6379/0 or serve one process."
        )


def _refuse_bad_schedules(app):
    problems = check_expressions(app.config)
    if problems:
        raise ConfigurationError("; ".join(problems))
