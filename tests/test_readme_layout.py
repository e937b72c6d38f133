"""The README's layout section matches the tree: what it names exists, and what exists is named.

The section's code block has one entry per line: a path in the first column (a file
or a folder ending in "/"), entries indented two spaces lying inside the folder above,
then words. A module named in the words of a services/ package (`receiving.py`) lies
in that package.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY = re.compile(r"^( *)(\S+)")
MODULE = re.compile(r"\b([a-z_]+\.py)\b")


def _layout_block():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```\n", 2)[1]


def _entries():
    """(path the entry names, the modules its words name) for every entry of the block."""
    entries, parent = [], Path()
    for line in _layout_block().splitlines():
        indent, name = ENTRY.match(line).groups() if ENTRY.match(line) else ("", "")
        if not name:
            continue
        if len(indent) >= 4 and entries:  # a continuation of the entry above
            entries[-1][1].extend(MODULE.findall(line))
            continue
        base = Path() if not indent else parent
        for one in filter(None, name.split(",")):  # "tokens.py, links.py": the first
            path = base / one.rstrip("/")
            if not indent and one.endswith("/"):
                parent = path
            words = line[len(indent) + len(name):]
            entries.append((path, MODULE.findall(words) if one.endswith("/") else []))
    return entries


def test_every_path_the_layout_names_exists():
    missing = [str(path) for path, _ in _entries() if not (ROOT / path).exists()
               and "<" not in str(path)]
    assert missing == []


def test_every_module_named_in_a_packages_words_lies_in_that_package():
    missing = [
        f"{folder}/{module}"
        for folder, modules in _entries()
        for module in modules
        if folder.parent == Path("services") and not (ROOT / folder / module).exists()
    ]
    assert missing == []


def test_every_module_of_web_models_and_the_services_packages_is_in_the_layout():
    block = _layout_block()
    named = {str(path) for path, _ in _entries()}
    unnamed = [
        str(path.relative_to(ROOT))
        for folder in ("web", "models")
        for path in sorted((ROOT / folder).glob("*.py"))
        if path.name != "__init__.py" and str(path.relative_to(ROOT)) not in named
    ]
    unnamed += [
        str(package.relative_to(ROOT)) for package in sorted((ROOT / "services").iterdir())
        if (package / "__init__.py").exists() and str(package.relative_to(ROOT)) not in named
    ]
    unnamed += [
        str(path.relative_to(ROOT)) for path in sorted((ROOT / "services").glob("*.py"))
        if path.name != "__init__.py" and path.name not in block
    ]
    assert unnamed == []


def test_the_layout_reader_sees_entries_and_their_modules():
    entries = dict((str(path), modules) for path, modules in _entries())
    assert "services/inbound" in entries and "receiving.py" in entries["services/inbound"]
    assert "web/request_guard.py" in entries and "app.py" in entries
