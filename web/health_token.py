"""HEALTH_TOKEN: the bearer token a monitor sends to the endpoints that say more than /healthz."""

import hmac


def bearer_token_matches(authorization, token):
    """True when `authorization` (an Authorization header) is `Bearer <token>`.

    Compared in constant time, so the answer's timing tells nothing of the token.
    An unset token matches nothing.
    """
    if not token or not authorization:
        return False
    scheme, _, offered = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(offered.strip().encode(), token.encode())
