"""The site's health in detail: worker, queues and platform (the public /healthz says only "ok")."""

from flask import current_app, render_template

import db
from blueprints.staff import bp
from models import StaffRole
from services.health import health_detail
from web.staff_roles import requires_role


@bp.get("/health")
@requires_role(StaffRole.REVIEWER)
def health():
    detail = health_detail(db.get_session(), current_app.config["WORKER_LATE_MINUTES"])
    return render_template("staff/health.html", detail=detail)
