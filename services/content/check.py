"""`flask content check`: every defect in content/ with its file and line."""

import re
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect

from services.content.model import Problem

LINK_RE = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def check_content(index, url_map):
    """All problems: those found while loading, then links, related answers and the tree."""
    problems = list(index.problems)
    adapter = url_map.bind("localhost")
    for page in index.faq.values():
        for slug in page.related:
            if slug not in index.faq:
                problems.append(Problem(page.path, page.line_of("related"),
                                        f"related answer “{slug}” does not exist"))
            elif slug == page.slug:
                problems.append(Problem(page.path, page.line_of("related"),
                                        "an answer cannot be related to itself"))
        problems += _check_links(page.source, page.path, page.body_line, index, adapter,
                                 page.anchors)
    if index.guidelines is not None:
        guidelines = index.guidelines
        problems += _check_links(guidelines.source, guidelines.path, guidelines.body_line,
                                 index, adapter, guidelines.anchors)
        anchors = [g.anchor for g in guidelines.guidelines]
        for anchor in {a for a in anchors if anchors.count(a) > 1}:
            problems.append(Problem(guidelines.path, 1, f"the anchor #{anchor} is used twice"))
    if index.login_tree is not None:
        problems += check_tree(index.login_tree, index, adapter)
    return problems


def _check_links(source, path, first_line, index, adapter, own_anchors=frozenset()):
    problems = []
    for match in LINK_RE.finditer(source):
        line = first_line + source.count("\n", 0, match.start())
        reason = link_problem(match.group(1), index, adapter, own_anchors)
        if reason:
            problems.append(Problem(path, line, reason))
    return problems


def link_problem(url, index, adapter, own_anchors=None):
    """Why an internal link is broken, or None (external links are not fetched).

    own_anchors: the ids of the page the link is on, to check in-page #anchors.
    """
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("mailto:"):
        return None
    if not parts.path:
        if own_anchors is not None and parts.fragment and parts.fragment not in own_anchors:
            return f"link “{url}”: this page has no #{parts.fragment}"
        return None
    if not parts.path.startswith("/"):
        return f"link “{url}” should start with / (a site path)"
    segments = parts.path.strip("/").split("/")
    anchor = parts.fragment
    if segments[0] == "faq" and len(segments) == 2:
        page, _alias = index.resolve(segments[1])
        if page is None:
            return f"link “{url}”: there is no answer “{segments[1]}”"
        if anchor and anchor not in page.anchors:
            return f"link “{url}”: the answer has no #{anchor}"
        return None
    if segments == ["guidelines"] and anchor:
        if index.guidelines is None or anchor not in index.guidelines.anchors:
            return f"link “{url}”: the guidelines have no #{anchor}"
        return None
    if segments[:2] == ["help", "login"] and len(segments) == 3:
        tree = index.login_tree
        if tree is None or segments[2] not in tree.steps:
            return f"link “{url}”: the login help has no step “{segments[2]}”"
        return None
    try:
        adapter.match(parts.path, method="GET")
    except (RequestRedirect, MethodNotAllowed):
        return None
    except HTTPException:
        return f"link “{url}”: no such page on this site"
    return None


def check_tree(tree, index, adapter):
    """Every step reachable from the start, no dead ends, every link and answer exists."""
    problems = []
    path = tree.path
    with open(path, encoding="utf-8") as handle:
        text = handle.read()

    def line_of(step_id):
        match = re.search(rf"^\s+{re.escape(step_id)}:\s*$", text, re.MULTILINE)
        return text.count("\n", 0, match.start()) + 1 if match else 1

    if tree.start not in tree.steps:
        problems.append(Problem(path, 1, f"the start step “{tree.start}” does not exist"))
        return problems
    for step in tree.steps.values():
        line = line_of(step.id)
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", step.id):
            problems.append(Problem(path, line, f"step id “{step.id}” must be lowercase-with-hyphens"))
        if not step.title:
            problems.append(Problem(path, line, f"step “{step.id}” has no title"))
        if step.end and step.choices:
            problems.append(Problem(path, line, f"step “{step.id}” is an end step but has choices"))
        if not step.end and not step.choices:
            problems.append(Problem(path, line, f"step “{step.id}” is a dead end: "
                                    "give it choices or mark it `end: true`"))
        for label, next_id in step.choices:
            if not label:
                problems.append(Problem(path, line, f"a choice of “{step.id}” has no label"))
            if next_id not in tree.steps:
                problems.append(Problem(path, line, f"step “{step.id}” leads to “{next_id}”, "
                                        "which does not exist"))
        for _label, url in step.links:
            reason = link_problem(url, index, adapter) if url else "a link has no url"
            if reason:
                problems.append(Problem(path, line, f"step “{step.id}”: {reason}"))
        for slug in step.faq:
            if index.resolve(slug)[0] is None:
                problems.append(Problem(path, line, f"step “{step.id}”: no answer “{slug}”"))
    reached, queue = {tree.start}, [tree.start]
    while queue:
        for _label, next_id in tree.steps[queue.pop()].choices:
            if next_id in tree.steps and next_id not in reached:
                reached.add(next_id)
                queue.append(next_id)
    for step_id in tree.steps:
        if step_id not in reached:
            problems.append(Problem(path, line_of(step_id),
                                    f"step “{step_id}” cannot be reached from the start"))
    return problems
