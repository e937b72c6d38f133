"""Did the sending service really post these events? Its own signature, checked.

INBOUND_TOKEN already keeps strangers out of /inbound/events; a signing key on
top means a leaked URL alone cannot file bounces or opt people out. Each key is
optional and applies to its own service's bodies:

- Mailgun puts `signature: {timestamp, token, signature}` in every webhook body:
  the hex HMAC-SHA256 of timestamp + token under the account's "HTTP webhook
  signing key" (MAILGUN_WEBHOOK_SIGNING_KEY).
- SendGrid's Signed Event Webhook sends `X-Twilio-Email-Event-Webhook-Signature`
  (base64 ECDSA P-256 / SHA-256) over `X-Twilio-Email-Event-Webhook-Timestamp`
  followed by the raw body, checked with the verification key SendGrid shows
  (SENDGRID_WEBHOOK_PUBLIC_KEY, base64 DER).

No age limit: both services retry a failed call for hours with the same
signature, and a replayed event changes nothing (events are filed once per id).
"""

import base64
import binascii
import hashlib
import hmac

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key

SENDGRID_SIGNATURE = "X-Twilio-Email-Event-Webhook-Signature"
SENDGRID_TIMESTAMP = "X-Twilio-Email-Event-Webhook-Timestamp"


def signature_problem(payload, raw_body, headers, config):
    """Why a parsed events body can't be trusted, in a few words; None when it can."""
    if isinstance(payload, dict) and config["MAILGUN_WEBHOOK_SIGNING_KEY"]:
        if not mailgun_signed(payload, config["MAILGUN_WEBHOOK_SIGNING_KEY"]):
            return "Mailgun's signature is missing or wrong."
    if isinstance(payload, list) and config["SENDGRID_WEBHOOK_PUBLIC_KEY"]:
        if not sendgrid_signed(raw_body, headers, config["SENDGRID_WEBHOOK_PUBLIC_KEY"]):
            return "SendGrid's signature is missing or wrong."
    return None


def mailgun_signed(payload, signing_key):
    signed = payload.get("signature")
    if not isinstance(signed, dict):
        return False
    timestamp, token, given = (str(signed.get(name, "")) for name in ("timestamp", "token", "signature"))
    if not (timestamp and token and given):
        return False
    expected = hmac.new(signing_key.encode(), (timestamp + token).encode(), hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), given.lower())


def sendgrid_signed(raw_body, headers, public_key):
    given, timestamp = headers.get(SENDGRID_SIGNATURE), headers.get(SENDGRID_TIMESTAMP)
    if not given or not timestamp:
        return False
    try:
        signature = base64.b64decode(given, validate=True)
        sendgrid_key(public_key).verify(
            signature, timestamp.encode() + raw_body, ec.ECDSA(hashes.SHA256())
        )
    except (binascii.Error, InvalidSignature):
        return False
    return True


def sendgrid_key(public_key):
    """The elliptic-curve key SENDGRID_WEBHOOK_PUBLIC_KEY holds (ValueError when it holds none)."""
    try:
        key = load_der_public_key(base64.b64decode("".join(public_key.split()), validate=True))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not a base64 public key") from error
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("not an elliptic-curve key")
    return key
