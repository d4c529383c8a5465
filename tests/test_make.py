"""The Makefile's dependency graph: a second `make handouts` with nothing changed does nothing,
a changed catalog rebuilds that language only, a changed template rebuilds every language."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

from .conftest import REPO


def make(root, *args):
    # -o: the virtual environment is the one this suite runs in; never rebuild it here.
    return subprocess.run(
        ["make", "-C", str(root), "-o", ".venv/.installed", *args], capture_output=True, text=True, check=True
    ).stdout


def test_second_make_handouts_does_no_work(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("source", "locales"):
        shutil.copytree(REPO / name, root / name)  # copytree keeps modification times
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(REPO / name, root / name)
    os.symlink(REPO / ".venv", root / ".venv")  # the set-up this test suite already runs in

    first = make(root, "handouts")
    assert "build --lang es" in first and "build --lang en" in first
    assert (root / "build" / "handouts" / "exosomes.es.pdf").exists()
    assert (root / "build" / "preview" / "handouts" / "exosomes.ar.preview.pdf").exists()

    second = make(root, "handouts")
    assert "handouts extract" not in second and "handouts build" not in second, second

    time.sleep(0.01)
    (root / "locales" / "vi" / "LC_MESSAGES" / "handouts.po").touch()
    third = make(root, "handouts")
    assert "build --lang vi" in third
    assert "build --lang es" not in third and "handouts extract" not in third, third

    time.sleep(0.01)
    (root / "source" / "templates" / "handout.css").touch()
    fourth = make(root, "handouts")
    for language in ("en", "es", "vi", "zh_Hans", "ar"):
        assert f"build --lang {language}" in fourth, fourth
