"""Extraction: golden files (case.md -> case.pot), source errors with file and line, and the
extractor reachable through Babel's own command line."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.catalog import load_po
from pipeline.cli import run
from pipeline.document import markdown_parser, read_document, source_lines
from pipeline.errors import SourceError
from pipeline.model import REQUIRED_COMMENT, is_required

from .fixture import DISCLAIMER

GOLDEN = Path(__file__).parent / "golden"
EXTRACT_CASES = sorted((GOLDEN / "extract").glob("*.md"))
ERROR_CASES = sorted((GOLDEN / "source-errors").glob("*.md"))


def documents_only(project, *cases: Path) -> None:
    """Restrict the project's mapping to documents and put the given cases in it."""
    project.mapping.write_text("[handout: source/documents/**.md]\n", encoding="utf-8")
    for case in cases:
        shutil.copy(case, project.documents / case.name)


@pytest.mark.parametrize("case", EXTRACT_CASES, ids=[c.stem for c in EXTRACT_CASES])
def test_golden_extraction(bare_project, case):
    documents_only(bare_project, case)
    assert run(["--root", str(bare_project.root), "extract"]) == 0
    produced = bare_project.template_path.read_text(encoding="utf-8")
    produced = produced.replace(f"source/documents/{case.name}", f"{case.name}")
    expected_path = case.with_suffix(".pot")
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text(produced, encoding="utf-8")
    assert produced == expected_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c.stem for c in ERROR_CASES])
def test_source_errors_name_file_and_line(bare_project, case, capsys):
    documents_only(bare_project, case)
    assert run(["--root", str(bare_project.root), "extract"]) == 2
    err = capsys.readouterr().err.strip()
    expected_path = case.with_suffix(".expect")
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text(err + "\n", encoding="utf-8")
    assert err == expected_path.read_text(encoding="utf-8").strip()
    assert not bare_project.template_path.exists(), "no template may be written from a broken source"


def test_required_marks_reach_the_entries(bare_project):
    documents_only(bare_project, GOLDEN / "extract" / "required.md")
    assert run(["--root", str(bare_project.root), "extract"]) == 0
    po = load_po(bare_project.template_path)
    required = {entry.msgid for entry in po if is_required(entry)}
    assert required == {
        "Safety",
        "Covered by the section mark.",
        "A subsection",
        "Still inside the required section.",
        "A single required paragraph.",
        "A required list",
        "Second item",
    }


def test_the_fixture_document_marks_its_required_blocks(fixture_project):
    """A mark on a heading covers its section; a mark on a paragraph covers that paragraph."""
    po = load_po(fixture_project.template_path)
    required = [entry.msgid for entry in po if is_required(entry)]
    assert required[:4] == ["When to Call the Clinic", "A fever above 38 °C (100.4 °F)",
                            "Redness or swelling that spreads after 48 hours", "Pain that keeps you awake at night"]
    assert len(required) == 5 and required[4].startswith(DISCLAIMER)
    assert not any(msgid.startswith("Rest the knee") for msgid in required)


def test_pybabel_finds_the_extractor_through_its_entry_point(fixture_project, tmp_path):
    pybabel = Path(sys.executable).with_name("pybabel")
    out = tmp_path / "by-pybabel.pot"
    subprocess.run(
        [str(pybabel), "extract", "-F", "source/babel.cfg", "-o", str(out), "."],
        cwd=fixture_project.root,
        check=True,
        capture_output=True,
    )
    text = out.read_text(encoding="utf-8")
    assert f"#. {REQUIRED_COMMENT}" in text
    assert 'msgid "When to Call the Clinic"' in text
    assert 'msgid "Last reviewed: %(date)s"' in text  # Jinja2's extractor, same mapping file


