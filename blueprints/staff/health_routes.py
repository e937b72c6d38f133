"""The site's health in detail: worker, queues and platform (the public /healthz says only "ok")."""

from flask import current_app, render_template

import db
from blueprints.staff import bp
from services.health import health_detail


@bp.get("/health")
def health():
    detail = health_detail(db.get_session(), current_app.config["WORKER_LATE_MINUTES"])
    return render_template("staff/health.html", detail=detail)
