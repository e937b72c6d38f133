"""What content/ becomes in memory: answers, guidelines, the login tree, and problems."""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

CATEGORY_ORDER = [
    "About the community", "Joining", "Invitations", "Logging in", "Your account", "Getting help",
]

@dataclass(frozen=True)
class Problem:
    """A defect in content, reported by `flask content check` as file:line: message."""

    path: str
    line: int
    message: str

    def __str__(self):
        return f"{self.path}:{self.line}: {self.message}"

@dataclass
class FaqPage:
    slug: str
    title: str
    category: str
    order: int
    updated: date
    summary: str
    aliases: tuple
    related: tuple
    html: str
    text: str
    anchors: frozenset
    path: str
    source: str  # the Markdown body after placeholders, for link checks and search
    body_line: int  # the line of the file where the body starts
    meta_lines: dict = field(default_factory=dict)  # front matter key -> line in the file
    etag: str = ""  # changes whenever anything shown about the answer changes

    def line_of(self, key):
        """The line of a front matter key, so problems point at it (1 when absent)."""
        return self.meta_lines.get(key, 1)

@dataclass
class Guideline:
    anchor: str
    title: str

@dataclass
class GuidelinesPage:
    title: str
    updated: date | None
    html: str
    guidelines: list
    anchors: frozenset
    path: str
    source: str
    body_line: int

@dataclass
class LoginStep:
    id: str
    title: str
    body_html: str
    choices: list  # [(label, next_id)]
    end: bool
    links: list  # [(label, url)]
    faq: list  # [slug]

@dataclass
class LoginTree:
    start: str
    steps: dict
    path: str

@dataclass
class ContentIndex:
    faq: dict = field(default_factory=dict)  # slug -> FaqPage
    aliases: dict = field(default_factory=dict)  # old slug -> slug
    guidelines: GuidelinesPage | None = None
    login_tree: LoginTree | None = None
    problems: list = field(default_factory=list)
    signature: tuple = ()
    version: str = ""  # a digest of everything rendered; part of every ETag


    def resolve(self, slug):
        """The page for a slug or an alias (with whether it was an alias), or (None, False)."""
        if slug in self.faq:
            return self.faq[slug], False
        if slug in self.aliases:
            return self.faq[self.aliases[slug]], True
        return None, False

    @cached_property
    def _categories(self):
        groups = {}
        for page in sorted(self.faq.values(), key=lambda p: (p.order, p.title)):
            groups.setdefault(page.category, []).append(page)
        order = sorted(groups, key=lambda c: CATEGORY_ORDER.index(c) if c in CATEGORY_ORDER else 99)
        return tuple((category, tuple(groups[category])) for category in order)

    def categories(self):
        """[(category, [pages ordered])]: the known categories first, in CATEGORY_ORDER.

        Computed once per index (the index never changes; a reload builds a new one).
        """
        return self._categories
