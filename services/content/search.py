"""Ranked search over the FAQ: built once per content index, queried in microseconds.

Words are analysed the same way for the content and the query alike
(services.content.search_text: phrases, stems, synonyms, stop words). A query word the
content never uses is matched to the closest word it does use (small typos:
"subdomian" → subdomain), or, for the word being typed, to words it begins.

Scoring is BM25 over weighted fields (BM25F, simplified): a match in the title
counts most, then the summary and the answer's old slugs, then the body.
"""

import bisect
import html
import math
from dataclasses import dataclass

from markupsafe import Markup
from rapidfuzz import process
from rapidfuzz.distance import OSA

from services.content.search_text import analyse, bare_word, term_counts, terms_of

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 20
FIELD_WEIGHTS = {"title": 3.0, "summary": 2.0, "slugs": 1.5, "body": 1.0}
K1, B = 1.2, 0.6
SNIPPET_WORDS = 28
FUZZY_PENALTY = 0.8
PREFIX_PENALTY = 0.7

@dataclass(frozen=True)
class Hit:
    """One search result: what a results list, the API and a suggestion need."""

    slug: str
    title: str
    url: str
    summary: str
    category: str
    score: float
    snippet: Markup  # HTML: escaped text with the matched words in <mark>


@dataclass(frozen=True)
class Results:
    query: str  # the query as searched (trimmed, capped)
    hits: tuple
    corrections: tuple  # (typed, understood as) pairs, for "Showing results for ..."
    usable: bool  # False when the query had no searchable words at all


@dataclass
class _Doc:
    slug: str
    page: object
    fields: dict  # field -> {term: count}
    lengths: dict  # field -> number of terms
    text: str  # the body text, whitespace collapsed, for snippets
    spans: list  # [(start, end, term)] of the searchable words of `text`
    positions: dict = None  # term -> indexes in spans where it occurs, for snippets


class SearchIndex:
    """The FAQ's terms, counted per field, with the vocabulary for typo matching."""

    def __init__(self, content_index):
        self.content = content_index
        self.docs = []
        for page in content_index.faq.values():
            slugs = " ".join((page.slug, *page.aliases)).replace("-", " ")
            body = " ".join(page.text.split())
            fields = {
                "title": terms_of(page.title),
                "summary": terms_of(page.summary),
                "slugs": terms_of(slugs),
                "body": terms_of(page.text),
            }
            spans = [(s, e, t) for s, e, _w, t in analyse(body) if t]
            positions = {}
            for number, (_s, _e, term) in enumerate(spans):
                positions.setdefault(term, []).append(number)
            self.docs.append(_Doc(
                slug=page.slug,
                page=page,
                fields={name: term_counts(terms) for name, terms in fields.items()},
                lengths={name: len(terms) for name, terms in fields.items()},
                text=body,
                spans=spans,
                positions=positions,
            ))
        count = max(len(self.docs), 1)
        self.average = {
            name: (sum(d.lengths[name] for d in self.docs) / count) or 1.0
            for name in FIELD_WEIGHTS
        }
        frequency = {}
        for doc in self.docs:
            for term in set().union(*(doc.fields[name] for name in FIELD_WEIGHTS)):
                frequency[term] = frequency.get(term, 0) + 1
        self.idf = {
            term: math.log(1 + (count - n + 0.5) / (n + 0.5)) for term, n in frequency.items()
        }
        # term -> [(doc number, its BM25F score for the term)]: a query adds up the
        # postings of its few terms instead of scoring every answer.
        self.postings = {}
        for number, doc in enumerate(self.docs):
            for term in set().union(*(doc.fields[name] for name in FIELD_WEIGHTS)):
                self.postings.setdefault(term, []).append((number, self.score(doc, [(term, 1.0)])))
        # Surface words of the content -> their term, for typos and prefixes.
        self.surface = {}
        for doc in self.docs:
            for text in (doc.page.title, doc.page.summary, doc.page.text):
                for _s, _e, word, term in analyse(text):
                    if term and len(word) >= 3:
                        self.surface.setdefault(bare_word(word), term)
        self.vocabulary = sorted(self.surface)

    def understand(self, query, complete_last=False):
        """[(term, weight)] of a query, and the corrections made for unknown words."""
        terms, corrections = [], []
        analysed = [item for item in analyse(query) if item[3]][:MAX_QUERY_TERMS]
        for position, (_s, _e, surface, term) in enumerate(analysed):
            if term in self.idf:
                terms.append((term, 1.0))
                continue
            word = bare_word(surface)
            is_last = position == len(analysed) - 1
            if complete_last and is_last and len(word) >= 3:
                low = bisect.bisect_left(self.vocabulary, word)
                high = bisect.bisect_left(self.vocabulary, word + "\uffff", low)
                completions = {self.surface[w] for w in self.vocabulary[low:high]}
                if completions:
                    terms += [(t, PREFIX_PENALTY) for t in sorted(completions)[:5]]
                    continue
            fixed = self._closest_word(word)
            if fixed:
                terms.append((self.surface[fixed], FUZZY_PENALTY))
                corrections.append((surface, fixed))
        return terms, corrections

    def _closest_word(self, word):
        if len(word) < 4 or word.isdigit():
            return None
        allowed = 1 if len(word) <= 6 else 2
        match = process.extractOne(
            word, self.vocabulary, scorer=OSA.distance, score_cutoff=allowed
        )
        return match[0] if match else None

    def score(self, doc, terms):
        total = 0.0
        for term, weight in terms:
            weighted = 0.0
            for name, field_weight in FIELD_WEIGHTS.items():
                count = doc.fields[name].get(term)
                if count:
                    norm = 1 - B + B * doc.lengths[name] / self.average[name]
                    weighted += field_weight * count / norm
            if weighted:
                total += weight * self.idf[term] * weighted / (K1 + weighted)
        return total

    def search(self, query, limit=10, exclude=(), complete_last=False):
        """Results for a query: best first, at most `limit`, never raising on junk."""
        query = " ".join((query or "").split())[:MAX_QUERY_CHARS]
        terms, corrections = self.understand(query, complete_last)
        if not terms:
            return Results(query, (), tuple(corrections), usable=bool(terms_of(query)))
        wanted = {term for term, _w in terms}
        totals = {}
        for term, weight in terms:
            for number, score in self.postings.get(term, ()):
                totals[number] = totals.get(number, 0.0) + weight * score
        scored = [
            (score, self.docs[number]) for number, score in totals.items()
            if score > 0 and self.docs[number].slug not in exclude
        ]
        scored.sort(key=lambda item: (-item[0], item[1].page.order, item[1].slug))
        hits = tuple(
            Hit(
                slug=doc.slug,
                title=doc.page.title,
                url=f"/faq/{doc.slug}",
                summary=doc.page.summary,
                category=doc.page.category,
                score=round(score, 4),
                snippet=snippet(doc.text, doc.spans, wanted, positions=doc.positions),
            )
            for score, doc in scored[:limit]
        )
        return Results(query, hits, tuple(corrections), usable=True)


