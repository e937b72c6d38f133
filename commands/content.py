import click
from flask import current_app
from flask.cli import AppGroup

from services.content.check import check_content
from services.content.index import load_content, substitutions

group = AppGroup("content", help="The FAQ, guidelines and login help in content/.")


@group.command("check")
def check():
    """Validate content/: front matter, slugs, aliases, links, anchors and the login tree."""
    config = current_app.config
    index = load_content(config["CONTENT_DIR"], substitutions(config))
    problems = check_content(index, current_app.url_map)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        raise SystemExit(1)
    tree_steps = len(index.login_tree.steps) if index.login_tree else 0
    click.echo(
        f"Content is fine: {len(index.faq)} answers, {len(index.aliases)} aliases, "
        f"{len(index.guidelines.guidelines) if index.guidelines else 0} guidelines, "
        f"{tree_steps} login help steps."
    )
