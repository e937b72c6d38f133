"""The worker reads replies from a real IMAP server (Dovecot, started by the test)."""

import pytest
from imap_tools import MailBoxUnencrypted

from models import MembershipRequest
from services.inbound import imap_polling
from services.inbound.imap_polling import ImapSettingError, imap_settings
from tests.support.database import app_session
from tests.support.inbound import INBOUND_CONFIG, PERSON, first_email_to, inbound_rows, sample

DONE = "Lobby/Processed"

pytestmark = pytest.mark.app_config(**INBOUND_CONFIG, INBOUND_IMAP_INTERVAL=0)


@pytest.fixture
def mailbox(app, imap_server):
    app.config["INBOUND_IMAP_URL"] = imap_server.url
    box = MailBoxUnencrypted("127.0.0.1", imap_server.port, timeout=10)
    box.login(imap_server.user, imap_server.password)
    yield box
    box.logout()


@pytest.fixture
def in_review(make_request):
    return make_request(name="Ben Ode", email=PERSON)


def _deliver_reply(app, box):
    reply_to, message_id = first_email_to(app, PERSON, kind="in_review")
    box.append(sample("gmail_reply", to=reply_to, in_reply_to=message_id), "INBOX")


def _count(box, folder):
    box.folder.set(folder)
    count = len(box.uids("ALL"))
    box.folder.set("INBOX")
    return count


def test_a_reply_in_the_mailbox_lands_on_its_request_once(app, mailbox, in_review, run_worker):
    _deliver_reply(app, mailbox)

    report = run_worker()

    assert report.done["inbound mail"] == 1
    [message] = inbound_rows(app)
    assert message.request_id == in_review
    assert message.matched_by == "tag"
    assert message.source == "imap"
    assert "benshop subdomain every day" in message.body_text
    assert "wrote:" not in message.body_text and "Thank you for asking" not in message.body_text
    assert _count(mailbox, "INBOX") == 0
    assert _count(mailbox, DONE) == 1  # the folder was made for it
    with app_session(app) as session:
        assert session.get(MembershipRequest, in_review).replied_at is not None

    assert run_worker().done["inbound mail"] == 0
    assert len(inbound_rows(app)) == 1


def test_a_worker_killed_between_storing_and_moving_does_not_store_twice(
    app, mailbox, in_review, run_worker, monkeypatch
):
    _deliver_reply(app, mailbox)

    def killed(*_args):
        raise SystemExit("worker killed after storing, before moving")

    with monkeypatch.context() as patch:
        patch.setattr(imap_polling, "move_processed", killed)
        with pytest.raises(SystemExit):
            run_worker()
    assert len(inbound_rows(app)) == 1  # stored and committed
    assert _count(mailbox, "INBOX") == 1  # but still in the inbox

    assert run_worker().done["inbound mail"] == 0  # read again: already stored
    assert len(inbound_rows(app)) == 1
    assert _count(mailbox, "INBOX") == 0
    assert _count(mailbox, DONE) == 1


@pytest.mark.app_config(INBOUND_IMAP_INTERVAL=3600)
def test_a_worker_looks_at_most_once_per_interval(app, mailbox, in_review, run_worker):
    assert run_worker().done["inbound mail"] == 0  # looked: nothing there yet
    _deliver_reply(app, mailbox)
    assert run_worker().done["inbound mail"] == 0  # too soon to look again
    assert inbound_rows(app) == [] and _count(mailbox, "INBOX") == 1


@pytest.mark.parametrize(
    "url, secure, port",
    [
        ("imaps://me%40example.com:p%40ss@imap.gmail.com/INBOX", True, 993),
        ("imap://lobby:secret@127.0.0.1:1143/INBOX", False, 1143),
        ("imap://lobby:secret@localhost/INBOX", False, 143),
    ],
)
def test_imap_urls_are_read(url, secure, port):
    settings = imap_settings(url)
    assert (settings.secure, settings.port, settings.folder) == (secure, port, "INBOX")


@pytest.mark.parametrize(
    "url", ["imap://lobby:secret@imap.example.com/INBOX", "pop3://x@y/INBOX", "imaps:///INBOX"]
)
def test_plain_imap_is_refused_beyond_loopback(url):
    with pytest.raises(ImapSettingError):
        imap_settings(url)
