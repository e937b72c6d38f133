"""Anonymous reports of guideline breaches, and the follow-up code that reads them.

A report holds what was reported and nothing about who reported it: no name,
email, IP address or user agent. The reporter gets a random code once; only its
hash is stored, so the code is the one way back to the report. Nothing here logs
the description or the code.
"""

import re

from sqlalchemy import select

from clock import utcnow
from models import Report, ReportStatus
from services.tokens import hash_secret, new_secret

OTHER = "other"
OTHER_TITLE = "Something else"
# new_secret() makes 43 URL-safe characters; anything else cannot be a code.
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def guideline_choices(index):
    """[(anchor, title)] of the guidelines in content, then “Something else”."""
    guidelines = index.guidelines.guidelines if index.guidelines else []
    return [(g.anchor, g.title) for g in guidelines] + [(OTHER, OTHER_TITLE)]


def guideline_title(index, anchor):
    return dict(guideline_choices(index)).get(anchor, OTHER_TITLE)


def submit_report(session, post_url, guideline, description):
    """Store a report and return its follow-up code (shown once, stored only as a hash)."""
    code, code_hash = new_secret()
    session.add(
        Report(
            code_hash=code_hash,
            post_url=post_url.strip(),
            guideline=guideline,
            description=description.strip(),
            status=ReportStatus.OPEN,
        )
    )
    session.flush()
    return code


def find_report(session, code):
    """The report a follow-up code belongs to, or None (also for malformed codes)."""
    code = (code or "").strip()
    if not CODE_RE.match(code):
        return None
    return session.scalar(select(Report).where(Report.code_hash == hash_secret(code)))


def close_report(session, report, outcome_note):
    """Close a report with the outcome its reporter will read at /report/<code>."""
    report.status = ReportStatus.CLOSED
    report.outcome_note = (outcome_note or "").strip() or None
    report.closed_at = utcnow()
    session.flush()
    return report
