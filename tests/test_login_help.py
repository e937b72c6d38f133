"""Login help: every path of the tree through the pages, Back and Start over, content check."""

import html as html_lib
import re
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest

from services.content.index import load_content, substitutions
from services.content.login_help import parse_trail

CHOICE_RE = re.compile(r'<a class="choice" href="([^"]+)">')
BACK_RE = re.compile(r'<a href="([^"]+)">Back</a>')
H1_RE = re.compile(r"<h1>(.*?)</h1>", re.S)


def tree_of(app):
    with app.app_context():
        return load_content(app.config["CONTENT_DIR"], substitutions(app.config)).login_tree


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def step_of(url):
    path = urlsplit(url).path
    return path.rsplit("/", 1)[1] if path != "/help/login" else "start"


def test_every_path_from_the_start_reaches_an_end_step(app, client):
    tree = tree_of(app)
    ends = {step_id for step_id, step in tree.steps.items() if step.end}
    reached_ends, visited, paths = set(), set(), 0

    def walk(url, path, previous_url):
        nonlocal paths
        html = html_lib.unescape(page(client, url))
        step_id = step_of(url)
        step = tree.steps[step_id]
        visited.add(step_id)
        assert html_lib.unescape(H1_RE.search(html).group(1)) == step.title
        if previous_url is not None:
            # Back returns to exactly the page we came from, trail and all.
            assert BACK_RE.search(html).group(1) == previous_url
            assert '<a href="/help/login">Start over</a>' in html
        choices = CHOICE_RE.findall(html)
        assert [step_of(c) for c in choices] == [next_id for _label, next_id in step.choices]
        if not choices:
            assert step.end, f"{step_id} is a dead end"
            reached_ends.add(step_id)
            paths += 1
            for label, link in step.links:
                assert f'href="{link}">{label}</a>' in html
            for slug in step.faq:
                assert f'href="/faq/{slug}"' in html
            return
        for choice in choices:
            assert step_of(choice) not in path, f"a loop through {step_of(choice)}"
            walk(choice, path + [step_of(choice)], url)

    walk("/help/login", ["start"], None)
    assert reached_ends == ends
    assert visited == set(tree.steps)
    assert paths >= len(ends)


def test_the_start_page_has_no_back_link_and_links_its_answers(client):
    html = page(client, "/help/login")
    assert "Back</a>" not in html
    assert 'href="/faq/cant-log-in"' in html


def test_the_start_step_has_its_own_url_too(client):
    assert H1_RE.search(page(client, "/help/login/start")).group(1) == H1_RE.search(
        page(client, "/help/login")
    ).group(1)


def test_a_step_opened_directly_goes_back_to_a_step_that_leads_there(client):
    html = page(client, "/help/login/forgot-password")
    assert BACK_RE.search(html).group(1) == "/help/login/login-error"


@pytest.mark.parametrize(
    "trail",
    [
        "start,lock-screen",  # lock-screen does not lead to forgot-password
        "login-error",  # does not begin at the start
        "start,nope",
        "start,start,login-error",
        ",".join(["start"] * 100),
        "<script>",
    ],
)
def test_a_forged_trail_is_ignored(client, trail):
    html = page(client, f"/help/login/forgot-password?trail={trail}")
    back = BACK_RE.search(html).group(1)
    assert back == "/help/login/login-error"
    assert "<script>" not in html


def test_choices_carry_the_trail(client):
    html = page(client, "/help/login/login-error?trail=start")
    first = CHOICE_RE.findall(html)[0]
    assert parse_qs(urlsplit(html_lib.unescape(first)).query)["trail"] == ["start,login-error"]


def test_parse_trail(app):
    tree = tree_of(app)
    assert parse_trail(tree, "start,not-joined-yet", "check-status") == ["start", "not-joined-yet"]
    assert parse_trail(tree, "start,not-joined-yet", "forgot-password") == []
    assert parse_trail(tree, "", "forgot-password") == []


def test_an_unknown_step_is_a_404_with_a_link_to_the_start(client):
    response = client.get("/help/login/no-such-step")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "We can't find that step" in html
    assert 'href="/help/login"' in html


# ---- content check on a broken tree --------------------------------------------


@pytest.fixture
def content_copy(app, tmp_path):
    """A private copy of content/ that the app (and `flask content check`) reads."""
    copy = tmp_path / "content"
    shutil.copytree(app.config["CONTENT_DIR"], copy)
    app.config["CONTENT_DIR"] = str(copy)
    return copy


def tree_problems(runner):
    result = runner.invoke(args=["content", "check"])
    lines = [line for line in result.output.splitlines() if "login.yaml" in line]
    # Links to pages other branches add are not this test's business.
    return result, [line for line in lines if "no such page on this site" not in line]


def test_the_shipped_tree_has_no_problems(runner, content_copy):
    _result, problems = tree_problems(runner)
    assert problems == []


def break_tree(content_copy, old, new):
    path = content_copy / "help" / "login.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_content_check_names_the_step_that_leads_nowhere(runner, content_copy):
    break_tree(content_copy, "next: forgot-password", "next: forgot-pasword")
    result, problems = tree_problems(runner)
    assert result.exit_code == 1
    assert any(
        "step “login-error” leads to “forgot-pasword”, which does not exist" in line
        and re.search(r"login\.yaml:\d+:", line)
        for line in problems
    ), problems


def test_content_check_finds_a_dead_end_and_an_unreachable_step(runner, content_copy):
    break_tree(
        content_copy,
        "      - label: Something else\n        next: contact-support\n",
        "",
    )
    break_tree(content_copy, "  facebook-group:\n", "  facebook-group:\n    end: false\n")
    break_tree(
        content_copy,
        "      - label: I was a member of the old Facebook group\n        next: facebook-group\n",
        "",
    )
    result, problems = tree_problems(runner)
    assert result.exit_code == 1
    text = "\n".join(problems)
    assert "step “facebook-group” cannot be reached from the start" in text
    assert "step “facebook-group” is an end step but has choices" not in text


def test_content_check_finds_a_step_without_choices(runner, content_copy):
    break_tree(content_copy, "    choices:\n      - label: No, or I'm not sure\n"
               "        next: log-in-first\n      - label: Yes, but I still see the join form\n"
               "        next: logged-in-but-locked\n", "")
    result, problems = tree_problems(runner)
    assert result.exit_code == 1
    assert any("step “lock-screen” is a dead end" in line for line in problems), problems
