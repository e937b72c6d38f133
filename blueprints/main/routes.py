from flask import current_app, jsonify, render_template

import db
from blueprints.main import bp
from services import health
from services.community.task_report import connector_health
from services.content.home import TILES, top_answers
from services.content.index import get_index
from web.http_cache import public_page, shared_page


@bp.get("/")
def home():
    """Kept for HOME_CACHE_SECONDS: the top answers may lag the votes that long."""
    content = get_index()
    return public_page(lambda: shared_page(
        "home", content.version, "home",
        lambda: render_template("main/home.html", tiles=TILES,
                                answers=top_answers(db.get_session(), content)),
        max_age=current_app.config["HOME_CACHE_SECONDS"],
    ))


@bp.get("/healthz")
def healthz():
    problem = health.database_problem(db.get_engine())
    if problem:
        return jsonify(status="unavailable", database=problem), 503
    session = db.get_session()
    # The worker and the platform are detail for operators: liveness stays 200 either way.
    worker = health.worker_report(session, current_app.config["WORKER_LATE_MINUTES"])
    return jsonify(status="ok", database="ok", worker=worker, community=connector_health(session))


@bp.get("/ping")
def ping():
    """The cheapest page of the app, no database: the baseline of `make bench`."""
    return current_app.response_class("ok", mimetype="text/plain")
