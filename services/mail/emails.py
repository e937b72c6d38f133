"""One function per email: each builds its context and records it in the outbox.

Templates live in templates/email/<name>/ as subject.txt, body.txt and body.html.
Every email about a request carries its reference and a status link.
"""

from flask import current_app, render_template

from services import events, links
from services.dates import local_today, long_date
from services.mail import outbox
from services.mail.reply_addresses import reply_address_for


def _record(session, name, to, request=None, threading=None, **context):
    """Render one email and record it in the outbox (and on the request's history).

    An email to the person behind a request replies to the request's own address
    when INBOUND_ADDRESS is set, so their answer comes back to it; `threading` is
    (In-Reply-To, References) of an answer.
    """
    if request is not None:
        context.setdefault("request", request)
        context.setdefault("reference", request.reference)
        context.setdefault("status_url", links.status_url(request))
    context.setdefault("config", current_app.config)
    subject = render_template(f"email/{name}/subject.txt", **context).strip()
    body_text = render_template(f"email/{name}/body.txt", **context)
    body_html = render_template(f"email/{name}/body.html", **context)
    to_the_person = request is not None and to == request.email
    in_reply_to, references = threading or (None, None)
    email = outbox.record_email(
        session,
        kind=name,
        to=to,
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        request_id=request.id if request is not None else None,
        reply_to=reply_address_for(session, request) if to_the_person else None,
        in_reply_to=in_reply_to,
        thread_references=references,
    )
    if request is not None:
        events.record_event(session, request, "email_sent", email=name, outbox_id=email.id)
    return email


def send_invitation(session, request, token, invitation, reminder=False):
    return _record(
        session,
        "invitation_reminder" if reminder else "invitation",
        request.email,
        request,
        invitation_url=links.invitation_url(token),
        expires_on=long_date(invitation.expires_at),
        opt_out_url=links.opt_out_url(request),
    )


def send_in_review(session, request):
    return _record(
        session, "in_review", request.email, request, due_on=long_date(request.due_on)
    )


def send_staff_new_review(session, request, hints, to, platform_problems=0):
    return _record(
        session,
        "staff_new_review",
        to,
        request,
        hints=hints,
        platform_problems=platform_problems,
        staff_url=links.staff_request_url(request),
        due_on=long_date(request.due_on),
    )


def send_welcome(session, request, way_in=None):
    """You're in: how to sign in, and the way in the platform's connector words (a WayIn)."""
    return _record(session, "welcome", request.email, request, way_in=way_in)


def send_already_member(session, request):
    """Asked to join while already a member of the platform: how to sign in or reset."""
    return _record(session, "already_member", request.email, request)


def send_status_link(session, request):
    """The short-lived status link asked for on /status (email alone)."""
    max_age = current_app.config["STATUS_LINK_MAX_AGE"]
    return _record(
        session,
        "status_link",
        request.email,
        request,
        status_url=links.status_url(request, max_age=max_age),
        due_on=long_date(request.due_on) if request.due_on else None,
    )


def send_subdomain_list(session, to, accounts):
    """The subdomains of the paying accounts this address belongs to (/subdomain)."""
    domain = current_app.config["ACCOUNT_DOMAIN"]
    listed = [
        {"name": a.name, "subdomain": a.subdomain, "url": f"https://{a.subdomain}.{domain}"}
        for a in accounts
    ]
    return _record(session, "subdomains", to, accounts=listed)


def send_review_status(session, request):
    """Asked for an invitation while still in review: where it stands and by when."""
    overdue = bool(request.due_on) and local_today() > request.due_on
    return _record(
        session,
        "review_status",
        request.email,
        request,
        due_on=long_date(request.due_on) if request.due_on else None,
        overdue=overdue,
    )


def send_declined(session, request):
    """The decision and its reason (request.decline_reason), and how to reply.

    Sent when staff decline a request, and again when a declined person asks
    for an invitation on /resend.
    """
    return _record(
        session,
        "declined",
        request.email,
        request,
        reason=(request.decline_reason or "").strip(),
        note=request.decline_note,
    )


def send_staff_review_reminder(session, to, overdue, due_today, platform_problems=()):
    """The daily list for staff: requests overdue or due today, and platform failures."""
    return _record(
        session,
        "staff_review_reminder",
        to,
        overdue=[_reminder_item(r) for r in overdue],
        due_today=[_reminder_item(r) for r in due_today],
        platform_problems=[
            {"task": task, "staff_url": links.staff_request_url(task.request)}
            for task in platform_problems
        ],
    )


def _reminder_item(request):
    return {
        "request": request,
        "due_on": long_date(request.due_on),
        "staff_url": links.staff_request_url(request),
    }


def send_login_help(session, request):
    """Already a member: how to log in, reset a password, and find more help."""
    return _record(session, "login_help", request.email, request)


def send_staff_sign_in_failures(session, to, failures, last_at):
    """Tell a staff member that sign-ins to their account keep failing."""
    return _record(
        session,
        "staff_sign_in_failures",
        to,
        staff_email=to,
        failures=failures,
        last_at=last_at.strftime("%Y-%m-%d %H:%M UTC"),
    )


def send_staff_invite(session, to, url, invited_by, role, expires_at):
    """Invite someone to the staff console: the link sets a password (or uses SSO)."""
    return _record(
        session,
        "staff_invite",
        to,
        url=url,
        invited_by=invited_by,
        role=role,
        expires=expires_at.strftime("%Y-%m-%d %H:%M UTC"),
    )


def send_staff_answer(session, request, text, subject, threading):
    """A staff member's answer to the person's reply, threaded under it."""
    return _record(
        session, "staff_answer", request.email, request, threading=threading,
        answer=text.strip(), subject=subject,
    )


def send_staff_reply_notice(session, request, message, to):
    """Tell staff the person behind a request wrote back (and how it was matched)."""
    return _record(
        session,
        "staff_reply_notice",
        to,
        request,
        message=message,
        staff_url=links.staff_request_url(request),
    )
