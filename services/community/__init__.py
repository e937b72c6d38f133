"""Connectors to the community platform (none, Circle, Discourse) behind one small interface."""

from services.community.base import (  # noqa: F401  (the package's public surface)
    CommunityError,
    Misconfigured,
    NoPlatform,
    Provisioned,
    Refused,
    Retryable,
    Unexpected,
)

PLATFORMS = ("none", "circle", "discourse")


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
        return Misconfigured(platform, f"configuration: {error}")
    return NoPlatform(config)
