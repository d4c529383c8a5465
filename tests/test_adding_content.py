"""A clinic adds a document and a language exactly as the README says, in a copy of the repository:
the content tests (tests/test_content.py) pass on the result, and it is the release gate that
says the new document is not translated yet."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from pipeline.cli import run
from pipeline.config import Project

from .fixture import REPO, SECOND_DOCUMENT, copy_content

NEW_SLUGS = ("wound-care", "wound-care-2", "wound-care-3")
NEW_LANGUAGES = ("fr", "de", "it", "pt_BR", "ja")


def test_content_tests_pass_after_a_document_and_a_language_are_added(tmp_path, capsys):
    clinic = tmp_path / "clinic"
    project = copy_content(Project.load(REPO), clinic)  # documents, templates, catalogs, pyproject.toml
    shutil.copy2(REPO / "Makefile", clinic / "Makefile")

    # "Writing a document": source/documents/<slug>.md, its slug in the front matter.
    slug = next(s for s in NEW_SLUGS if not (project.documents / f"{s}.md").exists())
    text = SECOND_DOCUMENT.read_text(encoding="utf-8").replace("slug: wound-care\n", f"slug: {slug}\n")
    (project.documents / f"{slug}.md").write_text(text, encoding="utf-8")
    # "Adding a language": make init LANG=fr, listed in pyproject.toml; then make handouts
    # (extract, update, build) takes in the new document.
    language = next(code for code in NEW_LANGUAGES if code not in project.languages())
    assert run(["--root", str(clinic), "init", language]) == 0
    pyproject = clinic / "pyproject.toml"
    table = "[tool.handouts.languages]\n"
    assert table in pyproject.read_text(encoding="utf-8")
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace(table, f'{table}{language} = "draft"\n'),
                         encoding="utf-8")
    assert run(["--root", str(clinic), "extract"]) == 0
    assert run(["--root", str(clinic), "update"]) == 0
    capsys.readouterr()

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-m", "content", str(REPO / "tests" / "test_content.py")],
        cwd=REPO, env={**os.environ, "HANDOUTS_PROJECT_ROOT": str(clinic)}, capture_output=True, text=True, timeout=600,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    passed = [line for line in report.splitlines() if " PASSED" in line]
    assert any(f"[source/documents/{slug}.md]" in line for line in passed), report
    assert any(f"[locales/{language}/LC_MESSAGES/handouts.po]" in line for line in passed), report
    assert " failed" not in report.splitlines()[-1], report

    # Whether the new document may be released is the gate's question: a release language's
    # catalog lacks its required translations, so the gate fails and names the document.
    project = Project.load(clinic)
    released = [code for code in project.languages() if project.status(code) == "release"]
    code = run(["--root", str(clinic), "check"])
    out = capsys.readouterr().out
    if released:
        assert code == 1, out
        assert f"{released[0]}: held back: {slug}" in out, out
    else:
        assert code == 0, out
    assert f"== {language} (draft)" in out
