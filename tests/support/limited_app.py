"""Lobby with one extra rate-limited POST route, for tests that run it under gunicorn.

The route uses the same decorator as the email forms (web.rate_limits), so
two gunicorn instances serving this module show whether they share one limit.
Test-only: nothing in the application imports it.
"""

from app import create_app
from extensions import csrf
from web.rate_limits import limit_email_form

app = create_app()


@csrf.exempt
@limit_email_form
def limited():
    return "counted\n"


app.add_url_rule("/test/limited", "test_limited", limited, methods=["POST"])
