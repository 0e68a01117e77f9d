"""The README and its pages in docs/: short, every link and anchor resolves, every command exists.

Anchors follow GitHub's rule: a heading lowercased, its punctuation removed and
its spaces turned into '-', with "-1", "-2", ... after a repeated heading.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = sorted((ROOT / "docs").glob("*.md"))
MAX_README_LINES = 150
# [text](target) and ![alt](target); a target is relative unless it has a scheme
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


def prose_lines(path):
    """The lines of a markdown file outside fenced code blocks."""
    lines, fenced = [], False
    for line in path.read_text("utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def anchor(heading):
    """GitHub's anchor of a heading's text."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path):
    """Every anchor a markdown file's headings make, repeats numbered as GitHub does."""
    seen, found = {}, set()
    for line in prose_lines(path):
        heading = re.match(r"#{1,6} (.+)", line)
        if heading:
            base = anchor(heading.group(1))
            found.add(base if base not in seen else f"{base}-{seen[base]}")
            seen[base] = seen.get(base, 0) + 1
    return found


def relative_links(path):
    """The relative link targets of a markdown file's prose, as ``(file, anchor or None)``."""
    for line in prose_lines(path):
        for target in LINK.findall(line):
            if not SCHEME.match(target):
                file, _, fragment = target.partition("#")
                yield (path.parent / file).resolve() if file else path, fragment or None


def broken_links(path):
    """The relative links of ``path`` whose file or heading does not exist."""
    broken = []
    for target, fragment in relative_links(path):
        if not target.exists():
            broken.append(f"{target.name}: no such file")
        elif fragment and target.suffix == ".md" and fragment not in anchors(target):
            broken.append(f"{target.name}#{fragment}: no such heading")
    return broken


@pytest.mark.parametrize("path", [README, ROOT / "README.zh.md", *PAGES], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_and_anchor_resolves(path):
    assert not broken_links(path), f"{path.relative_to(ROOT)}: {broken_links(path)}"


def test_the_link_check_finds_a_missing_file_and_a_missing_heading(tmp_path):
    (tmp_path / "other.md").write_text("# Running a class\n\n## Glossary / 术语表\n", "utf-8")
    page = tmp_path / "page.md"
    page.write_text("[a](other.md#glossary--术语表) [b](other.md#running-a-class)\n"
                    "[c](missing.md) [d](other.md#nowhere) [e](https://example.org/x#y)\n"
                    "```\n[f](inside-code.md)\n```\n", "utf-8")
    assert broken_links(page) == ["missing.md: no such file", "other.md#nowhere: no such heading"]


def test_anchors_follow_githubs_rule(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# What grading guarantees, and what it does not\n## Notes\n## Notes\n"
                    "```\n# a comment, not a heading\n```\n", "utf-8")
    assert anchors(page) == {"what-grading-guarantees-and-what-it-does-not", "notes", "notes-1"}


def test_every_page_of_docs_is_linked_from_the_readme():
    linked = {target for target, _ in relative_links(README)}
    assert PAGES, "docs/ has no pages"
    assert [p.name for p in PAGES if p.resolve() not in linked] == []


def test_the_readme_is_short():
    lines = len(README.read_text("utf-8").splitlines())
    assert lines <= MAX_README_LINES, f"README.md has {lines} lines; move the long parts to a page of docs/"


def code(path):
    """The code of a markdown file: its fenced lines and its inline code spans."""
    lines = path.read_text("utf-8").splitlines()
    prose = prose_lines(path)
    spans = [span for line in prose for span in re.findall(r"`([^`]+)`", line)]
    return [line for line in lines if line not in prose] + spans


def make_commands(path):
    """The targets of the ``make ...`` commands a markdown file shows as code."""
    return {m.group(1) for piece in code(path) if (m := re.match(r"\s*make ([a-z][\w-]*)", piece))}


def make_targets():
    """The targets the Makefile defines, its included files counted."""
    makefile = (ROOT / "Makefile").read_text()
    files = [makefile] + [(ROOT / name).read_text() for name in re.findall(r"^include (\S+)", makefile, re.M)]
    return {target for text in files for target in re.findall(r"^([a-z][\w-]*):", text, re.M)}


def test_the_two_commands_are_in_the_readme():
    assert {"lab", "test"} <= make_commands(README)


@pytest.mark.parametrize("path", [README, *PAGES], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_make_command_shown_is_a_makefile_target(path):
    assert sorted(make_commands(path) - make_targets()) == []


def test_the_layout_names_every_file_of_the_tooling_once():
    """docs/maintainer.md's Layout block has one line per file of workbook/, in its room."""
    text = (ROOT / "docs" / "maintainer.md").read_text("utf-8")
    block = text.split("## Layout", 1)[1].split("```")[1]
    listed, room = [], []
    for line in block.splitlines():
        depth = (len(line) - len(line.lstrip())) // 2
        name = line.split()[0] if line.strip() else ""
        if name.endswith("/"):
            room = room[:depth] + [name]
        elif depth >= 1:
            listed.append("".join(room[:depth]) + name)
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "workbook").rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts)
    assert sorted(listed) == files
