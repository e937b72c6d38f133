from flask import abort, current_app, request

import db
from blueprints.metrics import bp
from services.monitoring import take_snapshot
from web import metrics
from web.health_token import bearer_token_matches
from web.http_cache import no_store


@bp.get("/metrics")
def scrape():
    """Prometheus's scrape: 404 while HEALTH_TOKEN is unset, 401 without it."""
    token = current_app.config["HEALTH_TOKEN"]
    if not token:
        abort(404)
    if not bearer_token_matches(request.headers.get("Authorization"), token):
        return metrics.unauthorized()
    body, content_type = metrics.exposition(current_app, take_snapshot(db.get_session()))
    return no_store(current_app.response_class(body, content_type=content_type))
