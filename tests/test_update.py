"""Update and catalog layout, judged by the GNU gettext tools themselves."""

from __future__ import annotations

import subprocess

import pytest

from pipeline.catalog import load_po, po_to_text, write_if_changed
from pipeline.cli import run

DOC_V1 = """---
title: Aftercare
slug: aftercare
last_reviewed: 2026-01-15
---

# Aftercare

Keep the dressing dry for two days.

Call us if the swelling gets worse.

{.required}
Take your medicine with food.
"""

DOC_V2 = DOC_V1.replace("for two days", "for three days").replace(
    "Call us if the swelling gets worse.\n\n", ""
) + "\nBring this sheet to your next visit.\n"


def write_doc(project, text: str) -> None:
    project.mapping.write_text("[handout: source/documents/**.md]\n", encoding="utf-8")
    (project.documents / "aftercare.md").write_text(text, encoding="utf-8")


def cli(project, *args: str) -> int:
    return run(["--root", str(project.root), *args])


@pytest.fixture
def translated(bare_project):
    """A project whose Spanish catalog has every entry of DOC_V1 translated by a person."""
    write_doc(bare_project, DOC_V1)
    assert cli(bare_project, "extract") == 0
    assert cli(bare_project, "init", "es") == 0
    path = bare_project.catalog_path("es")
    po = load_po(path)
    spanish = {
        "Aftercare": "Cuidados posteriores",
        "Keep the dressing dry for two days.": "Mantenga el vendaje seco durante dos días.",
        "Call us if the swelling gets worse.": "Llámenos si la hinchazón empeora.",
        "Take your medicine with food.": "Tome su medicamento con alimentos.",
    }
    for entry in po:
        entry.msgstr = spanish[entry.msgid]
    po.find("Keep the dressing dry for two days.").tcomment = "Checked with Dr. Ortiz"
    write_if_changed(path, po_to_text(po, str(path)))
    return bare_project


def test_catalogs_the_pipeline_writes_pass_msgfmt_check_and_are_in_gnu_layout(fixture_project):
    """Template, new catalogs (init) and filled, approved ones: ``msgfmt --check`` passes, and
    ``msgcat FILE`` reproduces each byte for byte, as does our own load-and-save.  (The shipped
    catalogs are checked the same way by tests/test_content.py.)"""
    paths = [fixture_project.template_path] + [fixture_project.catalog_path(lang) for lang in fixture_project.languages()]
    assert len(paths) == 4
    for path in paths:
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True, capture_output=True)
        data = path.read_bytes()
        assert subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout == data, path
        assert po_to_text(load_po(path), str(path)).encode("utf-8") == data, path


def test_a_project_that_is_up_to_date_is_not_changed_by_extract_and_update(fixture_project):
    files = [fixture_project.template_path] + [fixture_project.catalog_path(lang) for lang in fixture_project.languages()]
    before = [(p.read_bytes(), p.stat().st_mtime_ns) for p in files]
    assert cli(fixture_project, "extract") == 0 and cli(fixture_project, "update") == 0
    assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in files] == before
    template = [e.msgid for e in load_po(fixture_project.template_path)]
    for language in fixture_project.languages():
        assert [e.msgid for e in load_po(fixture_project.catalog_path(language))] == template


def test_changed_source_becomes_fuzzy_and_removed_becomes_obsolete(translated):
    path = translated.catalog_path("es")
    write_doc(translated, DOC_V2)
    assert cli(translated, "extract") == 0
    assert cli(translated, "update") == 0
    po = load_po(path)

    changed = po.find("Keep the dressing dry for three days.")
    assert "fuzzy" in changed.flags
    assert changed.previous_msgid == "Keep the dressing dry for two days."
    assert changed.msgstr == "Mantenga el vendaje seco durante dos días."
    assert changed.tcomment == "Checked with Dr. Ortiz"

    removed = [e for e in po.obsolete_entries()]
    assert [(e.msgid, e.msgstr) for e in removed] == [
        ("Call us if the swelling gets worse.", "Llámenos si la hinchazón empeora.")
    ]
    unchanged = po.find("Take your medicine with food.")
    assert unchanged.msgstr == "Tome su medicamento con alimentos." and "fuzzy" not in unchanged.flags
    added = po.find("Bring this sheet to your next visit.")
    assert added.msgstr == "" and not added.obsolete


def test_update_agrees_with_gnu_msgmerge(translated, tmp_path):
    path = translated.catalog_path("es")
    before = tmp_path / "before.po"
    before.write_bytes(path.read_bytes())
    write_doc(translated, DOC_V2)
    assert cli(translated, "extract") == 0
    assert cli(translated, "update") == 0
    reference = subprocess.run(
        ["msgmerge", "--quiet", "--previous", "-o", "-", str(before), str(translated.template_path)],
        capture_output=True,
        check=True,
    ).stdout
    assert path.read_bytes() == reference


def test_extract_and_update_twice_change_no_byte(translated):
    write_doc(translated, DOC_V2)
    files = [translated.template_path, translated.catalog_path("es")]
    assert cli(translated, "extract") == 0 and cli(translated, "update") == 0
    first = [(p.read_bytes(), p.stat().st_mtime_ns) for p in files]
    assert cli(translated, "extract") == 0 and cli(translated, "update") == 0
    assert [(p.read_bytes(), p.stat().st_mtime_ns) for p in files] == first


def test_init_takes_the_plural_rule_from_babel(bare_project):
    write_doc(bare_project, DOC_V1)
    assert cli(bare_project, "extract") == 0
    assert cli(bare_project, "init", "ar", "zh_Hans", "ru") == 0
    for language, nplurals in (("ar", "6"), ("zh_Hans", "1"), ("ru", "3")):
        path = bare_project.catalog_path(language)
        po = load_po(path)
        assert po.metadata["Language"] == language
        assert po.metadata["Plural-Forms"].startswith(f"nplurals={nplurals};")
        subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True)
        assert subprocess.run(["msgcat", str(path)], capture_output=True).stdout == path.read_bytes()


def test_init_refuses_to_overwrite_a_catalog(translated, capsys):
    before = translated.catalog_path("es").read_bytes()
    assert cli(translated, "init", "es") == 2
    assert "catalog already exists" in capsys.readouterr().err
    assert translated.catalog_path("es").read_bytes() == before


@pytest.mark.parametrize("code", ["../etc", "xx_YY_ZZ", "es/../../x", ""])
def test_language_codes_are_parsed_not_trusted(translated, code, capsys):
    assert cli(translated, "init", code) == 2
    assert "language code" in capsys.readouterr().err


def test_broken_catalog_is_reported_with_file_and_line(translated, capsys):
    path = translated.catalog_path("es")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    broken_at = next(i for i, l in enumerate(lines) if l.startswith('msgstr "Tome'))
    lines[broken_at] = 'msgstr "Tome su medicamento\n'  # unterminated string
    path.write_text("".join(lines), encoding="utf-8")
    before = path.read_bytes()
    assert cli(translated, "update") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"locales/es/LC_MESSAGES/handouts.po:{broken_at + 1}: error: end-of-line within string"), err
    assert path.read_bytes() == before
