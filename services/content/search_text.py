"""The words search sees: normalised, stemmed and reduced, for the content and the query alike.

Words are normalised (case, apostrophes, a few phrases such as "log in" → login),
stemmed with Snowball (English), mapped through a small synonym table, and
stripped of stop words.
"""

import re
import threading
from functools import lru_cache

import snowballstemmer

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

STOP_WORDS = frozenset("""
a about above after again all am an and any are as at be been before being below between both
but by can could did do does doing down during each few for from further had has have having he
her here hers herself him himself his how i if in into is it its itself just let me more most
my myself no nor not now of off on once only or other our ours ourselves out over own same she
should so some such than that the their theirs them themselves then there these they this those
through to too under until up very was we were what when where which while who whom why will
with would you your yours yourself yourselves ok please thanks hi hello still yet also really
im ive id youre dont doesnt didnt isnt arent wasnt werent havent hasnt hadnt wont wouldnt
shouldnt couldnt never need want tell know get got getting
""".split())

# Phrases first (on stems, before stop words go): ("log", "in") is a login.
PHRASES = {
    ("log", "in"): "login", ("log", "on"): "login", ("sign", "in"): "login",
    ("sign", "on"): "login", ("e", "mail"): "email", ("sign", "up"): "join",
    ("sub", "domain"): "subdomain", ("pass", "word"): "password",
    ("didnt", "get"): "arrive", ("havent", "got"): "arrive", ("never", "got"): "arrive",
    ("not", "get"): "arrive", ("never", "get"): "arrive", ("hasnt", "come"): "arrive",
}
# Words that mean the same here; the first of each group stands for the others.
SYNONYM_GROUPS = (
    "login signin logon log logging",
    "invitation invite invitaion invitation",
    "email mail inbox",
    "spam junk",
    "cant cannot unable",
    "password pwd passwd",
    "forget forgot forgotten",
    "facebook fb",
    "join register signup enrol enroll",
    "decline reject refuse deny denied",
    "arrive receive deliver",
    "cost price fee charge free",
    "subdomain workspace",
    "address url",
    "guideline rule",
    "team colleague coworker teammate",
    "data privacy gdpr",
    "anonymise redact anonymize anonymous",
)
# Contractions whose apostrophe is simply dropped ("didn't" -> didnt); any other
# apostrophe ends the word ("where's" -> where, "account's" -> account).
_KEEP_APOSTROPHE = re.compile(r"n't$")


_local = threading.local()  # Snowball stemmers keep state: one per thread


@lru_cache(maxsize=50000)
def _raw_stem(word):
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


_synonyms = {}


def _stem(word):
    """The canonical term of a bare word: its stem, through the synonym groups."""
    if not _synonyms:
        for group in SYNONYM_GROUPS:
            first, *others = group.split()
            for other in others:
                _synonyms[_raw_stem(other)] = _raw_stem(first)
    stem = _raw_stem(word)
    return _synonyms.get(stem, stem)


def bare_word(word):
    if "'" not in word:
        return word
    if _KEEP_APOSTROPHE.search(word):
        return word.replace("'", "")
    return word.split("'", 1)[0]


def _words(text):
    """[(start, end, surface word)] of lowercase words, apostrophes normalised."""
    text = text.lower().translate(APOSTROPHES)
    return [(m.start(), m.end(), m.group(0)) for m in WORD_RE.finditer(text)]


def analyse(text):
    """[(start, end, surface, term or None)]: the searchable term of each word of text.

    Stop words (and words only part of a phrase) get None.
    """
    words = _words(text)
    stems = [_raw_stem(bare_word(w)) for _s, _e, w in words]
    result, i = [], 0
    while i < len(words):
        start, end, surface = words[i]
        if i + 1 < len(words) and (stems[i], stems[i + 1]) in PHRASES:
            term = _stem(PHRASES[(stems[i], stems[i + 1])])
            result.append((start, words[i + 1][1], surface, term))
            i += 2
            continue
        bare = bare_word(surface)
        term = None if bare in STOP_WORDS else _stem(bare)
        result.append((start, end, surface, term))
        i += 1
    return result


def terms_of(text):
    return [term for *_rest, term in analyse(text) if term]


def term_counts(terms):
    counts = {}
    for term in terms:
        counts[term] = counts.get(term, 0) + 1
    return counts
