"""The states and kinds the models store, as StrEnums."""

from enum import StrEnum


class AccountStatus(StrEnum):
    ACTIVE = "active"
    TRIAL = "trial"
    PAST_DUE = "past_due"
    CANCELLED = "cancelled"



class RequestState(StrEnum):
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    INVITED = "invited"
    JOINED = "joined"
    DECLINED = "declined"
    EXPIRED = "expired"
    # The person said "I don't want to join" from an invitation email.
    WITHDRAWN = "withdrawn"


# A person has at most one request in these states (enforced by a partial index).
OPEN_STATES = (
    RequestState.SUBMITTED,
    RequestState.IN_REVIEW,
    RequestState.INVITED,
    RequestState.EXPIRED,
)



class RequestSource(StrEnum):
    WEB = "web"
    FACEBOOK = "facebook"
    IMPORT = "import"



class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # retried with backoff until OUTBOX_MAX_ATTEMPTS
    DEAD = "dead"  # gave up; staff can retry by hand
    BOUNCED = "bounced"  # sent, then a delivery report said it failed for good (5.x.x)



class ReportStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"



class ProvisioningStatus(StrEnum):
    WAITING = "waiting"  # to be tried (again) at next_attempt_at
    DONE = "done"
    FAILED = "failed"  # refused by the platform, or given up after a day: staff retry



class JobStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"  # claimed by a worker; stale after WORKER_CLAIM_TIMEOUT
    DEAD = "dead"  # failed WORKER_MAX_ATTEMPTS times; kept (address masked) for staff


class StaffRole(StrEnum):
    """What a staff user may do; each console route names the least role it needs."""

    REVIEWER = "reviewer"
    ADMIN = "admin"


class InboundKind(StrEnum):
    """What a message that came back is (services.inbound)."""

    REPLY = "reply"
    AUTOMATIC = "automatic"  # out-of-office and other auto-replies: recorded, nothing else
    BOUNCE = "bounce"  # a delivery report of a permanent failure (5.x.x)
    DELAY = "delay"  # a delivery report of a temporary one (4.x.x)
    COMPLAINT = "complaint"  # an ARF feedback report: marked as spam


class InboundStatus(StrEnum):
    ATTACHED = "attached"  # on a request (or an outbox email)
    UNMATCHED = "unmatched"  # waiting in the staff console's "Unmatched mail"
    DISCARDED = "discarded"
