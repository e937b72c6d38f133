"""Email text snapshots: tokens, references and dates masked, compared with tests/snapshots/<name>.txt."""

import os
import re
from pathlib import Path

SNAPSHOTS = Path(__file__).resolve().parent.parent / "snapshots"
DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
MASKS = [
    (re.compile(r"/invite/opt-out/[A-Za-z0-9._-]+"), "/invite/opt-out/<token>"),
    (re.compile(r"/invite/(?!opt-out/)[A-Za-z0-9_-]+"), "/invite/<token>"),
    (re.compile(r"/status/[A-Za-z0-9._-]+"), "/status/<token>"),
    (re.compile(r"\bLB-[A-Z0-9]{6}\b"), "LB-<reference>"),
    (re.compile(rf"\b({DAYS}) \d{{1,2}} ({MONTHS})( \d{{4}})?"), "<date>"),
]


def masked(email):
    text = (
        f"Subject: {email.subject}\nTo: {email.to_addr}\nReply-To: {email.reply_to}\n\n"
        f"{email.body_text}"
    )
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def assert_snapshot(name, text):
    path = SNAPSHOTS / f"{name}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path}: run with UPDATE_SNAPSHOTS=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; see {path}"
