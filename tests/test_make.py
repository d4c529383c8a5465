"""The Makefile's dependency graph, on the tests' own project: a second `make handouts` with
nothing changed does nothing, a changed catalog rebuilds what it changes (and only that), a
changed stylesheet rebuilds every page; the paths come from [tool.handouts] (`handouts settings`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time

from pipeline.cli import run
from pipeline.config import Project

from .fixture import REPO, make_project, set_entry

SETTINGS_MK = "handouts-settings.mk"  # the Makefile's include file, in the virtual environment


def make(root, *args):
    # -o: the virtual environment is the one this suite runs in; never rebuild it here.
    return subprocess.run(["make", "-C", str(root), "-o", ".venv/.installed", *args],
                          capture_output=True, text=True, check=True)


def use_makefile(root):
    """Give the project the repository's Makefile and the virtual environment this suite runs in.

    The environment's entries are linked one by one into the project's own .venv folder, so the
    settings file the Makefile writes there belongs to this project, not to the repository."""
    shutil.copy2(REPO / "Makefile", root / "Makefile")
    (root / ".venv").mkdir()
    for entry in (REPO / ".venv").iterdir():
        if not entry.name.startswith(SETTINGS_MK):
            os.symlink(entry, root / ".venv" / entry.name)


def test_second_make_handouts_does_no_work(tmp_path):
    project = make_project(tmp_path / "repo")
    root = project.root
    use_makefile(root)

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


def configure(root, **settings):
    """Replace the fixture's [tool.handouts] domain line with these settings."""
    path = root / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    lines = "".join(f'{key} = "{value}"\n' for key, value in settings.items())
    assert 'domain = "handouts"\n' in text
    path.write_text(text.replace('domain = "handouts"\n', lines), encoding="utf-8")


def test_make_handouts_follows_the_settings(tmp_path):
    project = make_project(tmp_path / "repo")
    root = project.root
    use_makefile(root)
    # Every path of [tool.handouts] moved, and the files with them.
    (root / "source" / "documents").rename(root / "docs-src")
    (root / "source" / "templates").rename(root / "layout")
    (root / "source" / "babel.cfg").rename(root / "extract.cfg")
    (root / "source").rmdir()
    (root / "locales").rename(root / "translations")
    (root / "translations" / "handouts.pot").rename(root / "translations" / "patient.pot")
    for catalog in (root / "translations").glob("*/LC_MESSAGES/handouts.po"):
        catalog.rename(catalog.with_name("patient.po"))
    mapping = root / "extract.cfg"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("source/documents/", "docs-src/")
                       .replace("source/templates/", "layout/"), encoding="utf-8")
    configure(root, domain="patient", documents="docs-src", templates="layout", mapping="extract.cfg",
              locales="translations", output="out")
    project = Project.load(root)

    first = make(root, "handouts")
    assert "handouts build" in first.stdout, first.stdout
    assert "manifest out/release.json" in first.stdout
    assert (root / "out" / "handouts" / "knee-care.es.pdf").exists()
    assert (root / "out" / "preview" / "handouts" / "knee-care.ar.preview.pdf").exists()
    assert "FR: " in (root / "out" / "site" / "fr" / "knee-care.html").read_text(encoding="utf-8")
    manifest = (root / "out" / "release.json").read_text(encoding="utf-8")
    assert "translations/fr/LC_MESSAGES/patient.po" in manifest
    assert (root / "out" / ".stamps" / "built").exists()
    assert not (root / "build").exists() and not (root / "locales").exists()
    assert "LOCALES_DIR := translations" in (root / ".venv" / SETTINGS_MK).read_text(encoding="utf-8")

    started = time.monotonic()
    second = make(root, "handouts")
    elapsed = time.monotonic() - started
    assert "handouts extract" not in second.stdout and "handouts build" not in second.stdout, second.stdout
    assert "handouts settings" not in second.stdout, second.stdout
    assert elapsed < 1.0, f"no-op make handouts took {elapsed:.2f} s"

    time.sleep(0.01)
    (root / "translations" / "fr" / "LC_MESSAGES" / "patient.po").touch()
    third = make(root, "handouts")
    assert "handouts build" in third.stdout and "handouts extract" not in third.stdout, third.stdout
    assert "0 file(s) written" in third.stderr, third.stderr

    set_entry(project, "fr", "Rest the knee", approved=True, msgstr="FR: Reposez le genou pendant 24 heures.")
    fourth = make(root, "handouts")
    assert "2 file(s) written" in fourth.stderr, fourth.stderr  # the French page and PDF
    assert "Reposez le genou" in (root / "out" / "site" / "fr" / "knee-care.html").read_text(encoding="utf-8")

    time.sleep(0.01)
    css = root / "layout" / "handout.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh1 { letter-spacing: 0.02em; }\n", encoding="utf-8")
    fifth = make(root, "handouts")
    outputs = [p for p in (root / "out").rglob("*") if p.suffix in (".html", ".pdf")]
    assert f"{len(outputs)} file(s) written" in fifth.stderr, fifth.stderr

    # Settings written for another folder (a virtual environment shared by two copies): written again.
    settings_mk = root / ".venv" / SETTINGS_MK
    written = settings_mk.read_text(encoding="utf-8")
    elsewhere = (written.replace(f"PROJECT_ROOT := {root}\n", "PROJECT_ROOT := /elsewhere\n")
                 .replace("LOCALES_DIR := translations\n", "LOCALES_DIR := locales\n"))
    assert elsewhere.count("/elsewhere") == 1 and "LOCALES_DIR := locales" in elsewhere
    settings_mk.write_text(elsewhere, encoding="utf-8")
    shared = make(root, "handouts")
    assert "handouts settings --format make" in shared.stdout and "handouts build" not in shared.stdout, shared.stdout
    assert f"PROJECT_ROOT := {root}\nDOMAIN := patient" in settings_mk.read_text(encoding="utf-8")

    # A changed setting is noticed: the include file is remade and everything follows it.
    time.sleep(0.01)
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(text.replace('output = "out"', 'output = "public"'), encoding="utf-8")
    sixth = make(root, "handouts")
    assert "handouts settings --format make" in sixth.stdout and "handouts build" in sixth.stdout, sixth.stdout
    assert (root / "public" / "handouts" / "knee-care.es.pdf").exists()
    assert "handouts build" not in make(root, "handouts").stdout

    cleaned = make(root, "clean")
    assert "public" in cleaned.stdout, cleaned.stdout
    assert not (root / "public").exists()
    assert (root / "out").exists()  # no longer the output folder: not touched
    assert (root / "docs-src" / "knee-care.md").exists() and (root / "translations" / "patient.pot").exists()