def snippet(text, spans, wanted, size=SNIPPET_WORDS, positions=None):
    """About `size` words of text around the most matches, matches in <mark>, escaped.

    `text` has its whitespace collapsed already and `spans` are its words, both
    computed once when the index is built; this only picks a window and escapes.
    """
    if positions is None:
        matches = [i for i, (_s, _e, term) in enumerate(spans) if term in wanted]
    else:  # the index's positions of each term: no walk over every word
        matches = sorted(i for term in wanted for i in positions.get(term, ()))
    if not matches:
        cut = spans[size - 1][1] if len(spans) > size else len(text)
        return Markup(html.escape(text[:cut]) + (" …" if cut < len(text) else ""))
    # Slide a window of `size` words over the matches; keep the one with most distinct terms.
    best_start, best_seen, low = matches[0], 0, 0
    for high in range(len(matches)):
        while matches[high] - matches[low] >= size:
            low += 1
        seen = len({spans[i][2] for i in matches[low:high + 1]})
        if seen > best_seen:
            best_start, best_seen = matches[low], seen
    first = max(0, best_start - 4)
    if spans[first][0] < 60:  # so close to the start that cutting would only lose context
        first = 0
    last = min(len(spans), first + size) - 1
    start = 0 if first == 0 else spans[first][0]
    end = len(text) if last == len(spans) - 1 else spans[last][1]
    parts = ["… " if start > 0 else ""]
    cursor = start
    for s, e, term in spans[first:last + 1]:
        if term in wanted:
            parts += [html.escape(text[cursor:s]), "<mark>", html.escape(text[s:e]), "</mark>"]
            cursor = e
    parts.append(html.escape(text[cursor:end]))
    if end < len(text):
        parts.append(" …")
    return Markup("".join(parts))


_cache = (None, None)  # (content index, its search index), replaced in one assignment


def search_index(content_index):
    """The search index of a content index, built on first use and kept with it.

    A reload of content (development) makes a new content index, hence a new
    search index; the previous one is dropped.
    """
    global _cache
    content, built = _cache
    if content is not content_index:
        built = SearchIndex(content_index)
        _cache = (content_index, built)
    return built


def search(content_index, query, **options):
    """Search the FAQ of content_index; see SearchIndex.search."""
    return search_index(content_index).search(query, **options)
