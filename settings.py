"""Default configuration, the environment variables that override it, and what is wrong with them.

A bad setting stops the site, the worker and every `flask` command with one
line per problem: the setting's name, what was wrong and an example, exit
status 2, no traceback (ConfigurationError).
"""

import os

import click

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
    "OUTBOX_MAX_ATTEMPTS": 8,
    # Mail coming back (README "Replies and bounces"); all off while INBOUND_ADDRESS is empty.
    "INBOUND_ADDRESS": "",  # e.g. replies@help.example.com; each request replies to a +tag of it
    "INBOUND_TOKEN": "",  # the webhook's secret (POST /inbound/email); empty: no webhook
    "INBOUND_MAX_BYTES": 10 * 1024 * 1024,
    "INBOUND_IMAP_URL": "",  # imaps://user:password@host:993/INBOX; imap:// on loopback only
    "INBOUND_IMAP_DONE_FOLDER": "Lobby/Processed",
    "INBOUND_IMAP_TIMEOUT": 30,
    "INBOUND_IMAP_BATCH": 50,  # messages read per worker pass
    "INBOUND_IMAP_INTERVAL": 60,  # seconds between a worker's looks at the mailbox
    # Signatures on POST /inbound/events (services/inbound/event_signatures.py); empty: not checked.
    "MAILGUN_WEBHOOK_SIGNING_KEY": "",
    "SENDGRID_WEBHOOK_PUBLIC_KEY": "",
    # The worker (`flask worker`): seconds between passes; a claim older than
    # WORKER_CLAIM_TIMEOUT seconds belongs to a dead worker and is taken over;
    # staff are warned when no worker has been seen for WORKER_LATE_MINUTES.
    "WORKER_INTERVAL": 5,
    "WORKER_CLAIM_TIMEOUT": 300,
    "WORKER_MAX_ATTEMPTS": 5,
    "WORKER_LATE_MINUTES": 5,
    # The bearer token of /healthz/detail and /metrics; unset, they answer 404.
    "HEALTH_TOKEN": "",
    # Schedules: cron expressions ("minute hour day month weekday") in TIMEZONE;
    # an empty value switches a job off.
    "SCHEDULE_EXPIRE_INVITATIONS": "*/15 * * * *",
    "SCHEDULE_INVITATION_REMINDERS": "30 8 * * *",
    "SCHEDULE_REVIEW_REMIND": "15 8 * * 1-5",
    "SCHEDULE_DATA_PURGE": "45 3 * * *",
    "RETENTION_DAYS": 365,
    # A repeated /join for an address whose request is this recent sends nothing more.
    "JOIN_REPEAT_MINUTES": 10,
    # Web worker processes serving the site (gunicorn sets it from its own setting).
    "WEB_PROCESSES": 1,
    # Rate limits.
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_KEY_PREFIX": "lobby",
    "RATELIMIT_EMAIL_FORMS": "20 per hour;5 per minute",
    "RATELIMIT_PER_ADDRESS": "3 per hour;5 per day",
    "RATELIMIT_REPORTS": "10 per hour;3 per minute",  # per client, on POST /report
    "RATELIMIT_VOTES": "60 per hour;10 per minute",  # per client, on "Was this helpful?"
    "RATELIMIT_STAFF_LOGIN": "10 per 15 minutes",
    "RATELIMIT_INBOUND": "600 per minute",  # per client, on POST /inbound/email
    # Staff sign-in: failures one client may make for one address before it must
    # wait (doubling each time, up to the maximum in seconds); the owner is
    # emailed every STAFF_SIGN_IN_ALERT_AFTER failures against their account.
    "STAFF_SIGN_IN_FREE_TRIES": 3,
    "STAFF_SIGN_IN_MAX_DELAY": 900,
    "STAFF_SIGN_IN_ALERT_AFTER": 10,
    "STAFF_SESSION_HOURS": 12,
    # A staff session also ends after this many minutes without a request.
    "STAFF_IDLE_MINUTES": 30,
    # None: on outside development (a TOTP code after the password).
    "STAFF_REQUIRE_2FA": None,
    # Off: only single sign-on (the CLI still works for the last admin).
    "STAFF_PASSWORD_SIGNIN": True,
    # How long a staff invitation link works.
    "STAFF_INVITE_HOURS": 48,
    # Single sign-on with OpenID Connect (README "Staff single sign-on"); off without an issuer.
    "STAFF_OIDC_ISSUER": "",
    "STAFF_OIDC_CLIENT_ID": "",
    "STAFF_OIDC_CLIENT_SECRET": "",
    "STAFF_OIDC_ALLOWED_DOMAINS": "",
    "STAFF_OIDC_AUTO_CREATE": False,
    "STAFF_OIDC_TIMEOUT": 10,
    # The key of the hashes opt-outs keep after the purge; empty: SECRET_KEY. Keep it stable.
    "ADDRESS_HASH_KEY": "",
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
    # The community platform: none, circle or discourse (see README "Connecting your community").
    "COMMUNITY_PLATFORM": "none",
    # Seconds one attempt may take in all (connect, headers, body, every call it
    # makes): while a person waits (accepting, screening), and from the worker.
    "COMMUNITY_TIMEOUT": 5,
    "COMMUNITY_WORKER_TIMEOUT": 20,
    # API calls a minute per process; 0: the platform's documented rate (Circle
    # 400, i.e. 2,000 per 5 minutes; Discourse's admin API 60).
    "COMMUNITY_REQUESTS_PER_MINUTE": 0,
    "COMMUNITY_GIVE_UP_HOURS": 24,
    "CIRCLE_API_URL": "https://app.circle.so/api/admin/v2",
    "CIRCLE_API_TOKEN": "",
    "CIRCLE_AUTH_SCHEME": "Bearer",
    "CIRCLE_SPACE_IDS": "",
    "CIRCLE_SPACE_GROUP_IDS": "",
    # Off: Circle emails the new member its own "set up your account" message.
    "CIRCLE_SKIP_INVITATION": False,
    "DISCOURSE_URL": "",
    "DISCOURSE_API_KEY": "",
    "DISCOURSE_API_USERNAME": "system",
    "DISCOURSE_GROUP_IDS": "",
    "DISCOURSE_INVITE_DAYS": 7,
    "CONTENT_DIR": None,
    # /dev/mail outside development (never in production; the HTML check uses it).
    "DEV_MAIL_ENABLED": False,
    # Pages kept in memory per process: searches with results (most recent first),
    # and how many seconds the home page's "most helpful" list may lag the votes.
    "SEARCH_CACHE_SIZE": 512,
    "HOME_CACHE_SECONDS": 60,
    # Pages marked public, answered again without running the app for this many
    # seconds to visitors without a cookie (web/shared_pages.py; 0 turns it off),
    # and how many such pages each process keeps at most.
    "SHARED_PAGE_SECONDS": 1,
    "SHARED_PAGE_ENTRIES": 512,
    # How long a shared cache in front (nginx's micro-cache in deploy/nginx, a CDN) may
    # keep a public page (Cache-Control s-maxage; 0: none may, and SHARED_PAGE_SECONDS
    # is capped by it too), and for how long after that it may still answer it while
    # fetching the new one (stale-while-revalidate).
    "SHARED_CACHE_SECONDS": 60,
    "SHARED_CACHE_STALE_SECONDS": 30,
}

