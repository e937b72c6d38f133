"""Reading the files of content/: front matter, Markdown, placeholders, the login tree.

Each loader returns what it read and appends any defect to `problems` (with its
file and line) instead of raising, so one bad file never stops the site.
"""

import hashlib
import os
import re
from datetime import date, datetime
from html.parser import HTMLParser

import markdown
import yaml

from services.content.model import FaqPage, Guideline, GuidelinesPage, LoginStep, LoginTree, Problem

PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Z_]+)\s*\}\}")


PLACEHOLDERS = (
    "BRAND_NAME", "COMMUNITY_NAME", "ACCOUNT_DOMAIN", "SUPPORT_EMAIL", "COMMUNITY_URL",
    "COMMUNITY_LOGIN_URL", "COMMUNITY_RESET_URL", "SITE_URL",
)


REQUIRED_FAQ_FIELDS = ("title", "category", "order", "updated", "summary")


SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


MARKDOWN_EXTENSIONS = ["toc", "tables", "attr_list", "fenced_code", "sane_lists"]


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


def _read_page(path, problems):
    """A Markdown file's front matter, body and the line its body starts on."""
    with open(path, encoding="utf-8") as handle:
        return split_front_matter(handle.read(), path, problems)


def _render_body(body, body_line, path, substitutions, problems):
    """A page's body, placeholders filled, rendered: the fields every page has, and its text."""
    source = fill_placeholders(body, substitutions, problems, path, body_line)
    html = render_markdown(source)
    text, anchors = html_to_text(html)
    fields = {"html": html, "anchors": anchors, "path": path, "source": source,
              "body_line": body_line}
    return fields, text


def load_faq(path, substitutions, problems):
    slug = os.path.basename(path)[:-3]
    meta, body, body_line = _read_page(path, problems)
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
    rendered, text = _render_body(body, body_line, path, substitutions, problems)
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
        text=text,
        meta_lines=key_lines,
        **rendered,
    )
    page.etag = _digest([slug, page.title, page.category, page.order, updated, page.summary,
                         page.aliases, page.related, page.html])
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


def load_guidelines(path, substitutions, problems):
    meta, body, body_line = _read_page(path, problems)
    meta = meta or {}
    meta.pop("__lines__", None)
    rendered, _text = _render_body(body, body_line, path, substitutions, problems)
    guidelines = []
    for line_no, line in enumerate(rendered["source"].split("\n"), start=body_line):
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
        guidelines=guidelines,
        **rendered,
    )


def load_tree(path, substitutions, problems):
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
