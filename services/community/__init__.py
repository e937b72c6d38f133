"""Connectors to the community platform (none, Circle, Discourse) behind one small interface.

The connector is built once, at start-up (`init_app`), and is the only thing
that knows which platform is connected: everyone else asks `connector()` what
to do and how to word the way in (`WayIn`), never for the platform's name.
"""

from flask import current_app

from services.community.base import Misconfigured, NoPlatform
from services.community.outcomes import (  # noqa: F401  (the package's public surface)
    CommunityError,
    Provisioned,
    Refused,
    Retryable,
    Unexpected,
    WayIn,
)

PLATFORMS = ("none", "circle", "discourse")
EXTENSION = "lobby.community"


def init_app(app):
    """Build the app's one connector from its settings (tests call it again after changing them)."""
    app.extensions[EXTENSION] = connector_for(app.config)


def connector(worker=False):
    """The app's connector for one use: each attempt ends within COMMUNITY_TIMEOUT, while
    a person waits, or COMMUNITY_WORKER_TIMEOUT for the worker and commands (`worker`)."""
    config = current_app.config
    seconds = config["COMMUNITY_WORKER_TIMEOUT" if worker else "COMMUNITY_TIMEOUT"]
    return current_app.extensions[EXTENSION].with_timeout(seconds)


def connector_for(config, timeout=None):
    """The connector COMMUNITY_PLATFORM names; each attempt it makes ends within `timeout` s.

    A setting it cannot read gives a connector that refuses every call with the
    reason, so a typo shows up for staff and in `community check` instead of
    breaking the accept page or the background sender.
    """
    platform = (config.get("COMMUNITY_PLATFORM") or "none").strip().lower()
    timeout = timeout or config.get("COMMUNITY_WORKER_TIMEOUT", 20)
    try:
        if platform == "circle":
            from services.community.circle import CircleConnector

            return CircleConnector(config, timeout)
        if platform == "discourse":
            from services.community.discourse import DiscourseConnector

            return DiscourseConnector(config, timeout)
        if platform != "none":
            raise ValueError(f"COMMUNITY_PLATFORM must be one of {', '.join(PLATFORMS)}")
    except ValueError as error:
        return Misconfigured(platform, f"configuration: {error}", config.get("COMMUNITY_URL", ""))
    return NoPlatform(config)
