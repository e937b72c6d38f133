"""The database going away gives a 503 page in the layout; the site recovers by itself."""

import os
import socket
import threading
from contextlib import contextmanager

import pytest
from flask import Blueprint
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

import db
from app import create_app
from models import Base, MembershipRequest
from tests.support.database import base_test_config
from tests.support.servers import free_port


def _with_counting_route(app, between=lambda: None):
    """A page that reads the database twice, calling `between` in the middle."""
    bp = Blueprint("outage", __name__)

    @bp.get("/test-db")
    def count():
        session = db.get_session()
        session.scalar(select(func.count(MembershipRequest.id)))
        between()
        return str(session.scalar(select(func.count(MembershipRequest.id))))

    app.register_blueprint(bp)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def _assert_503_page(response):
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "We&#39;re having trouble right now" in html and "skip-link" in html


def test_sqlite_file_gone_gives_503_and_the_site_recovers(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    app = _with_counting_route(
        create_app(base_test_config(tmp_path, f"sqlite:///{folder / 'lobby.sqlite3'}"))
    )
    engine = db.get_engine(app)
    Base.metadata.create_all(engine)
    client = app.test_client()
    assert client.get("/test-db").status_code == 200

    engine.dispose()
    os.rename(folder, tmp_path / "away")
    _assert_503_page(client.get("/test-db"))
    assert client.get("/healthz").status_code == 503

    os.rename(tmp_path / "away", folder)
    assert client.get("/test-db").status_code == 200
    assert client.get("/healthz").status_code == 200
    engine.dispose()


class _TcpProxy:
    """A loopback TCP forwarder we can cut and restore, standing in for the network."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._sockets = []
        self._listener = None

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        """Refuse new connections and break every open one."""
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
        except OSError:
            pass
        self._listener.close()
        for sock in self._sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self._sockets.clear()


@contextmanager
def _site_behind_a_proxy(postgres_url, tmp_path, between=lambda: None):
    """(client, proxy): the site reaching its database through a proxy we can cut and restore."""
    url = make_url(postgres_url)
    proxy = _TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False
    )
    app = _with_counting_route(create_app(base_test_config(tmp_path, through_proxy)), between)
    try:
        yield app.test_client(), proxy
    finally:
        proxy.cut()
        db.get_engine(app).dispose()


@pytest.mark.postgres
def test_postgres_going_away_mid_request_gives_503_and_the_site_recovers(postgres_url, tmp_path):
    state = {"cut_mid_request": False, "proxy": None}

    def between():
        if state["cut_mid_request"]:
            state["proxy"].cut()

    with _site_behind_a_proxy(postgres_url, tmp_path, between) as (client, proxy):
        state["proxy"] = proxy
        assert client.get("/test-db").status_code == 200
        state["cut_mid_request"] = True
        _assert_503_page(client.get("/test-db"))
        state["cut_mid_request"] = False
        _assert_503_page(client.get("/test-db"))  # still down
        proxy.start()  # the database is back: the checkout replaces dead connections
        assert client.get("/test-db").status_code == 200
        assert client.get("/healthz").status_code == 200


@pytest.mark.postgres
def test_postgres_restarted_while_the_site_was_idle_costs_no_failed_request(
    postgres_url, tmp_path
):
    # The pooled connection died while idle (a restart, an idle timeout): its socket
    # is closed, the checkout sees it and connects afresh, without a pre-ping query.
    with _site_behind_a_proxy(postgres_url, tmp_path) as (client, proxy):
        assert client.get("/test-db").status_code == 200
        proxy.cut()  # between requests: the pool holds a dead connection
        proxy.start()
        assert client.get("/test-db").status_code == 200
        assert client.get("/healthz").status_code == 200


@pytest.mark.postgres
@pytest.mark.parametrize("when", ["in_view", "at_commit"])
def test_a_value_the_database_refuses_is_a_400_not_a_500(app, when):
    """A value too long for its column (a form missing a Length check) is the client's 400."""
    from models import FaqVote

    bp = Blueprint("refused", __name__)

    @bp.get("/test-refused")
    def refused():
        session = db.get_session()
        session.add(FaqVote(slug="x" * 500, helpful=True, voter_key="k"))
        if when == "in_view":
            session.flush()
        return "stored?"

    app.register_blueprint(bp)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/test-refused")
    assert response.status_code == 400
    assert "skip-link" in response.get_data(as_text=True)
    assert app.test_client().get("/healthz").status_code == 200
