"""Lobby's wsgi:app for tests/test_deploy_nginx.py, able to answer what the app never does.

A request header `X-Test-Cache-Control: ...` replaces the response's Cache-Control,
and `X-Test-Set-Cookie: ...` adds a Set-Cookie, so the test can show that nginx's
own rules (no cookies, no private paths, no POST) hold even when a response claims
to be public. Without those headers it is wsgi:app itself.
"""

from wsgi import app as lobby


def app(environ, start_response):
    forced = environ.get("HTTP_X_TEST_CACHE_CONTROL")
    cookie = environ.get("HTTP_X_TEST_SET_COOKIE")
    if not forced and not cookie:
        return lobby(environ, start_response)

    def start(status, headers, exc_info=None):
        if forced:
            headers = [(k, v) for k, v in headers if k.lower() != "cache-control"]
            headers.append(("Cache-Control", forced))
        if cookie:
            headers = [*headers, ("Set-Cookie", cookie)]
        return start_response(status, headers, exc_info)

    return lobby(environ, start)
