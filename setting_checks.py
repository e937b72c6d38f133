"""Settings whose text must mean something: a time zone, a rate limit, a storage URL.

settings.py types each setting from its default; these checks read what the
value says. Each problem is one line: the setting's name, what was wrong and an
example (shown by settings.ConfigurationError).
"""

import re

from settings import DEFAULTS

# Settings read as rate limits ("20 per hour;5 per minute").
_RATE_LIMITS = ("RATELIMIT_EMAIL_FORMS", "RATELIMIT_PER_ADDRESS", "RATELIMIT_REPORTS",
                "RATELIMIT_VOTES", "RATELIMIT_STAFF_LOGIN", "RATELIMIT_INBOUND")


def value_problems(config):
    """Problems with settings whose text must mean something (a time zone, a rate, ...)."""
    from zoneinfo import ZoneInfo

    from limits import parse_many
    from limits.storage import SCHEMES

    problems = []
    try:
        ZoneInfo(str(config["TIMEZONE"]))
    except (ValueError, LookupError):
        problems.append(f"TIMEZONE={config['TIMEZONE']!r} is not a time zone "
                        "(for example TIMEZONE=Europe/London)")
    if config["LOG_FORMAT"] not in ("text", "json"):
        problems.append(f"LOG_FORMAT={config['LOG_FORMAT']!r} is neither text nor json "
                        "(for example LOG_FORMAT=json)")
    for name in _RATE_LIMITS:
        try:
            parse_many(str(config[name]))
        except ValueError:
            problems.append(f"{name}={config[name]!r} is not a rate limit "
                            f"(for example {name}='{DEFAULTS[name]}')")
    scheme = str(config["RATELIMIT_STORAGE_URI"]).partition("://")[0]
    if scheme not in SCHEMES:
        problems.append(f"RATELIMIT_STORAGE_URI={masked_url(config['RATELIMIT_STORAGE_URI'])!r} "
                        "is not a storage the rate limiter knows "
                        "(for example RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0)")
    if config["SENDGRID_WEBHOOK_PUBLIC_KEY"]:
        from services.inbound.event_signatures import sendgrid_key

        try:
            sendgrid_key(str(config["SENDGRID_WEBHOOK_PUBLIC_KEY"]))
        except ValueError as error:
            problems.append(f"SENDGRID_WEBHOOK_PUBLIC_KEY is {error} (paste the verification key "
                            "SendGrid shows, for example SENDGRID_WEBHOOK_PUBLIC_KEY=MFkwEwYH...)")
    return problems


def names_in(problems):
    """The settings the problem lines are about (each line begins with its setting's name)."""
    names = {re.match(r"[A-Z_]*", line).group() for line in problems}
    return sorted(names & set(DEFAULTS))


def masked_url(url):
    """A URL fit for an error message: any password (between ":" and "@") shown as ***."""
    return re.sub(r"(?<=:)[^:@/]+(?=@)", "***", url)
