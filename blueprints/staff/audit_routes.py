"""The audit trail (admins): filtered list and CSV export."""

from flask import Response, render_template, request
from wtforms.fields import SelectChoice

import db
from blueprints.staff import bp
from blueprints.staff.forms import AuditFilterForm
from models import StaffRole
from services.staff import audit
from web.staff_audit import record_action
from web.staff_roles import requires_role


def _filters():
    form = AuditFilterForm(request.args)
    session = db.get_session()
    form.action.choices = [SelectChoice("", "Any action")] + [
        SelectChoice(a, a.replace("_", " ")) for a in audit.actions(session)
    ]
    valid = form.validate()
    filters = audit.AuditFilters(
        actor=(form.actor.data or "").strip(),
        action=form.action.data or "",
        target=(form.target.data or "").strip(),
        since=form.since.data if valid else None,
        until=form.until.data if valid else None,
    )
    return form, filters


@bp.get("/audit")
@requires_role(StaffRole.ADMIN)
def audit_log():
    form, filters = _filters()
    return render_template(
        "staff/audit.html",
        form=form,
        entries=audit.entries(db.get_session(), filters),
        page_size=audit.PAGE_SIZE,
        query=request.query_string.decode("ascii", "replace"),
    )


@bp.get("/audit.csv")
@requires_role(StaffRole.ADMIN)
def audit_export():
    form, filters = _filters()
    text = audit.as_csv(db.get_session(), filters)
    record_action("audit_exported", detail=request.query_string.decode("ascii", "replace")[:500])
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="lobby-audit.csv"'},
    )