def test_extract_twice_changes_no_byte(fixture_project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert run(["--root", str(fixture_project.root), "extract"]) == 0
    first = fixture_project.template_path.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # a day later: only the date would differ
    assert run(["--root", str(fixture_project.root), "extract"]) == 0
    assert fixture_project.template_path.read_bytes() == first


# -- no silent loss: every non-blank line of a document is accounted for ----------------------------

FRONT = "---\ntitle: Valid Case\nslug: valid-case\nlast_reviewed: 2026-01-15\n---\n\n{.required}\n# Heading\n\n"
# Valid documents and the texts they give (after the title and the heading).
VALID = {
    "multi-paragraph list items": (
        "- First item, first paragraph.\n\n  First item, second paragraph\n  over two lines.\n\n"
        "- Second item.\n\n  > A quote inside the item.\n",
        ["First item, first paragraph.", "First item, second paragraph over two lines.", "Second item.",
         "A quote inside the item."],
    ),
    "blockquote": (
        "{.required}\n> Quoted first line\n> and its continuation.\n>\n> Second quoted paragraph.\n"
        "lazy continuation line.\n\n> > A nested quote.\n",
        ["Quoted first line and its continuation.", "Second quoted paragraph. lazy continuation line.",
         "A nested quote."],
    ),
    "table": (
        "| Day | Dose |\n| :-- | --: |\n| 1 | 2 tablets |\n| 2 | 1 tablet \\| with food |\n| 3 |\n",
        ["Day", "Dose", "1", "2 tablets", "2", "1 tablet | with food", "3"],
    ),
    "setext headings": (
        "A Setext Heading\n================\n\nA second-level one\nover two lines\n---\n\nText.\n",
        ["A Setext Heading", "A second-level one over two lines", "Text."],
    ),
    "thematic breaks": (
        "Before.\n\n---\n\nBetween.\n\n***\n\n- - -\n\nAfter.\n",
        ["Before.", "Between.", "After."],
    ),
    "hard breaks and trailing spaces": (
        "Line with a hard break  \nnext line.   \n\nTrailing spaces after text.   \n",
        ["Line with a hard break next line.", "Trailing spaces after text."],
    ),
    "empty list items and bare markers": (
        "-\n  Text on the line after the marker.\n- \n1.\n   Ordered, same.\n\n> - Item in a quote\n>\n> - Another\n",
        ["Text on the line after the marker.", "Ordered, same.", "Item in a quote", "Another"],
    ),
    "marks on lists, quotes and ids": (
        "{.required}\n- Required list\n\n{#note .notice}\n> Quoted notice.\n\n- Item\n\n  {.required}\n  Marked paragraph in an item.\n",
        ["Required list", "Quoted notice.", "Item", "Marked paragraph in an item."],
    ),
    "nine list levels": (
        "\n".join("  " * i + f"- Level {i + 1}" for i in range(9)) + "\n\nAfter.\n",
        [f"Level {i + 1}" for i in range(9)] + ["After."],
    ),
    "nineteen quote levels": (
        ">" * 19 + " Deep quote.\n\nAfter.\n",
        ["Deep quote.", "After."],
    ),
    "no final newline": ("Last paragraph without a newline.", ["Last paragraph without a newline."]),
}


def _valid_cases() -> list:
    cases = []
    for name, (body, texts) in VALID.items():
        cases.append(pytest.param(FRONT + body, ["Valid Case", "Heading", *texts], id=name))
        cases.append(pytest.param((FRONT + body).replace("\n", "\r\n"), ["Valid Case", "Heading", *texts], id=f"{name} (CRLF)"))
    return cases


_STRUCTURE = re.compile(r"[ \t>]*(?:\{[^{}]*\}|[-*_=: |]+|(?:[-+*]|\d{1,9}[.)])?)[ \t]*")
_MARKERS = re.compile(r"^[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+|#{1,6}[ \t]+)?")


def assert_every_line_shown(text: str, texts: list[str]) -> None:
    """Independent of the reader: each non-blank line past the front matter is structure only
    (marks, markers, rules, table delimiters, setext underlines) or shows up in a block's text."""
    shown = " ".join(texts)
    lines = source_lines(text)
    end = lines.index("---", 1)
    for number, line in enumerate(lines[end + 1:], start=end + 2):
        if not line.strip() or _STRUCTURE.fullmatch(line):
            continue
        words = _MARKERS.sub("", line).strip(" |").split()
        assert words and words[0].strip("|") in shown, f"line {number} {line!r} is in no block"


@pytest.mark.parametrize(("text", "texts"), _valid_cases())
def test_valid_documents_account_for_every_line(text, texts):
    document = read_document(text, "valid-case.md")
    assert document.texts() == texts
    assert_every_line_shown(text, document.texts())


@pytest.mark.parametrize("case", EXTRACT_CASES, ids=[c.stem for c in EXTRACT_CASES])
def test_golden_documents_account_for_every_line_with_unchanged_texts(case):
    text = case.read_text(encoding="utf-8")
    document = read_document(text, case.name)
    golden = [entry.msgid for entry in load_po(case.with_suffix(".pot"))]
    assert list(dict.fromkeys(document.texts())) == golden
    assert_every_line_shown(text, document.texts())


_CONTAINER = {"-": ("- ", "  "), "1.": ("1. ", "   "), ">": ("> ", "> ")}  # marker, continuation


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(sorted(_CONTAINER)), min_size=1, max_size=26))
def test_nested_lists_and_quotes_are_read_whole_or_refused_at_the_first_lost_line(containers):
    """Whatever the nesting, either every level and the required closing paragraph are blocks,
    or the error names the first line markdown-it drops (found here by parsing on our own)."""
    lines = ["---", "title: Nested", "slug: nested", "last_reviewed: 2026-01-15", "---", "", "# Nested", ""]
    prefix = ""
    first_level_line = len(lines) + 1
    for level, kind in enumerate(containers, start=1):
        marker, continuation = _CONTAINER[kind]
        lines.append(f"{prefix}{marker}Level {level}")
        prefix += continuation
    lines += ["", "{.required .disclaimer}", "Closing disclaimer.", ""]
    text = "\n".join(lines)
    parsed = " ".join(t.content for t in markdown_parser().parse(text) if t.type == "inline").split()
    lost = [n for n in range(len(containers)) if f"{n + 1}" not in parsed[parsed.index("Nested") + 1:]]
    try:
        document = read_document(text, "nested.md")
    except SourceError as error:
        assert lost, f"refused a document markdown-it reads whole: {error}"
        assert error.line == first_level_line + lost[0]
        assert "nested too deeply" in error.message
    else:
        assert not lost, "a document that loses text was accepted"
        assert document.texts()[2:] == [f"Level {n + 1}" for n in range(len(containers))] + ["Closing disclaimer."]


