"""What the pipeline guarantees: no lost work, no broken files, hostile input contained."""

from __future__ import annotations

import os
import shutil
import signal
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pipeline.catalog import load_po, write_if_changed
from pipeline.cli import run
from pipeline.model import read_approval

from .fixture import set_entry

OPTIONAL = "Rest the knee for 24 hours."
OTHER = "Pain that keeps you awake at night"

GOLDEN = Path(__file__).parent / "golden"
CATALOG_CASES = sorted((GOLDEN / "catalog-errors").glob("*.po"))


def cli(project, *args) -> int:
    return run(["--root", str(project.root), *args])


# -- 1. atomic, locked writes ---------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from pipeline.catalog import write_if_changed
    path = Path(sys.argv[1])
    texts = [("A" * 64 + "\\n") * 400_000, ("B" * 64 + "\\n") * 400_000]
    Path(sys.argv[2]).touch()
    i = 0
    while True:
        write_if_changed(path, texts[i % 2])
        i += 1
""")


def test_a_write_killed_midway_leaves_the_previous_file_intact(tmp_path):
    path = tmp_path / "handouts.po"
    a, b = ("A" * 64 + "\n") * 400_000, ("B" * 64 + "\n") * 400_000
    write_if_changed(path, a)
    for delay in (0.05, 0.13, 0.21, 0.37, 0.5):
        ready = tmp_path / "ready"
        ready.unlink(missing_ok=True)
        child = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(ready)])
        while not ready.exists():
            time.sleep(0.01)
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        content = path.read_text()
        assert content in (a, b), f"a half-written file after SIGKILL at {delay}s"


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from pipeline.catalog import modify_catalog
    path, flag = Path(sys.argv[1]), Path(sys.argv[2])

    def slow_change(po):
        flag.touch()                      # the lock is held and the file has been read
        time.sleep(1.5)                   # a long update
        po.find("Rest the knee for 24 hours.").msgstr = "Descanse la rodilla durante 24 horas."
    modify_catalog(path, "es", slow_change)
""")


def test_concurrent_commands_on_one_catalog_lose_no_change(fixture_project, monkeypatch):
    """A slow change holds the catalog; an approve started meanwhile waits, then applies to the
    file as the first command left it.  Without the lock, the slow command's write would drop
    the approval."""
    project = fixture_project
    path = project.catalog_path("es")
    set_entry(project, "es", OTHER, tcomment="")  # awaiting review
    flag = project.root / "holding"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), str(flag)])
    while not flag.exists():
        time.sleep(0.01)
    monkeypatch.setenv("HANDOUTS_REVIEWER", "Second Reviewer")
    assert cli(project, "approve", "--lang", "es", "--msgid", OTHER) == 0
    assert holder.wait(timeout=30) == 0
    po = load_po(path)
    assert po.find(OPTIONAL).msgstr == "Descanse la rodilla durante 24 horas."
    assert read_approval(po.find(OTHER)).who == "Second Reviewer"


# -- 2. bad catalogs -------------------------------------------------------------------------------


# what GNU msgmerge accepts and msgfmt --check refuses: update merges it (with a warning naming the
# entry), check and build refuse it (tests/test_merge_gnu.py)
MERGED_BY_UPDATE = {"wrong-plural-count"}