def test_settings_command_formats(tmp_path, capsys):
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.handouts]\ndomain = "patient"\ndocuments = "docs-src"\nlocales = "translations"\noutput = "out"\n\n'
        '[tool.handouts.languages]\nes = "release"\nar = "draft"\n', encoding="utf-8")

    assert run(["--root", str(root), "settings", "--format", "make"]) == 0
    assignments = dict(line.split(" := ", 1) for line in capsys.readouterr().out.splitlines()
                       if not line.startswith("#"))
    assert assignments == {
        "PROJECT_ROOT": str(root.resolve()), "DOMAIN": "patient", "SOURCE_LANGUAGE": "en",
        "DOCUMENTS_DIR": "docs-src", "TEMPLATES_DIR": "source/templates",
        "MAPPING_FILE": "source/babel.cfg", "LOCALES_DIR": "translations", "POT_FILE": "translations/patient.pot",
        "GLOSSARY_FILE": "translations/glossary.toml", "OUTPUT_DIR": "out", "PAPER": "A4",
        "RELEASE_LANGUAGES": "es", "DRAFT_LANGUAGES": "ar",
    }

    assert run(["--root", str(root), "settings", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["root"] == str(root.resolve())
    assert (data["domain"], data["documents"], data["locales"], data["output"]) == (
        "patient", "docs-src", "translations", "out")
    assert (data["template"], data["glossary"]) == ("translations/patient.pot", "translations/glossary.toml")
    assert data["languages"] == {"ar": "draft", "es": "release"}

    assert run(["--root", str(root), "settings"]) == 0
    text = capsys.readouterr().out.splitlines()
    assert {"domain = patient", "template = translations/patient.pot", "languages.es = release"} <= set(text)

    # Make cannot handle a path with a space (nor quote it): refused for Make, shown as it is otherwise.
    spaced = (root / "pyproject.toml").read_text(encoding="utf-8").replace('output = "out"', 'output = "my out"')
    (root / "pyproject.toml").write_text(spaced, encoding="utf-8")
    assert run(["--root", str(root), "settings", "--format", "make"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "pyproject.toml: error: [tool.handouts] output 'my out': Make cannot use it" in captured.err
    assert run(["--root", str(root), "settings", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["output"] == "my out"

    # 'make clean' removes the output folder: one that holds the sources is refused.
    (root / "pyproject.toml").write_text(spaced.replace('output = "my out"', 'output = "."'), encoding="utf-8")
    assert run(["--root", str(root), "settings", "--format", "make"]) == 2
    assert "holds the project's sources" in capsys.readouterr().err
