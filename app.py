"""The application factory: read it as the table of contents of Lobby."""

import os

from flask import Flask
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

import db
import setting_checks
import settings
from blueprints import register_blueprints
from commands import listing_commands, refuse_to_run, register_commands
from extensions import init_extensions
from services import community
from services.content import index as content
from services.jobs.schedule import check_expressions
from web import (
    inbound_posts,
    logging_setup,
    metrics,
    request_guard,
    security_headers,
    shared_pages,
    staff_sso,
    static_assets,
)
from web.http_cache import public_cache_control

# Raised by create_app; defined with the settings (tests and callers import it from here).
ConfigurationError = settings.ConfigurationError


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)

    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    from_environ, problems = settings.read_environ()
    app.config.from_mapping(from_environ)
    if test_config:
        app.config.from_mapping(test_config)
    problems += _database_url_problems(app)
    _fill_derived_settings(app)
    problems += setting_checks.value_problems(app.config) + check_expressions(app.config)
    problems += _insecure_secret(app) + _per_process_rate_limits(app)
    if problems and not listing_commands():
        raise ConfigurationError(problems)
    if problems:  # listing the commands: the defaults stand in for the bad settings
        app.config.from_mapping({name: settings.DEFAULTS[name] for name in setting_checks.names_in(problems)})
        _fill_derived_settings(app)

    logging_setup.init_app(app)
    metrics.init_app(app)  # before shared_pages, which counts the pages it serves
    inbound_posts.init_app(app)  # before the request guard reads a form
    request_guard.init_app(app)
    db.init_app(app)
    init_extensions(app)
    shared_pages.init_app(app)  # inside ProxyFix, which security_headers adds
    security_headers.init_app(app)
    content.init_app(app)
    community.init_app(app)  # the one connector: the only code that knows the platform
    static_assets.init_app(app)
    staff_sso.init_app(app)
    register_blueprints(app)
    register_commands(app)
    if problems:  # `flask --help` still lists the commands; each one stops with the problems
        refuse_to_run(app, ConfigurationError(problems))
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
    app.config["PUBLIC_CACHE_CONTROL"] = public_cache_control(
        app.config["SHARED_CACHE_SECONDS"], app.config["SHARED_CACHE_STALE_SECONDS"])
    if app.config["STAFF_REQUIRE_2FA"] is None:
        app.config["STAFF_REQUIRE_2FA"] = not _is_development(app)
    served_over_https = app.config["SITE_URL"].startswith("https://")
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = served_over_https and not _is_development(app)
    if served_over_https:
        app.config["PREFERRED_URL_SCHEME"] = "https"


def _is_development(app):
    return bool(app.debug) and not app.testing


def _database_url_problems(app):
    """A DATABASE_URL SQLAlchemy cannot read (the default SQLite file stands in for listing)."""
    url = app.config["DATABASE_URL"]
    if not url:
        return []
    try:
        make_url(url)
    except ArgumentError:
        app.config["DATABASE_URL"] = None
        return [
            f"DATABASE_URL={setting_checks.masked_url(url)!r} is not a database URL "
            "(for example DATABASE_URL=postgresql+psycopg://user:password@host/lobby)"
        ]
    return []


def _insecure_secret(app):
    if app.debug or app.testing:
        return []
    key = app.config.get("SECRET_KEY") or ""
    if key == settings.DEV_SECRET_KEY or len(key) < 16:
        return [
            "SECRET_KEY must be set to a long random value outside development "
            "(for example SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))'))"
        ]
    return []


def _per_process_rate_limits(app):
    """memory:// counts per process: with several web processes every limit multiplies."""
    if app.debug or app.testing or not app.config["RATELIMIT_ENABLED"]:
        return []
    processes = app.config["WEB_PROCESSES"]
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory://") and processes > 1:
        return [
            f"RATELIMIT_STORAGE_URI=memory:// counts in each of the {processes} web processes "
            "on its own: set RATELIMIT_STORAGE_URI=redis://host:6379/0 or serve one process."
        ]
    return []
