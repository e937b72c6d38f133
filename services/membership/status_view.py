"""What the status page shows about a request, as plain data (no HTTP, no templates).

The timeline is read from the request's Events: Submitted → Checked → (In review)
→ Invited → Joined, or a stop at Declined, Expired or Withdrawn. Each step that
happened carries its date; the steps still to come carry none.
"""

from dataclasses import dataclass, field

from models import RequestState
from services.dates import local_today, long_date
from services.membership.invitations import current_invitation, effective_state
from services.membership.state_words import state_title
from services.privacy.masking import mask_emails

DONE = "done"
CURRENT = "current"
UPCOMING = "upcoming"

# The timeline's steps: every state, and the automatic check, which is not one.
LABELS = {"checked": "Checked", **{str(state): state_title(state) for state in RequestState}}
# The tone of the step a request stopped at: shown by colour and by words.
TONES = {"joined": "ok", "expired": "warn", "declined": "stop", "withdrawn": "stop"}

HEADLINES = {
    RequestState.SUBMITTED: "We're checking your request",
    RequestState.IN_REVIEW: "A member of our team is reviewing your request",
    RequestState.INVITED: "You're invited",
    RequestState.EXPIRED: "Your invitation has expired",
    RequestState.JOINED: "You're a member",
    RequestState.DECLINED: "We couldn't approve your request",
    RequestState.WITHDRAWN: "You told us you don't want to join",
}

# Which event kinds mark each step (the first one found, or the last for "invited").
_EVENT_KINDS = {
    "submitted": ("submitted",),
    "checked": ("matched", "in_review"),
    "in_review": ("in_review",),
    "invited": ("invited",),
    "joined": ("joined",),
    "expired": ("expired",),
    "declined": ("declined",),
    "withdrawn": ("withdrawn", "opted_out"),
}
_STILL_TO_COME = {
    RequestState.SUBMITTED: ("checked", "invited", "joined"),
    RequestState.IN_REVIEW: ("invited", "joined"),
    RequestState.INVITED: ("joined",),
    RequestState.EXPIRED: ("joined",),
}


@dataclass
class Step:
    key: str
    label: str
    status: str  # done, current or upcoming
    date_text: str = ""
    tone: str = ""  # ok, warn or stop for the step a request stopped at

    @property
    def status_words(self):
        return {DONE: "done", CURRENT: "where your request is now", UPCOMING: "not yet"}[
            self.status
        ]


@dataclass
class StatusView:
    reference: str
    masked_email: str
    state: str
    headline: str
    steps: list[Step]
    actions: set[str] = field(default_factory=set)
    due_text: str = ""  # "by Tuesday 1 December"
    overdue: bool = False
    invitation_expires_text: str = ""
    expired_text: str = ""
    decline_reason: str = ""
    # Our email to the address bounced for good (services.inbound.bounces).
    undeliverable: bool = False


def build_status_view(request, today=None):
    """Everything the status page needs about one request."""
    today = today or local_today()
    # Read now, so an invitation that lapsed shows as expired before the schedule moves it.
    state = effective_state(request)
    dates = _step_dates(request, state)
    steps = _steps(state, dates)
    view = StatusView(
        reference=request.reference,
        masked_email=mask_emails(request.email),
        state=state,
        headline=HEADLINES.get(state, "Your request"),
        steps=steps,
        undeliverable=request.bounced_at is not None,
    )
    if state in (RequestState.SUBMITTED, RequestState.IN_REVIEW) and request.due_on:
        view.due_text = f"by {long_date(request.due_on)}"
        view.overdue = today > request.due_on
        if view.overdue:
            view.actions.add("chase")
    if state == RequestState.INVITED:
        invitation = current_invitation(request)
        if invitation is not None:
            view.invitation_expires_text = long_date(invitation.expires_at)
    if state == RequestState.EXPIRED:
        view.expired_text = dates.get("expired", "")
    if state in (RequestState.INVITED, RequestState.EXPIRED):
        view.actions.add("resend")
    elif state == RequestState.JOINED:
        view.actions.add("login_help")
    elif state == RequestState.DECLINED:
        view.actions.add("reply")
        view.decline_reason = (request.decline_reason or "").strip()
    elif state == RequestState.WITHDRAWN:
        view.actions.add("join_again")
    return view


def _step_dates(request, state):
    """The date in words of each step that happened, from the request's events."""
    found = {}
    for event in request.events:
        for step, kinds in _EVENT_KINDS.items():
            if event.kind in kinds and (step not in found or step == "invited"):
                # The latest invitation counts: a re-sent one replaces the first.
                found[step] = event.created_at
    found.setdefault("submitted", request.created_at)
    if request.review_started_at is not None:
        found.setdefault("in_review", request.review_started_at)
    if request.decided_at is not None and request.state == RequestState.DECLINED:
        found.setdefault("declined", request.decided_at)
    if state == RequestState.EXPIRED and "expired" not in found and request.invitations:
        found["expired"] = current_invitation(request).expires_at
    return {step: long_date(when) for step, when in found.items()}


def _steps(state, dates):
    reached = ["submitted"]
    if state != RequestState.SUBMITTED:
        reached.append("checked")
    if "in_review" in dates:
        reached.append("in_review")
    if state in (RequestState.INVITED, RequestState.EXPIRED, RequestState.JOINED) or (
        state == RequestState.WITHDRAWN and "invited" in dates
    ):
        reached.append("invited")
    if state in (
        RequestState.JOINED, RequestState.EXPIRED, RequestState.DECLINED, RequestState.WITHDRAWN
    ):
        reached.append(str(state))
    steps = [Step(key, LABELS[key], DONE, dates.get(key, "")) for key in reached]
    steps[-1].status = CURRENT
    steps[-1].tone = TONES.get(steps[-1].key, "")
    steps += [Step(key, LABELS[key], UPCOMING) for key in _STILL_TO_COME.get(state, ())]
    return steps
