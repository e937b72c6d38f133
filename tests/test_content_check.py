"""`flask content check` on a content folder of our own making, one defect at a time."""


import pytest

from services.content.index import substitutions

ANSWER = """\
---
title: {title}
category: Joining
order: {order}
updated: 2026-11-01
summary: A short summary.
aliases: [{aliases}]
related: [{related}]
---
Some text with a [link to the other answer](/faq/{other}).

## A heading {{#a-heading}}

See the [guidelines](/guidelines#be-kind), [search](/search) or [contact us](/contact).
"""

GUIDELINES = """\
---
title: Community guidelines
updated: 2026-10-01
---
Intro.

## Be kind {#be-kind}

Be kind. Questions? See [the answer](/faq/alpha#a-heading).

## Report problems {#report-problems}

Tell [support](/contact).
"""

TREE = """\
start: start
steps:
  start:
    title: What happens?
    body: Pick one.
    choices:
      - label: Something
        next: fix
      - label: Nothing fits
        next: contact
  fix:
    title: The fix
    body: Do this.
    end: true
    faq: [alpha]
    links:
      - label: Read the answer
        url: /faq/beta
  contact:
    title: Contact support
    body: Write to us.
    end: true
    links:
      - label: Contact support
        url: /contact
"""


@pytest.fixture
def content_dir(tmp_path):
    root = tmp_path / "content"
    (root / "faq").mkdir(parents=True)
    (root / "help").mkdir()
    (root / "faq" / "alpha.md").write_text(ANSWER.format(
        title="Alpha question", order=1, aliases="old-alpha", related="beta", other="beta"))
    (root / "faq" / "beta.md").write_text(ANSWER.format(
        title="Beta question", order=2, aliases="old-beta", related="alpha", other="alpha"))
    (root / "guidelines.md").write_text(GUIDELINES)
    (root / "help" / "login.yaml").write_text(TREE)
    return root


@pytest.fixture
def check(app, content_dir):
    """Run `flask content check` on content_dir: (exit code, output lines)."""

    def run():
        app.config["CONTENT_DIR"] = str(content_dir)
        result = app.test_cli_runner().invoke(args=["content", "check"])
        return result.exit_code, result.output.strip().splitlines()

    return run


def edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def line_of(path, needle):
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_clean_content_passes(check):
    code, lines = check()
    assert code == 0, lines
    assert lines == ["Content is fine: 2 answers, 2 aliases, 2 guidelines, 3 login help steps."]


def test_a_broken_link_is_reported_with_file_and_line(check, content_dir):
    answer = content_dir / "faq" / "alpha.md"
    edit(answer, "[contact us](/contact)", "[contact us](/contcat)")
    code, lines = check()
    assert code == 1
    assert f"{answer}:{line_of(answer, '/contcat')}: link “/contcat”: no such page on this site" \
        in lines


@pytest.mark.parametrize(
    "old, new, needle, message",
    [
        ("related: [beta]", "related: [beta, gamma]", "related:",
         "related answer “gamma” does not exist"),
        ("aliases: [old-alpha]", "aliases: [beta]", "aliases:",
         "alias “beta” is also the slug of an answer"),
        ("(/faq/beta)", "(/faq/nothing-here)", "/faq/nothing-here",
         "link “/faq/nothing-here”: there is no answer “nothing-here”"),
        ("(/guidelines#be-kind)", "(/guidelines#be-nice)", "#be-nice",
         "link “/guidelines#be-nice”: the guidelines have no #be-nice"),
        ("(/faq/beta)", "(/faq/beta#no-such-heading)", "#no-such-heading",
         "link “/faq/beta#no-such-heading”: the answer has no #no-such-heading"),
        ("(/search)", "(#nowhere)", "#nowhere", "link “#nowhere”: this page has no #nowhere"),
        ("updated: 2026-11-01", "updated: someday", "updated:",
         "updated “someday” is not a date (YYYY-MM-DD)"),
        ("Some text", "Hello {{ NO_SUCH_SETTING }}", "NO_SUCH_SETTING",
         "unknown placeholder {{ NO_SUCH_SETTING }}"),
    ],
)
def test_each_defect_of_an_answer_is_reported_where_it_is(check, content_dir, old, new,
                                                          needle, message):
    answer = content_dir / "faq" / "alpha.md"
    edit(answer, old, new)
    code, lines = check()
    assert code == 1
    assert f"{answer}:{line_of(answer, needle)}: {message}" in lines, lines