@pytest.mark.parametrize("case", CATALOG_CASES, ids=[c.stem for c in CATALOG_CASES])
def test_bad_catalog_gets_one_clear_error_and_nothing_is_written(fixture_project, case, capsys):
    project = fixture_project
    target = project.catalog_path("es")
    shutil.copy(case, target)
    before = target.read_bytes()
    commands = [["check", "--lang", "es"], ["update", "--lang", "es"], ["build", "--lang", "es", "--format", "html"]]
    if case.stem in MERGED_BY_UPDATE:
        commands.remove(["update", "--lang", "es"])
    for command in commands:
        assert cli(project, *command) == 2, command
        err = capsys.readouterr().err.strip()
        expected = case.with_suffix(".expect")
        if os.environ.get("UPDATE_GOLDEN") and command[0] == "check":
            expected.write_text(err + "\n", encoding="utf-8")
        assert err == expected.read_text(encoding="utf-8").strip(), command
        assert "Traceback" not in err
    assert target.read_bytes() == before
    assert not (project.output / "site" / "es").exists()
    if case.stem in MERGED_BY_UPDATE:
        # merged as msgmerge merges it; the entry's source is not in the fixture's template, so it
        # is obsolete now, and an obsolete entry's forms are judged by neither msgfmt --check nor
        # the reader (a live one is warned of: tests/test_merge_gnu.py)
        assert cli(project, "update", "--lang", "es") == 0
        assert ": warning: " not in capsys.readouterr().err
        assert [e.obsolete for e in load_po(target) if e.msgid_plural and len(e.msgstr_plural) == 1] == [True]


# -- 3. bad source ---------------------------------------------------------------------------------


def test_two_documents_with_one_slug(bare_project, capsys):
    bare_project.mapping.write_text("[handout: source/documents/**.md]\n", encoding="utf-8")
    for name in ("care.md", "aftercare.md"):
        (bare_project.documents / name).write_text(
            "---\ntitle: Care\nslug: care\nlast_reviewed: 2026-01-01\n---\n\n{.required}\nText.\n", encoding="utf-8")
    assert cli(bare_project, "extract") == 2
    assert capsys.readouterr().err.strip() == (
        "source/documents/care.md:3: error: slug 'care' is already used by source/documents/aftercare.md")


# -- 4. translations are text, not code -------------------------------------------------------------


def test_markup_in_a_translation_is_flagged_and_printed_as_text(fixture_project, tmp_path, capsys):
    project = fixture_project
    hostile = '<script>alert("x")</script> <a href="javascript:alert(1)" onclick="x()">Descanse</a> 24'
    line = set_entry(project, "es", OPTIONAL, approved=True, msgstr=hostile)
    set_entry(project, "ar", OPTIONAL, msgstr=hostile)  # a draft language: previewed
    assert cli(project, "check", "--lang", "es") == 1
    assert f"handouts.po:{line}: error: [unsafe-markup] HTML not in the source: <a>, <script>" in capsys.readouterr().out
    out = tmp_path / "out"
    assert cli(project, "build", "--lang", "es", "--lang", "ar", "--output", str(out), "-q") == 0
    release = (out / "site" / "es" / "knee-care.html").read_text(encoding="utf-8")
    assert "alert" not in release, "an approved entry with an error-level finding is not published"
    html = (out / "preview" / "site" / "ar" / "knee-care.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    pdf_text = subprocess.run(["pdftotext", str(out / "preview" / "handouts" / "knee-care.ar.preview.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
    # in a right-to-left paragraph pdftotext wraps runs in bidi marks and mirrors brackets
    visible = re.sub(r"[\u202a-\u202e]", "", pdf_text)
    assert 'script>alert' in visible and 'href="javascript:alert' in visible and 'onclick="x' in visible


# -- 5. names are validated -------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["../../etc", "es/../../x", "xx_QQ_ZZ", "..", "es\x00"])
def test_language_codes_never_become_paths(fixture_project, tmp_path, code, capsys):
    assert cli(fixture_project, "build", "--lang", code, "--output", str(tmp_path / "o")) == 2
    assert "language code" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_a_stray_folder_in_locales_is_named_and_skipped(fixture_project, capsys):
    """A folder whose name is no language code is a warning naming it; the languages are checked
    as before (tests/test_languages.py: unknown codes)."""
    project = fixture_project
    stray = project.locales / "not-a-language" / "LC_MESSAGES"
    stray.mkdir(parents=True)
    shutil.copy(project.catalog_path("es"), stray / "handouts.po")
    assert cli(project, "check") == 0
    out = capsys.readouterr().out
    assert "locales/not-a-language/LC_MESSAGES/handouts.po: warning: [language] unknown language code 'not-a-language'" in out
    assert "== es (release)" in out and "check: passed" in out
