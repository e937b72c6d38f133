"""The outbox: recorded in the transaction, delivered after it, retried when the server is down."""

from models import OutboxStatus
from services.mail import outbox
from tests.support.servers import free_port


def _record_one(use_session, to="ana@myshop.example"):
    with use_session() as session:
        row = outbox.record_email(
            session, kind="test", to=to, subject="Hello", body_text="Hi there", body_html="<p>Hi</p>"
        )
        return row.id


def test_recorded_email_is_pending_until_sent(use_session, outbox):
    _record_one(use_session)
    [email] = outbox()
    assert email.status == OutboxStatus.PENDING
    assert email.reply_to == "support@example-app.com"


def test_nothing_is_recorded_when_the_transaction_rolls_back(app, outbox):
    from tests.support.database import app_session

    with app.app_context():
        import db

        session = db.new_session(app)
        from services.mail import outbox as outbox_service

        outbox_service.record_email(
            session, kind="test", to="a@b.example", subject="s", body_text="t", body_html="h"
        )
        session.rollback()
        session.close()
    with app_session(app):
        pass
    assert outbox() == []


def test_file_backend_writes_an_eml_file(app, use_session, outbox, tmp_path):
    email_id = _record_one(use_session)
    with use_session() as session:
        assert outbox_send(session) == (1, 0)
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    assert b"Subject: Hello" in files[0].read_bytes()
    [email] = outbox()
    assert email.id == email_id and email.status == OutboxStatus.SENT


def test_delivers_through_a_real_smtp_server(app, use_session, outbox, smtp_server):
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    _record_one(use_session, to="ben@myshop.example")
    with use_session() as session:
        assert outbox_send(session) == (1, 0)
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["ben@myshop.example"]
    content = envelope.content.decode()
    assert "Subject: Hello" in content
    assert "Reply-To: support@example-app.com" in content
    assert "text/plain" in content and "text/html" in content


def outbox_send(session):
    return outbox.send_due(session)


def test_mail_server_down_keeps_the_email_and_the_command_delivers_it_later(
    app, use_session, outbox, runner, smtp_server
):
    # First: nothing listens on this port, so delivery fails.
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    email_id = _record_one(use_session)
    result = runner.invoke(args=["outbox", "send"])
    assert "Sent 0, failed 1." in result.output
    [email] = outbox()
    assert email.status == OutboxStatus.FAILED
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error

    # The server is back; the retry is due once its backoff has passed.
    app.config.update(MAIL_PORT=smtp_server.port)
    with use_session() as session:
        from clock import utcnow
        from models import OutboxEmail

        session.get(OutboxEmail, email_id).next_attempt_at = utcnow()
    result = runner.invoke(args=["outbox", "send"])
    assert "Sent 1, failed 0." in result.output
    assert len(smtp_server.messages) == 1
    [email] = outbox()
    assert email.status == OutboxStatus.SENT and email.attempts == 2 and email.last_error is None

    # Running the sender again sends nothing twice.
    result = runner.invoke(args=["outbox", "send"])
    assert "Sent 0, failed 0." in result.output
    assert len(smtp_server.messages) == 1


def test_backoff_grows_and_is_capped():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert outbox.backoff(50).total_seconds() == 3600


def test_a_claimed_email_cannot_be_claimed_twice(use_session):
    email_id = _record_one(use_session)
    with use_session() as session:
        assert outbox.claim(session, email_id) is True
        assert outbox.claim(session, email_id) is False


def test_gives_up_after_max_attempts(app, use_session, outbox):
    app.config.update(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), OUTBOX_MAX_ATTEMPTS=1
    )
    _record_one(use_session)
    with use_session() as session:
        outbox_send(session)
    [email] = outbox()
    assert email.status == OutboxStatus.DEAD
