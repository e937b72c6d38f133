"""Default configuration and the environment variables that override it."""

import os

DEV_SECRET_KEY = "dev-only-not-secret"

DEFAULTS = {
    "SECRET_KEY": DEV_SECRET_KEY,
    "DATABASE_URL": None,  # filled in with an SQLite file under instance/
    # The brand: fictional by default, every shipped text reads these.
    "BRAND_NAME": "Example App",
    "COMMUNITY_NAME": "Example App Community",
    "ACCOUNT_DOMAIN": "example-app.com",
    "SUPPORT_EMAIL": "support@example-app.com",
    "SUPPORT_CHAT_URL": "",
    "COMMUNITY_URL": "https://community.example-app.com",
    "COMMUNITY_LOGIN_URL": "https://community.example-app.com/sign_in",
    "COMMUNITY_RESET_URL": "https://community.example-app.com/password/new",
    "SITE_URL": "http://127.0.0.1:5000",
    # Rules.
    "PAYING_STATUSES": "active,past_due",
    "INVITE_TTL_DAYS": 14,
    "INVITE_REMINDER_DAYS": 7,
    "REVIEW_BUSINESS_DAYS": 2,
    "HOLIDAYS": "",
    "TIMEZONE": "UTC",
    "STATUS_LINK_MAX_AGE": 24 * 3600,
    "EMAIL_STATUS_LINK_MAX_AGE": 30 * 24 * 3600,
    # Lifetimes (seconds) of the other signed links; services/tokens.py signs them all.
    "OPT_OUT_LINK_MAX_AGE": 90 * 24 * 3600,
    # Long enough to reload the page after a join request or come back after lunch.
    "JOIN_CONFIRMATION_MAX_AGE": 2 * 3600,
    # A staff upload of accounts, between its preview and its import.
    "ACCOUNTS_UPLOAD_MAX_AGE": 3600,
    "STAFF_NOTIFY_EMAILS": "",
    # Mail: "file" writes .eml files under instance/mail, "smtp" uses Flask-Mail.
    "MAIL_BACKEND": None,
    "MAIL_FILE_DIR": None,
    "MAIL_DEFAULT_SENDER": "Example App Community <community@example-app.com>",
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_TIMEOUT": 10,
    # Our MAIL_BACKEND decides; Flask-Mail would otherwise stay silent under TESTING.
    "MAIL_SUPPRESS_SEND": False,
    # "after_response" delivers right after the request; "worker" leaves it
    # to `flask outbox send --loop`.
    "OUTBOX_DELIVERY": "after_response",
    "OUTBOX_MAX_ATTEMPTS": 8,
    # Rate limits.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_KEY_PREFIX": "lobby",
    "RATELIMIT_EMAIL_FORMS": "20 per hour;5 per minute",
    "RATELIMIT_PER_ADDRESS": "3 per hour;5 per day",
    "RATELIMIT_REPORTS": "10 per hour;3 per minute",  # per client, on POST /report

    "RATELIMIT_STAFF_LOGIN": "10 per 15 minutes",
    # Staff sign-in: lock an account after this many failures in a row, for this long.
    "STAFF_LOCKOUT_ATTEMPTS": 5,
    "STAFF_LOCKOUT_MINUTES": 15,
    "STAFF_SESSION_HOURS": 12,
    # Invitations one press of "Send" in the console may send (the CLI has no cap).
    "STAFF_INVITE_RUN_LIMIT": 500,
    # HTTP.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "TRUST_PROXY": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # None: on automatically outside development when SITE_URL is https.
    "SESSION_COOKIE_SECURE": None,
    # Seconds browsers may keep a static file whose URL carries its content hash.
    "STATIC_MAX_AGE": 365 * 24 * 3600,
    "WTF_CSRF_TIME_LIMIT": 6 * 3600,
    "LOG_FORMAT": "text",
    "CONTENT_DIR": None,
}

_INTS = {
    "INVITE_TTL_DAYS", "INVITE_REMINDER_DAYS", "REVIEW_BUSINESS_DAYS", "STATUS_LINK_MAX_AGE",
    "EMAIL_STATUS_LINK_MAX_AGE", "MAIL_PORT", "MAIL_TIMEOUT", "OUTBOX_MAX_ATTEMPTS",
    "MAX_CONTENT_LENGTH", "STATIC_MAX_AGE", "STAFF_LOCKOUT_ATTEMPTS", "STAFF_LOCKOUT_MINUTES",
    "STAFF_SESSION_HOURS", "STAFF_INVITE_RUN_LIMIT", "OPT_OUT_LINK_MAX_AGE",
    "JOIN_CONFIRMATION_MAX_AGE", "ACCOUNTS_UPLOAD_MAX_AGE",
}
_BOOLS = {
    "MAIL_USE_TLS", "MAIL_USE_SSL", "RATELIMIT_ENABLED", "TRUST_PROXY", "SESSION_COOKIE_SECURE",
}


def from_environ(environ=os.environ):
    """Return the settings named in DEFAULTS that the environment sets, typed."""
    found = {}
    for name in DEFAULTS:
        if name not in environ:
            continue
        raw = environ[name]
        if name in _INTS:
            found[name] = int(raw)
        elif name in _BOOLS:
            found[name] = raw.strip().lower() in {"1", "true", "yes", "on"}
        else:
            found[name] = raw
    return found


def as_list(value):
    """Split a comma-separated setting into a clean list."""
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in (value or "").split(",") if part.strip()]