# Whole numbers that must be at least 1 (the others may be 0).
_POSITIVE = {
    "INVITE_TTL_DAYS", "MAIL_PORT", "MAIL_TIMEOUT", "OUTBOX_MAX_ATTEMPTS", "MAX_CONTENT_LENGTH",
    "STAFF_SESSION_HOURS", "COMMUNITY_TIMEOUT", "COMMUNITY_WORKER_TIMEOUT", "WORKER_INTERVAL",
    "WORKER_CLAIM_TIMEOUT", "WORKER_MAX_ATTEMPTS", "WORKER_LATE_MINUTES", "WEB_PROCESSES",
    "STATUS_LINK_MAX_AGE", "EMAIL_STATUS_LINK_MAX_AGE", "OPT_OUT_LINK_MAX_AGE",
    "ACCOUNTS_UPLOAD_MAX_AGE",
}
# A setting's type is its default's (a whole number, on/off or text); these on/off
# settings default to None, which start-up works out (from SITE_URL, development).
_ON_OFF_WORKED_OUT = {"SESSION_COOKIE_SECURE", "STAFF_REQUIRE_2FA"}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigurationError(click.ClickException, RuntimeError):
    """Lobby cannot start with the configuration it was given: one line per problem.

    A ClickException, so a `flask` command that meets it prints its lines and
    exits with status 2 and no traceback; wsgi.py and gunicorn.conf.py do the same.
    """

    exit_code = 2

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))

    def show(self, file=None):
        for line in self.problems:
            click.echo(f"Error: {line}", file=file, err=file is None)


def read_environ(environ=os.environ):
    """(the settings named in DEFAULTS that the environment sets, typed; the problems).

    Each problem is one line naming the setting, what is wrong and an example.
    """
    found, problems = {}, []
    for name in DEFAULTS:
        if name not in environ:
            continue
        value, problem = _typed(name, environ[name])
        if problem:
            problems.append(problem)
        else:
            found[name] = value
    return found, problems


def from_environ(environ=os.environ):
    """The settings named in DEFAULTS that the environment sets, typed; ConfigurationError
    when any of them is not what its setting takes."""
    found, problems = read_environ(environ)
    if problems:
        raise ConfigurationError(problems)
    return found


def _typed(name, raw):
    """(value, None) or (None, the problem in one line)."""
    kind = _kind(name)
    if kind is int:
        text = raw.strip()
        least = 1 if name in _POSITIVE else 0
        if not text.isascii() or not text.isdigit() or int(text) < least:
            return None, (f"{name} must be a whole number of {least} or more, not {raw!r} "
                          f"(for example {name}={DEFAULTS[name]})")
        return int(text), None
    if kind is bool:
        text = raw.strip().lower()
        if text not in _TRUE | _FALSE:
            return None, f"{name} must be on or off, not {raw!r} (for example {name}=1 or {name}=0)"
        return text in _TRUE, None
    return raw, None


def _kind(name):
    default = DEFAULTS[name]
    if isinstance(default, bool) or name in _ON_OFF_WORKED_OUT:
        return bool
    return int if isinstance(default, int) else str


def as_list(value):
    """Split a comma-separated setting into a clean list."""
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in (value or "").split(",") if part.strip()]
