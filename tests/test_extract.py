"""Extraction: golden files (case.md -> case.pot), source errors with file and line, and the
extractor reachable through Babel's own command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.catalog import load_po
from pipeline.cli import run
from pipeline.extract import REQUIRED_COMMENT, is_required

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


def test_shipped_document_marks_the_three_required_blocks(project):
    po = load_po(project.template_path)
    required = [entry.msgid for entry in po if is_required(entry)]
    assert "What to Know as a Patient" in required
    assert "Safety Considerations" in required
    assert any(msgid.startswith("FDA Disclaimer:") for msgid in required)
    assert not any(msgid.startswith("Researchers are exploring") for msgid in required)


def test_shipped_source_is_the_clinics_text_word_for_word(project):
    """Every line of the clinic's seed is one block of the document, unchanged."""
    from pipeline.document import read_document

    seed = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "exosomes-patient-information.txt"
    if not seed.exists():  # the repository can travel without shared/; the blocks still must match
        pytest.skip("shared/seeds is not beside the repository")
    document = read_document((project.documents / "exosomes.md").read_text(encoding="utf-8"), "exosomes.md")
    expected = [line.removeprefix("- ").strip() for line in seed.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert document.texts()[1:] == expected


def test_shipped_template_is_current(project):
    """The committed .pot is what extraction gives today: nobody forgot 'make extract'."""
    shipped = project.template_path.read_text(encoding="utf-8")
    assert run(["--root", str(project.root), "extract"]) == 0
    assert project.template_path.read_text(encoding="utf-8") == shipped


def test_pybabel_finds_the_extractor_through_its_entry_point(project, tmp_path):
    pybabel = Path(sys.executable).with_name("pybabel")
    out = tmp_path / "by-pybabel.pot"
    subprocess.run(
        [str(pybabel), "extract", "-F", "source/babel.cfg", "-o", str(out), "."],
        cwd=project.root,
        check=True,
        capture_output=True,
    )
    text = out.read_text(encoding="utf-8")
    assert f"#. {REQUIRED_COMMENT}" in text
    assert 'msgid "Safety Considerations"' in text
    assert 'msgid "Last reviewed: %(date)s"' in text  # Jinja2's extractor, same mapping file


def test_extract_twice_changes_no_byte(project, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert run(["--root", str(project.root), "extract"]) == 0
    first = project.template_path.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # a day later: only the date would differ
    assert run(["--root", str(project.root), "extract"]) == 0
    assert project.template_path.read_bytes() == first
