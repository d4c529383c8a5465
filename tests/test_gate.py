"""The release gate: what fails it, where it says so, and its output formats.  On the tests' own
project (tests/fixture.py: es and fr released and approved, ar a draft); the shipped languages are
judged by the gate itself (`make check`), not here."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from pipeline.catalog import load_po, save_po
from pipeline.cli import run

from .fixture import DISCLAIMER, REPO, set_entry

GITHUB_LINE = re.compile(r"^::(error|warning) file=[^,:]+(,line=\d+)?,title=[^:,]+::\S.*$")


def cli(project, *args):
    return run(["--root", str(project.root), *args])


change = set_entry
OPTIONAL = "Rest the knee for 24 hours."


def test_an_approved_project_passes_the_gate(fixture_project, capsys):
    assert cli(fixture_project, "check") == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("check: passed")
    assert "(draft)" in out and "(release)" in out


def test_removed_disclaimer_translation_fails_with_file_and_line(fixture_project, capsys):
    line = change(fixture_project, "es", DISCLAIMER, msgstr="")
    assert cli(fixture_project, "check") == 1
    out = capsys.readouterr().out
    assert f"locales/es/LC_MESSAGES/handouts.po:{line}: error: [required] required entry is not translated: '{DISCLAIMER}" in out
    assert out.rstrip().endswith("check: FAILED: es")


@pytest.mark.parametrize(
    "prefix, translation, check",
    [
        ("Last reviewed: %(date)s", "Última revisión: %(fecha)s", "placeholders"),
        ("Page %(page)s of %(pages)s", "Página %(page)s", "placeholders"),
        (DISCLAIMER, "Aviso: este tratamiento no ha sido aprobado para todos los usos.", "do-not-translate"),
        (OPTIONAL, "Descanse la rodilla 24 horas [aquí](javascript:alert(1)).", "unsafe-markup"),
        (OPTIONAL, "Descanse la *rodilla 24 horas.", "markup"),
    ],
)
def test_broken_approved_translation_fails(fixture_project, capsys, prefix, translation, check):
    line = change(fixture_project, "es", prefix, approved=True, msgstr=translation)
    assert cli(fixture_project, "check", "--lang", "es") == 1
    assert f"handouts.po:{line}: error: [{check}]" in capsys.readouterr().out


def test_broken_link_in_a_document_fails(bare_project, capsys, monkeypatch):
    monkeypatch.setenv("HANDOUTS_REVIEWER", "Test Reviewer")
    bare_project.mapping.write_text("[handout: source/documents/**.md]\n", encoding="utf-8")
    (bare_project.documents / "links.md").write_text(
        "---\ntitle: Links\nslug: links\nlast_reviewed: 2026-01-01\n---\n\n"
        "{.required}\nRead the [FDA page](https://www.fda.gov/patients) first.\n",
        encoding="utf-8",
    )
    assert cli(bare_project, "extract") == 0 and cli(bare_project, "init", "es") == 0
    change(bare_project, "es", "Links", approved=True, msgstr="Enlaces")
    line = change(bare_project, "es", "Read the", approved=True, msgstr="Lea la [página de la FDA](https://www.fda.gov/pacientes) primero.")
    assert cli(bare_project, "check", "--lang", "es") == 1
    out = capsys.readouterr().out
    assert f"handouts.po:{line}: error: [markup] link targets differ" in out
    assert "[urls]" not in out  # the link check names the problem once


def test_draft_languages_only_warn(fixture_project, capsys):
    change(fixture_project, "ar", DISCLAIMER, msgstr="")
    assert cli(fixture_project, "check") == 0
    out = capsys.readouterr().out
    assert re.search(r"ar/LC_MESSAGES/handouts.po:\d+: warning: \[required\]", out)


def test_threshold_for_entries_that_are_not_required(fixture_project, capsys):
    path = fixture_project.catalog_path("es")
    po = load_po(path)
    next(e for e in po if e.msgid == OPTIONAL).tcomment = ""
    save_po(po, path, str(path))
    assert cli(fixture_project, "check", "--lang", "es") == 1
    assert "error: [threshold]" in capsys.readouterr().out
    others = [e for e in po if "REQUIRED" not in (e.comment or "")]
    assert 90 <= 100 * (len(others) - 1) / len(others) < 100  # one unapproved entry of the others
    pyproject = fixture_project.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "\n[tool.handouts.gate]\nmin_approved_percent = 90\n", encoding="utf-8")
    assert cli(fixture_project, "check", "--lang", "es") == 0


def test_outdated_catalog_fails(fixture_project, capsys):
    document = fixture_project.documents / "knee-care.md"
    # appended at the end, the paragraph sits in the required "When to Call the Clinic" section
    document.write_text(document.read_text(encoding="utf-8") + "\nA new closing paragraph.\n", encoding="utf-8")
    assert cli(fixture_project, "extract") == 0
    assert cli(fixture_project, "check", "--lang", "fr") == 1
    assert "[up-to-date] 1 entry of the template (1 required) missing from the catalog: run 'handouts update'" in capsys.readouterr().out


def test_json_report(fixture_project, capsys):
    change(fixture_project, "es", DISCLAIMER, msgstr="")
    assert cli(fixture_project, "check", "--format", "json") == 1
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is False
    es = next(lang for lang in data["languages"] if lang["language"] == "es")
    assert es["errors"] == 1 and es["problems"][0]["check"] == "required"
    assert es["required_states"]["untranslated"] == 1


def test_junit_report_parses_and_counts_failures(fixture_project, tmp_path):
    change(fixture_project, "es", DISCLAIMER, msgstr="")
    change(fixture_project, "fr", "Last reviewed: %(date)s", approved=True, msgstr="Dernière révision")
    out = tmp_path / "gate.xml"
    assert cli(fixture_project, "check", "--format", "junit", "--output", str(out)) == 1
    root = ET.parse(out).getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert set(suites) == {"handouts.es", "handouts.fr", "handouts.ar"}
    assert suites["handouts.es"].get("failures") == "1" and suites["handouts.fr"].get("failures") == "1"
    assert suites["handouts.ar"].get("failures") == "0"
    assert root.get("failures") == "2"
    failures = list(root.iter("failure"))
    assert sorted(f.get("type") for f in failures) == ["placeholders", "required"]
    assert int(root.get("tests")) == sum(len(list(s.iter("testcase"))) for s in suites.values())


def test_github_annotations(fixture_project, capsys):
    change(fixture_project, "es", DISCLAIMER, msgstr="")
    assert cli(fixture_project, "check", "--format", "github") == 1
    lines = capsys.readouterr().out.splitlines()
    annotations = [l for l in lines if l.startswith("::")]
    assert annotations and all(GITHUB_LINE.match(l) for l in annotations), annotations
    assert any(l.startswith("::error file=locales/es/LC_MESSAGES/handouts.po,line=") for l in annotations)
    assert lines[-1] == "check: FAILED: es"


def test_unreadable_catalog_exits_2(fixture_project, capsys):
    fixture_project.catalog_path("es").write_bytes(b'msgid "a"\nmsgstr "\xff\n')
    assert cli(fixture_project, "check") == 2
    assert "locales/es/LC_MESSAGES/handouts.po:2: error: not valid UTF-8 (invalid start byte at byte 18)" in capsys.readouterr().err


def test_git_pre_commit_hook_refuses_a_broken_release_language(fixture_project, tmp_path):
    import os
    import shutil
    import subprocess

    project = fixture_project
    root = project.root
    os.symlink(REPO / ".venv", root / ".venv")
    hook = root / ".git" / "hooks" / "pre-commit"
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    git = lambda *args: subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, env=env)
    git("init", "-q")
    hook.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "docs" / "hooks" / "pre-commit", hook)
    git("add", "source", "locales", "pyproject.toml")
    assert git("commit", "-qm", "approved").returncode == 0
    change(project, "es", DISCLAIMER, msgstr="")
    git("add", "locales")
    refused = git("commit", "-qm", "drop the disclaimer")
    assert refused.returncode != 0
    assert "[required] required entry is not translated" in refused.stdout + refused.stderr
