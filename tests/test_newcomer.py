"""What a newcomer meets: messages that say what was skipped and why, on the tests' own project."""

from __future__ import annotations

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
