"""Rendered pages kept in memory, per process: bounded, expiring, dropped with their content.

A page built only from content (the FAQ index, a search's results) is the same
for every visitor until the content changes; a page built from votes may lag a
little (`max_age`). Each cache holds at most `size` pages, forgetting the least
recently used, so 500 different searches cannot grow it without end.
"""

import threading
import time
from collections import OrderedDict


class PageCache:
    def __init__(self, size=256, max_age=None):
        self.size = size
        self.max_age = max_age
        self._pages = OrderedDict()
        self._generation = None
        self._lock = threading.Lock()

    def get(self, generation, key):
        """The page stored under key for this generation (content version), or None."""
        with self._lock:
            if generation != self._generation:
                self._pages.clear()
                self._generation = generation
                return None
            entry = self._pages.get(key)
            if entry is None:
                return None
            stored_at, page = entry
            if self.max_age is not None and time.monotonic() - stored_at > self.max_age:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, generation, key, page):
        with self._lock:
            if generation != self._generation:
                self._pages.clear()
                self._generation = generation
            self._pages[key] = (time.monotonic(), page)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)
        return page


def page_cache(app, name, **options):
    """The app's cache called name, made on first use."""
    caches = app.extensions.setdefault("lobby_page_caches", {})
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, PageCache(**options))
    return cache
