from flask import current_app

import db
from blueprints.metrics import bp
from services.monitoring import take_snapshot
from web import metrics
from web.health_token import health_token_required
from web.http_cache import no_store


@bp.get("/metrics")
@health_token_required
def scrape():
    """Prometheus's scrape: 404 while HEALTH_TOKEN is unset, 401 without it."""
    body, content_type = metrics.exposition(current_app, take_snapshot(db.get_session()))
    return no_store(current_app.response_class(body, content_type=content_type))