def test_an_anchor_missing_from_an_answer_is_reported_from_the_guidelines(check, content_dir):
    guidelines = content_dir / "guidelines.md"
    edit(guidelines, "(/faq/alpha#a-heading)", "(/faq/alpha#b-heading)")
    code, lines = check()
    assert code == 1
    line = line_of(guidelines, "#b-heading")
    assert f"{guidelines}:{line}: link “/faq/alpha#b-heading”: the answer has no #b-heading" \
        in lines


def test_a_guideline_without_an_anchor_is_reported(check, content_dir):
    guidelines = content_dir / "guidelines.md"
    edit(guidelines, "## Report problems {#report-problems}", "## Report problems")
    code, lines = check()
    assert code == 1
    assert (f"{guidelines}:{line_of(guidelines, '## Report problems')}: "
            "a guideline heading needs a {#anchor}") in lines


def test_a_missing_front_matter_field_is_reported(check, content_dir):
    answer = content_dir / "faq" / "beta.md"
    edit(answer, "summary: A short summary.\n", "")
    code, lines = check()
    assert code == 1
    assert f"{answer}:2: missing front matter: summary" in lines


@pytest.mark.parametrize(
    "old, new, step, message",
    [
        ("    end: true\n    faq: [alpha]", "    faq: [alpha]", "fix",
         "step “fix” is a dead end: give it choices or mark it `end: true`"),
        ("      - label: Nothing fits\n        next: contact\n", "", "contact",
         "step “contact” cannot be reached from the start"),
        ("next: fix", "next: fixx", "start",
         "step “start” leads to “fixx”, which does not exist"),
        ("faq: [alpha]", "faq: [omega]", "fix", "step “fix”: no answer “omega”"),
        ("url: /faq/beta", "url: /faq/zeta", "fix",
         "step “fix”: link “/faq/zeta”: there is no answer “zeta”"),
    ],
)
def test_a_broken_login_tree_is_reported(check, content_dir, old, new, step, message):
    tree = content_dir / "help" / "login.yaml"
    edit(tree, old, new)
    code, lines = check()
    assert code == 1
    assert f"{tree}:{line_of(tree, f'  {step}:')}: {message}" in lines, lines


def test_the_shipped_content_is_clean(runner):
    """`flask content check` passes on the content we ship, as the suite requires."""
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "Content is fine: 27 answers" in result.output


def test_an_unchanged_content_folder_is_loaded_once_and_shared(app):
    from services.content.index import _shared_index

    with app.app_context():
        directory, subs = app.config["CONTENT_DIR"], substitutions(app.config)
        assert _shared_index(directory, subs) is _shared_index(directory, subs)


def test_in_development_an_edited_answer_is_served_without_a_restart(tmp_path, content_dir):
    import os

    from app import create_app
    from tests.support.database import base_test_config

    config = base_test_config(tmp_path, f"sqlite:///{tmp_path / 'dev.sqlite3'}")
    config.update(TESTING=False, DEBUG=True, CONTENT_DIR=str(content_dir))
    client = create_app(config).test_client()
    assert "Alpha question" in client.get("/faq/alpha").get_data(as_text=True)
    answer = content_dir / "faq" / "alpha.md"
    edit(answer, "title: Alpha question", "title: Alpha, reworded")
    later = os.stat(answer).st_mtime_ns + 10**9
    os.utime(answer, ns=(later, later))
    assert "Alpha, reworded" in client.get("/faq/alpha").get_data(as_text=True)
    hits = client.get("/api/faq?q=reworded").get_json()["results"]
    assert [hit["slug"] for hit in hits] == ["alpha"]

