"""The content of content/: FAQ answers, guidelines and the login help tree.

Markdown is rendered once, at start-up, into an in-memory index; requests only
read the index. In development, an edited file is picked up on the next request
(a cheap check of file modification times), without a restart.
"""

import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from html.parser import HTMLParser

import markdown
import yaml
from flask import current_app

EXTENSION_KEY = "lobby_content"
PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Z_]+)\s*\}\}")
PLACEHOLDERS = (
    "BRAND_NAME", "COMMUNITY_NAME", "ACCOUNT_DOMAIN", "SUPPORT_EMAIL", "COMMUNITY_URL",
    "COMMUNITY_LOGIN_URL", "COMMUNITY_RESET_URL", "SITE_URL",
)
REQUIRED_FAQ_FIELDS = ("title", "category", "order", "updated", "summary")
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MARKDOWN_EXTENSIONS = ["toc", "tables", "attr_list", "fenced_code", "sane_lists"]


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


CATEGORY_ORDER = [
    "About the community", "Joining", "Invitations", "Logging in", "Your account", "Getting help",
]


def init_app(app):
    app.extensions[EXTENSION_KEY] = _shared_index(app.config["CONTENT_DIR"],
                                                  substitutions(app.config))
    if app.config["IS_DEVELOPMENT"]:
        app.before_request(_reload_if_changed)


_loaded = {}  # (content dir, substitutions) -> the index, while its files are unchanged


def _shared_index(content_dir, subs):
    """The index of content_dir, shared by apps of this process with the same settings.

    An index is never changed once built, so apps (the test suite makes one per
    test) can share it; a changed file gives a new signature and a new index.
    """
    key = (os.path.abspath(content_dir), tuple(sorted(subs.items())))
    index = _loaded.get(key)
    if index is None or index.signature != _signature(content_dir):
        index = _loaded[key] = load_content(content_dir, subs)
    return index


def get_index():
    return current_app.extensions[EXTENSION_KEY]


def _reload_if_changed():
    app = current_app
    index = app.extensions[EXTENSION_KEY]
    if _signature(app.config["CONTENT_DIR"]) != index.signature:
        app.extensions[EXTENSION_KEY] = load_content(
            app.config["CONTENT_DIR"], substitutions(app.config)
        )


def substitutions(config):
    return {name: str(config.get(name, "")) for name in PLACEHOLDERS}


def fill_placeholders(text, substitutions, problems=None, path="", first_line=1):
    def replace(match):
        name = match.group(1)
        if name in substitutions:
            return substitutions[name]
        if problems is not None:
            line = first_line + text.count("\n", 0, match.start())
            problems.append(Problem(path, line, f"unknown placeholder {{{{ {name} }}}}"))
        return match.group(0)

    return PLACEHOLDER_RE.sub(replace, text)


def _content_files(content_dir):
    for folder, _dirs, files in os.walk(content_dir):
        for name in sorted(files):
            if name.endswith((".md", ".yaml", ".yml")):
                yield os.path.join(folder, name)


def _signature(content_dir):
    return tuple(
        (path, os.stat(path).st_mtime_ns) for path in sorted(_content_files(content_dir))
    )


def load_content(content_dir, substitutions):
    """Read and render everything under content_dir; problems are collected, not raised."""
    index = ContentIndex(signature=_signature(content_dir))
    faq_dir = os.path.join(content_dir, "faq")
    if os.path.isdir(faq_dir):
        for name in sorted(os.listdir(faq_dir)):
            if name.endswith(".md"):
                page = _load_faq(os.path.join(faq_dir, name), substitutions, index.problems)
                if page is not None:
                    index.faq[page.slug] = page
    for page in index.faq.values():
        line = page.line_of("aliases")
        for alias in page.aliases:
            if not SLUG_RE.fullmatch(alias):
                index.problems.append(Problem(page.path, line, f"alias “{alias}” is not a valid slug"))
            if alias in index.faq:
                index.problems.append(
                    Problem(page.path, line, f"alias “{alias}” is also the slug of an answer")
                )
            elif alias in index.aliases:
                index.problems.append(
                    Problem(page.path, line, f"alias “{alias}” is also an alias of "
                            f"“{index.aliases[alias]}”")
                )
            else:
                index.aliases[alias] = page.slug
    guidelines_path = os.path.join(content_dir, "guidelines.md")
    if os.path.exists(guidelines_path):
        index.guidelines = _load_guidelines(guidelines_path, substitutions, index.problems)
    tree_path = os.path.join(content_dir, "help", "login.yaml")
    if os.path.exists(tree_path):
        index.login_tree = _load_tree(tree_path, substitutions, index.problems)
    index.version = _digest(
        [page.etag for page in index.faq.values()]
        + [index.guidelines.html if index.guidelines else ""]
    )
    return index


def _digest(parts):
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:20]


def _key_lines(front_matter_lines, first_line):
    """{key: line number} of the top-level keys of front matter."""
    lines = {}
    for number, line in enumerate(front_matter_lines, start=first_line):
        match = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if match:
            lines.setdefault(match.group(1), number)
    return lines


