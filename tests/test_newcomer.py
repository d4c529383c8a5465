"""What a newcomer meets: messages that say what was skipped and why, on the tests' own project."""

from __future__ import annotations

import pytest

from pipeline.cli import run

from .fixture import find_entry, make_project, set_entry


def test_bulk_approval_names_the_required_drafts_it_skipped(tmp_path, capsys):
    project = make_project(tmp_path / "p", languages={"es": "release"}, approve=[])
    set_entry(project, "es", "FDA Notice:", flags=["fuzzy"], tcomment="machine-draft: argos-translate x 1.0")
    capsys.readouterr()
    assert run(["--root", str(project.root), "approve", "--lang", "es", "--document", "knee-care",
                "--reviewer", "Ana Ruiz"]) == 0
    captured = capsys.readouterr()
    line = find_entry(project, "es", "FDA Notice:").linenum  # as the catalog stands after the approvals
    assert f"locales/es/LC_MESSAGES/handouts.po:{line}: REQUIRED, draft, skipped: machine draft" in captured.out
    assert ("(1 skipped: they need to be approved one at a time); required entries among them keep knee-care "
            "held back in es until they are") in captured.err


@pytest.mark.parametrize("typed, meant", [("pt-BR", "pt_BR"), ("ES", "es"), ("zh-hans", "zh_Hans"), ("es_mx", "es_MX")])
def test_init_suggests_gettexts_spelling_and_creates_nothing(tmp_path, capsys, typed, meant):
    project = make_project(tmp_path / "p", languages={"es": "release"})
    before = sorted(p.name for p in project.locales.iterdir())
    capsys.readouterr()
    assert run(["--root", str(project.root), "init", typed]) == 2
    assert f"error: write the language code as {meant!r}" in capsys.readouterr().err
    assert sorted(p.name for p in project.locales.iterdir()) == before


def test_a_hyphenated_code_elsewhere_names_the_spelling(tmp_path, capsys):
    project = make_project(tmp_path / "p", languages={"es": "release"})
    capsys.readouterr()
    assert run(["--root", str(project.root), "build", "--lang", "pt-BR"]) == 2
    assert "not a language code: 'pt-BR'; catalog folders use gettext's spelling, 'pt_BR'" in capsys.readouterr().err
