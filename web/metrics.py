"""/metrics for Prometheus: requests by endpoint and status with their latency, and
the figures services.monitoring reads from the database at each scrape.

Only with HEALTH_TOKEN set (a scrape must send it): then each request, served by
Flask or again by web.shared_pages, costs one counter and one histogram step.
Under gunicorn with several processes, prometheus_client's multiprocess mode
(PROMETHEUS_MULTIPROC_DIR; gunicorn.conf.py sets it up) adds up every process's.
"""

import os

from flask import request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from web.logging_setup import request_seconds_so_far

EXTENSION_KEY = "lobby_request_metrics"
# Where the endpoint of a request is left in its environ, for web.shared_pages to keep.
ENDPOINT_KEY = "lobby.endpoint"
BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _multiprocess():
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


class RequestMetrics:
    """The two per-request metrics, with their labelled children kept at hand."""

    def __init__(self):
        # In multiprocess mode values live in files and a scrape reads them all.
        self.registry = None if _multiprocess() else CollectorRegistry(auto_describe=True)
        self.requests = Counter("lobby_http_requests", "HTTP requests answered, by endpoint "
                                "and status", ("endpoint", "status"), registry=self.registry)
        self.latency = Histogram("lobby_http_request_duration_seconds", "Seconds to answer a "
                                 "request, by endpoint", ("endpoint",), buckets=BUCKETS,
                                 registry=self.registry)
        self._children = {}

    def observe(self, endpoint, status, seconds):
        pair = self._children.get((endpoint, status))
        if pair is None:
            pair = self._children.setdefault((endpoint, status), (
                self.requests.labels(endpoint, str(status)), self.latency.labels(endpoint)))
        pair[0].inc()
        pair[1].observe(seconds)


def init_app(app):
    if not app.config["HEALTH_TOKEN"]:
        return
    metrics = app.extensions[EXTENSION_KEY] = RequestMetrics()

    def record_request(response):
        rule = request.url_rule
        endpoint = rule.endpoint if rule is not None else "none"
        request.environ[ENDPOINT_KEY] = endpoint
        metrics.observe(endpoint, response.status_code, request_seconds_so_far())
        return response

    app.after_request(record_request)


def observer(app):
    """observe(endpoint, status, seconds) of the app's request metrics, or None when off."""
    metrics = app.extensions.get(EXTENSION_KEY)
    return metrics.observe if metrics is not None else None


def exposition(app, snapshot):
    """(body, content type) of a scrape: the request metrics and services.monitoring's snapshot."""
    registry = CollectorRegistry(auto_describe=False)
    if _multiprocess():
        MultiProcessCollector(registry)
    elif app.extensions.get(EXTENSION_KEY) is not None:
        registry.register(app.extensions[EXTENSION_KEY].registry)
    registry.register(_SnapshotCollector(snapshot))
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _SnapshotCollector:
    def __init__(self, snapshot):
        self.snapshot = snapshot

    def collect(self):
        s = self.snapshot
        yield _by_state("lobby_outbox_emails", "Emails in the outbox by state", s.emails)
        yield _gauge("lobby_outbox_waiting_emails", "Emails still to be delivered",
                     s.emails_waiting)
        yield _gauge("lobby_outbox_oldest_waiting_age_seconds",
                     "Age of the oldest email still to be delivered (0: none)",
                     s.oldest_waiting_email_age)
        yield _by_state("lobby_lookup_jobs", "Look-ups the forms queued, by state", s.lookups)
        yield _gauge("lobby_lookup_waiting_jobs", "Look-ups still to be done", s.lookups_waiting)
        yield _gauge("lobby_lookup_oldest_waiting_age_seconds",
                     "Age of the oldest look-up still to be done (0: none)",
                     s.oldest_waiting_lookup_age)
        yield _by_state("lobby_provisioning_tasks",
                        "Community platform tasks (making members), by state", s.provisioning)
        yield _gauge("lobby_requests_in_review", "Join requests waiting for staff", s.in_review)
        yield _gauge("lobby_requests_overdue_reviews",
                     "Requests in review past their due date (the two-business-day promise)",
                     s.overdue_reviews)
        yield _gauge("lobby_worker_last_pass_timestamp_seconds",
                     "Unix time a worker last finished a pass (0: never)", s.worker_last_pass)


def _gauge(name, documentation, value):
    return GaugeMetricFamily(name, documentation, value=value)


def _by_state(name, documentation, counts):
    family = GaugeMetricFamily(name, documentation, labels=("state",))
    for state, count in counts.items():
        family.add_metric((state,), count)
    return family
