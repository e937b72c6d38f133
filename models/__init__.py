"""The data model of DESIGN.md, in SQLAlchemy 2.x typed style: `from models import X` for any of them."""

from models.base import NAMING_CONVENTION, Base, UtcDateTime
from models.enums import (
    OPEN_STATES,
    AccountStatus,
    InboundKind,
    InboundStatus,
    JobStatus,
    OutboxStatus,
    ProvisioningStatus,
    ReportStatus,
    RequestSource,
    RequestState,
    StaffRole,
)
from models.membership import (
    Account,
    AccountUser,
    DeclineReason,
    Event,
    InboundMessage,
    Invitation,
    InvitationOptOut,
    MembershipRequest,
)
from models.site import FaqVote, OutboxEmail, Report, SignInThrottle, StaffUser
from models.staff import AuditEntry, StaffInvite, StaffRecoveryCode, StaffSession
from models.work import CommunityProvisioning, PendingJob, ScheduledRun, WorkerHeartbeat

__all__ = [
    "NAMING_CONVENTION",
    "UtcDateTime",
    "Base",
    "AccountStatus",
    "RequestState",
    "OPEN_STATES",
    "RequestSource",
    "OutboxStatus",
    "ReportStatus",
    "ProvisioningStatus",
    "JobStatus",
    "InboundKind",
    "InboundStatus",
    "InboundMessage",
    "Account",
    "AccountUser",
    "MembershipRequest",
    "Invitation",
    "Event",
    "DeclineReason",
    "InvitationOptOut",
    "OutboxEmail",
    "FaqVote",
    "Report",
    "StaffUser",
    "SignInThrottle",
    "StaffRole",
    "StaffRecoveryCode",
    "StaffInvite",
    "StaffSession",
    "AuditEntry",
    "CommunityProvisioning",
    "PendingJob",
    "ScheduledRun",
    "WorkerHeartbeat",
]
