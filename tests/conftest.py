"""Registers the shared test kit (tests/support/): every fixture and hook lives there."""

pytest_plugins = [
    "tests.support.database",
    "tests.support.fixtures",
    "tests.support.smtp_fakes",
    "tests.support.community_fixtures",
    "tests.support.browser",
    "tests.support.journeys",
    "tests.support.imap_server",
    "tests.support.sso",
]
