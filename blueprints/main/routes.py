from flask import current_app, jsonify, render_template

import db
from blueprints.main import bp
from services import health
from services.content.home import TILES, top_answers
from services.content.index import get_index
from web.health_token import health_token_required
from web.http_cache import no_store, public_page, shared_page


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
    """Can this process serve? Only the database decides: a load balancer reads this,
    and nothing a visitor does may change it (the detail is for operators)."""
    if health.database_problem(db.get_engine()):
        return no_store(jsonify(status="unavailable")), 503
    return no_store(jsonify(status="ok"))


@bp.get("/healthz/detail")
@health_token_required
def health_detail():
    """The worker, the queues and the platform, for a monitor holding HEALTH_TOKEN."""
    problem = health.database_problem(db.get_engine())
    if problem:
        return no_store(jsonify(status="unavailable", database=problem)), 503
    detail = health.health_detail(db.get_session(), current_app.config["WORKER_LATE_MINUTES"])
    return no_store(jsonify(detail))


@bp.get("/ping")
def ping():
    """The cheapest page of the app, no database: the baseline of `make bench`."""
    return current_app.response_class("ok", mimetype="text/plain")
