"""The FAQ's own words, queries drawn from them, and 1,000 generated answers: the
search figures of bench/speed.py."""

import os
import random
import re
import statistics
import time
import urllib.parse
from types import SimpleNamespace

from harness.server import ROOT

UNSEEN_CHUNK = 20000  # more queries than one load can send: none is asked twice


def content_words():
    """The searchable words of the FAQ, for queries a cache cannot have seen."""
    from services.content.index import load_content, substitutions
    from settings import DEFAULTS

    index = load_content(os.path.join(ROOT, "content"), substitutions(DEFAULTS))
    words = set()
    for page in index.faq.values():
        words.update(w for w in re.findall(r"[a-z]{4,}", f"{page.title} {page.text}".lower()))
    return index, sorted(words)


def distinct_queries(words, count=500, seed=16):
    rng = random.Random(seed)
    queries = set()
    while len(queries) < count:
        queries.add(" ".join(rng.sample(words, rng.randint(1, 3))))
    return ["/search?" + urllib.parse.urlencode({"q": q}) for q in sorted(queries)]


def unseen_queries(words, seed=17):
    """A callable giving, on each call, UNSEEN_CHUNK queries no earlier call gave.

    The 500 distinct queries fit in the search page cache (SEARCH_CACHE_SIZE), so
    after their first round they measure the cache; these measure the search.
    """
    rng = random.Random(seed)
    seen = set()

    def next_chunk():
        chunk = []
        while len(chunk) < UNSEEN_CHUNK:
            query = " ".join(rng.sample(words, rng.randint(2, 3)))
            if query not in seen:
                seen.add(query)
                chunk.append("/search?" + urllib.parse.urlencode({"q": query}))
        return chunk

    return next_chunk


def generated_answers(index, count=1000, seed=16):
    """`count` answers made of the real answers' sentences, shuffled and recombined."""
    rng = random.Random(seed)
    sentences = [s.strip() for page in index.faq.values()
                 for s in re.split(r"(?<=[.?!])\s+", page.text) if len(s.split()) > 3]
    titles = [page.title for page in index.faq.values()]
    faq = {}
    for number in range(count):
        slug = f"generated-{number}"
        faq[slug] = SimpleNamespace(
            slug=slug, aliases=(), order=number, category="Generated",
            title=f"{rng.choice(titles)} ({number})",
            summary=rng.choice(sentences),
            text=" ".join(rng.sample(sentences, rng.randint(5, 25))),
        )
    return SimpleNamespace(faq=faq)


def search_median_ms(index, words, count=500):
    """Median time of one search (ranking and snippets) over 1,000 generated answers."""
    from services.content.search import SearchIndex

    searcher = SearchIndex(generated_answers(index))
    rng = random.Random(61)
    queries = [" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(count)]
    times = []
    for query in queries:
        started = time.perf_counter()
        searcher.search(query, limit=10)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(searcher.docs)
