"""The one table from a request's state to the words people read for it.

Services build sentences from it ("LB-7KQ2M9 is in review now"), the status page
names its timeline's steps from it, and templates use it through the
`state_words` filter (registered once, in blueprints/__init__.py).
"""

from typing import NamedTuple

from models import RequestState


class StateWords(NamedTuple):
    in_sentence: str  # "This request is in review"
    as_title: str  # a step of the requester's timeline: "In review"


S = RequestState
STATE_WORDS = {
    S.SUBMITTED: StateWords("submitted", "Submitted"),
    S.IN_REVIEW: StateWords("in review", "In review"),
    S.INVITED: StateWords("invited", "Invited"),
    S.JOINED: StateWords("joined", "Joined"),
    S.DECLINED: StateWords("declined", "Declined"),
    S.EXPIRED: StateWords("expired", "Invitation expired"),
    S.WITHDRAWN: StateWords("withdrawn", "Withdrawn"),
}


def state_words(state):
    """The state in a sentence ("in review"); `state` a RequestState or its stored value."""
    return STATE_WORDS[state].in_sentence


def state_title(state):
    """The state as a title ("In review", "Invitation expired")."""
    return STATE_WORDS[state].as_title
