"""The Makefile's dependency graph, on the tests' own project: a second `make handouts` with
nothing changed does nothing, a changed catalog rebuilds what it changes (and only that), a
changed stylesheet rebuilds every page."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

from .fixture import REPO, make_project, set_entry


def make(root, *args):
    # -o: the virtual environment is the one this suite runs in; never rebuild it here.
    return subprocess.run(["make", "-C", str(root), "-o", ".venv/.installed", *args],
                          capture_output=True, text=True, check=True)


def test_second_make_handouts_does_no_work(tmp_path):
    project = make_project(tmp_path / "repo")
    root = project.root
    shutil.copy2(REPO / "Makefile", root / "Makefile")
    os.symlink(REPO / ".venv", root / ".venv")  # the set-up this test suite already runs in

    first = make(root, "handouts")
    assert "handouts build" in first.stdout
    assert (root / "build" / "handouts" / "knee-care.es.pdf").exists()
    assert (root / "build" / "preview" / "handouts" / "knee-care.ar.preview.pdf").exists()

    second = make(root, "handouts")
    assert "handouts extract" not in second.stdout and "handouts build" not in second.stdout, second.stdout

    time.sleep(0.01)
    (root / "locales" / "fr" / "LC_MESSAGES" / "handouts.po").touch()
    third = make(root, "handouts")
    assert "handouts build" in third.stdout and "handouts extract" not in third.stdout
    assert "0 file(s) written" in third.stderr, third.stderr

    set_entry(project, "fr", "Rest the knee", approved=True, msgstr="FR: Reposez le genou pendant 24 heures.")
    fourth = make(root, "handouts")
    assert "2 file(s) written" in fourth.stderr, fourth.stderr  # the French page and PDF

    time.sleep(0.01)
    css = root / "source" / "templates" / "handout.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { letter-spacing: 0.02em; }\n", encoding="utf-8")
    fifth = make(root, "handouts")
    pages = len(list((root / "build").rglob("*.html")))
    pdfs = len(list((root / "build").rglob("*.pdf")))
    assert f"{pages + pdfs} file(s) written" in fifth.stderr, fifth.stderr
