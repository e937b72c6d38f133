"""Every setting is in the README's settings table, and the table names no setting
that does not exist (issue 26): an operator reads one, the code reads the other."""

import re
from pathlib import Path

import settings

README = Path(__file__).resolve().parent.parent / "README.md"
HEADER = "| variable | default | what it does |"
# Read from the environment by gunicorn.conf.py, before there is an app to configure.
READ_BY_GUNICORN_ONLY = {"PROMETHEUS_MULTIPROC_DIR"}


def documented_names():
    text = README.read_text(encoding="utf-8")
    rows = text[text.index(HEADER):].splitlines()[2:]
    names = set()
    for row in rows:
        if not row.startswith("|"):
            break
        names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1]))
    return names


def test_every_setting_is_in_the_readme_table():
    missing = sorted(set(settings.DEFAULTS) - documented_names())
    assert missing == [], f"add these to the README's settings table: {missing}"


def test_the_readme_table_names_only_real_settings():
    unknown = sorted(documented_names() - set(settings.DEFAULTS) - READ_BY_GUNICORN_ONLY)
    assert unknown == [], f"the README's settings table names unknown settings: {unknown}"
