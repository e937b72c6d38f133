"""The development mailbox makes the URLs in an email's text part clickable."""

import pytest

from blueprints.devmail.routes import linkify


@pytest.mark.parametrize(
    ("text", "href"),
    [
        ("get a fresh one at http://x.test/resend.", "http://x.test/resend"),
        ("(see http://x.test/faq/a-b)", "http://x.test/faq/a-b"),
        ("Join here: http://x.test/invite/Ab_-9\n", "http://x.test/invite/Ab_-9"),
        ("http://x.test/status/a.b.c, then", "http://x.test/status/a.b.c"),
    ],
)
def test_the_dev_mailbox_leaves_sentence_punctuation_out_of_links(text, href):
    assert f'<a href="{href}">{href}</a>' in str(linkify(text))