def test_too_deep_nesting_never_truncates_the_template(bare_project, capsys):
    """A handout once lost its safety section and disclaimer to deep nesting, and 'update' then
    made their translations obsolete.  Extraction now stops before any template is written."""
    documents_only(bare_project)
    path = bare_project.documents / "nesting.md"
    good = (
        "---\ntitle: Nesting\nslug: nesting\nlast_reviewed: 2026-01-15\n---\n\n# Nesting\n\n"
        "- Step one\n  - Step two\n\n{.required}\n## Safety\n\nStop if it hurts.\n\n"
        "{.required .disclaimer}\nNot medical advice.\n"
    )
    path.write_text(good, encoding="utf-8")
    assert run(["--root", str(bare_project.root), "extract"]) == 0
    template = bare_project.template_path.read_bytes()
    assert b'msgid "Not medical advice."' in template
    assert run(["--root", str(bare_project.root), "init", "es"]) == 0
    capsys.readouterr()

    deep = "\n".join("  " * i + f"- Step {i + 1}" for i in range(12))
    broken = good.replace("- Step one\n  - Step two", deep)
    path.write_text(broken, encoding="utf-8")
    first_lost = source_lines(broken).index("  " * 9 + "- Step 10") + 1
    assert run(["--root", str(bare_project.root), "extract"]) == 2
    err = capsys.readouterr().err
    assert f"source/documents/nesting.md:{first_lost}: error: lists or quotes nested too deeply" in err
    assert "Traceback" not in err
    assert bare_project.template_path.read_bytes() == template

    assert run(["--root", str(bare_project.root), "update"]) == 0  # from the template as it was
    catalog = load_po(bare_project.catalog_path("es"))
    assert {"Safety", "Stop if it hurts.", "Not medical advice."} <= {e.msgid for e in catalog if not e.obsolete}