def split_front_matter(text, path, problems):
    """(metadata dict, body, line where the body starts) of a Markdown file.

    The metadata carries the line of each key under the "__lines__" key.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(path, 1, "the file must start with front matter between --- lines"))
        return None, text, 1
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        problems.append(Problem(path, 1, "the front matter has no closing --- line"))
        return None, text, 1
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 2
        problems.append(Problem(path, line, f"the front matter is not valid YAML: {exc}"))
        return None, text, 1
    if not isinstance(meta, dict):
        problems.append(Problem(path, 2, "the front matter must be a list of `name: value` lines"))
        return None, text, 1
    meta["__lines__"] = _key_lines(lines[1:end], 2)
    return meta, "\n".join(lines[end + 1:]), end + 2


def render_markdown(text):
    return markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
        if tag in ("p", "li", "h1", "h2", "h3", "h4", "tr", "br"):
            self.parts.append("\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(html):
    """Plain text of rendered HTML, and the set of element ids (anchors) in it."""
    parser = _TextExtractor()
    parser.feed(html)
    text = re.sub(r"[ \t]+", " ", "".join(parser.parts))
    text = re.sub(r"\n\s*\n+", "\n\n", text).strip()
    return text, frozenset(parser.ids)


def _as_list(value):
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return tuple(str(v) for v in value)


def _load_faq(path, substitutions, problems):
    slug = os.path.basename(path)[:-3]
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    meta, body, body_line = split_front_matter(text, path, problems)
    if meta is None:
        return None
    key_lines = meta.pop("__lines__")
    if not SLUG_RE.fullmatch(slug):
        problems.append(Problem(path, 1, f"the file name “{slug}” is not a valid slug"))
    missing = [name for name in REQUIRED_FAQ_FIELDS if meta.get(name) in (None, "")]
    if missing:
        problems.append(Problem(path, 2, "missing front matter: " + ", ".join(missing)))
        return None
    updated = _as_date(meta["updated"])
    if updated is None:
        problems.append(Problem(path, key_lines.get("updated", 2),
                                f"updated “{meta['updated']}” is not a date (YYYY-MM-DD)"))
        return None
    if not isinstance(meta["order"], int) or isinstance(meta["order"], bool):
        problems.append(Problem(path, key_lines.get("order", 2), "order must be a whole number"))
        return None
    source = fill_placeholders(body, substitutions, problems, path, body_line)
    html = render_markdown(source)
    plain, anchors = html_to_text(html)
    page = FaqPage(
        slug=slug,
        title=fill_placeholders(str(meta["title"]), substitutions, problems, path,
                                key_lines.get("title", 1)),
        category=str(meta["category"]),
        order=meta["order"],
        updated=updated,
        summary=fill_placeholders(str(meta["summary"]), substitutions, problems, path,
                                  key_lines.get("summary", 1)),
        aliases=_as_list(meta.get("aliases")),
        related=_as_list(meta.get("related")),
        html=html,
        text=plain,
        anchors=anchors,
        path=path,
        source=source,
        body_line=body_line,
        meta_lines=key_lines,
    )
    page.etag = _digest([slug, page.title, page.category, page.order, updated, page.summary,
                         page.aliases, page.related, html])
    return page


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _load_guidelines(path, substitutions, problems):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    meta, body, body_line = split_front_matter(text, path, problems)
    meta = meta or {}
    meta.pop("__lines__", None)
    source = fill_placeholders(body, substitutions, problems, path, body_line)
    html = render_markdown(source)
    _plain, anchors = html_to_text(html)
    guidelines = []
    for line_no, line in enumerate(source.split("\n"), start=body_line):
        match = re.match(r"^##\s+(.+?)\s*(?:\{#([a-z0-9-]+)\})?\s*$", line)
        if match:
            if not match.group(2):
                problems.append(Problem(path, line_no, "a guideline heading needs a {#anchor}"))
                continue
            guidelines.append(Guideline(anchor=match.group(2), title=match.group(1)))
    updated = meta.get("updated")
    return GuidelinesPage(
        title=str(meta.get("title", "Community guidelines")),
        updated=_as_date(updated) if updated else None,
        html=html,
        guidelines=guidelines,
        anchors=anchors,
        path=path,
        source=source,
        body_line=body_line,
    )


def _load_tree(path, substitutions, problems):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        problems.append(Problem(path, line, f"not valid YAML: {exc}"))
        return None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), dict):
        problems.append(Problem(path, 1, "the tree needs `start:` and a `steps:` mapping"))
        return None
    steps = {}
    for step_id, raw in data["steps"].items():
        if not isinstance(raw, dict):
            problems.append(Problem(path, _line_of(text, step_id), f"step “{step_id}” is empty"))
            continue
        choices = [
            (fill_placeholders(str(c.get("label", "")), substitutions), str(c.get("next", "")))
            for c in raw.get("choices") or []
            if isinstance(c, dict)
        ]
        links = [
            (fill_placeholders(str(link.get("label", "")), substitutions),
             fill_placeholders(str(link.get("url", "")), substitutions))
            for link in raw.get("links") or []
            if isinstance(link, dict)
        ]
        steps[str(step_id)] = LoginStep(
            id=str(step_id),
            title=fill_placeholders(str(raw.get("title", "")), substitutions),
            body_html=render_markdown(fill_placeholders(str(raw.get("body", "")), substitutions)),
            choices=choices,
            end=bool(raw.get("end")),
            links=links,
            faq=list(_as_list(raw.get("faq"))),
        )
    return LoginTree(start=str(data.get("start", "")), steps=steps, path=path)


def _line_of(text, needle):
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in line:
            return number
    return 1
