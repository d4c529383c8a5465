"""Approval records: bound to content, kept by the reference tools; review commands.  On the tests'
own project (tests/fixture.py: es and fr released and approved, ar a draft)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys

import polib
import pytest
from babel.messages.pofile import read_po as babel_read_po
from babel.messages.pofile import write_po as babel_write_po

from pipeline.catalog import load_po, save_po
from pipeline.cli import run
from pipeline.model import DRAFT_TAG, approve, entry_state, read_approval, unapprove

from .fixture import DISCLAIMER

WHEN = dt.datetime(2026, 3, 4, 5, 6, tzinfo=dt.timezone.utc)
OPTIONAL = "Rest the knee for 24 hours."


def cli(project, *args: str) -> int:
    return run(["--root", str(project.root), *args])


def entry_of(project, language: str, prefix: str):
    po = load_po(project.catalog_path(language))
    return po, next(e for e in po if e.msgid.startswith(prefix))


def save(project, language, po):
    path = project.catalog_path(language)
    save_po(po, path, str(path))


def test_record_is_bound_to_source_and_translation():
    entry = polib.POEntry(msgid="Rest", msgstr="Descanse")
    assert entry_state(entry) == "review"
    record = approve(entry, "Ana Ruiz", WHEN)
    assert entry.tcomment == f"approved-by: Ana Ruiz; 2026-03-04T05:06Z; sha256={record.digest}"
    assert entry_state(entry) == "approved"
    entry.msgstr = "Descanse."
    assert entry_state(entry) == "stale"
    entry.msgstr = "Descanse"
    assert entry_state(entry) == "approved"
    entry.msgid = "Rest well"
    assert entry_state(entry) == "stale"
    entry.msgid, entry.msgctxt = "Rest", "button"
    assert entry_state(entry) == "stale"


def test_record_covers_every_plural_form():
    entry = polib.POEntry(msgid="%(n)s day", msgid_plural="%(n)s days", msgstr_plural={0: "%(n)s día", 1: "%(n)s días"})
    approve(entry, "Ana Ruiz", WHEN)
    assert entry_state(entry) == "approved"
    entry.msgstr_plural[1] = "%(n)s dias"
    assert entry_state(entry) == "stale"


def test_a_record_wrapped_by_babel_still_reads():
    entry = polib.POEntry(msgid="Rest", msgstr="Descanse")
    record = approve(entry, "Dr. Ana María Ruiz-Castellanos, Medical Interpreter", WHEN)
    first, second = record.line().split("; 2026")
    entry.tcomment = f"Checked\n{first};\n2026{second}"  # as Babel's writer wraps it at 76 columns
    assert read_approval(entry) == record and entry_state(entry) == "approved"
    approve(entry, "Li Wei", WHEN)
    assert entry.tcomment.splitlines()[0] == "Checked" and len(entry.tcomment.splitlines()) == 2


def test_approving_keeps_other_translator_comments_and_unapprove_removes_only_the_record():
    entry = polib.POEntry(msgid="Rest", msgstr="Descanse", tcomment="Checked with Dr. Ortiz")
    approve(entry, "Ana Ruiz", WHEN)
    approve(entry, "Li Wei", WHEN)  # a second approval replaces the first
    assert entry.tcomment.splitlines()[0] == "Checked with Dr. Ortiz"
    assert read_approval(entry).who == "Li Wei" and entry.tcomment.count("approved-by:") == 1
    assert unapprove(entry)
    assert entry.tcomment == "Checked with Dr. Ortiz" and entry_state(entry) == "review"


def test_edit_by_hand_makes_the_record_stale(fixture_project):
    project = fixture_project
    path = project.catalog_path("es")
    _, entry = entry_of(project, "es", DISCLAIMER)
    assert entry_state(entry) == "approved"
    # A translator changes one word in a text editor: no tool is involved.
    text = path.read_text(encoding="utf-8")
    assert text.count('"ES: FDA Notice:') == 1
    path.write_text(text.replace('"ES: FDA Notice:', '"ES: FDA Warning:'), encoding="utf-8")
    _, entry = entry_of(project, "es", DISCLAIMER)
    assert entry_state(entry) == "stale"


def test_source_edit_followed_by_update_unapproves(fixture_project):
    project = fixture_project
    document = project.documents / "knee-care.md"
    old = "Redness or swelling that spreads after 48 hours"
    document.write_text(document.read_text(encoding="utf-8").replace(old, "Redness, heat or swelling that spreads after 48 hours"), encoding="utf-8")
    assert cli(project, "extract") == 0 and cli(project, "update") == 0
    _, entry = entry_of(project, "es", "Redness, heat")
    assert "fuzzy" in entry.flags and entry.previous_msgid == old
    assert read_approval(entry) is not None and entry_state(entry) == "stale"
    assert cli(project, "check", "--lang", "es") == 1


@pytest.mark.parametrize("tool", ["msgmerge", "msgcat", "babel"])
def test_records_survive_the_reference_tools(fixture_project, tool, tmp_path):
    project = fixture_project
    path = project.catalog_path("fr")
    before = {e.msgid: read_approval(e) for e in load_po(path)}
    assert all(before.values())
    out = tmp_path / "out.po"
    if tool == "msgmerge":
        subprocess.run(["msgmerge", "--quiet", "--previous", "-o", str(out), str(path), str(project.template_path)], check=True)
    elif tool == "msgcat":
        subprocess.run(["msgcat", "-o", str(out), str(path)], check=True)
    else:
        with path.open("rb") as fh:
            catalog = babel_read_po(fh)
        buffer = io.BytesIO()
        babel_write_po(buffer, catalog)
        out.write_bytes(buffer.getvalue())
    after = load_po(out)
    assert {e.msgid: read_approval(e) for e in after if not e.obsolete} == before
    assert all(entry_state(e) == "approved" for e in after if not e.obsolete)


def make_draft(project, language: str, prefix: str) -> None:
    po, entry = entry_of(project, language, prefix)
    unapprove(entry)
    entry.flags.append("fuzzy")
    entry.tcomment = f"{DRAFT_TAG} argos-translate test-package 1.0"
    save(project, language, po)


def test_bulk_approval_never_takes_drafts(fixture_project, capsys, monkeypatch):
    project = fixture_project
    monkeypatch.setenv("HANDOUTS_REVIEWER", "Ana Ruiz")
    make_draft(project, "es", DISCLAIMER)
    po, optional = entry_of(project, "es", OPTIONAL)
    unapprove(optional)
    save(project, "es", po)
    assert cli(project, "approve", "--lang", "es", "--all") == 0
    _, draft = entry_of(project, "es", DISCLAIMER)
    _, optional = entry_of(project, "es", OPTIONAL)
    assert entry_state(draft) == "draft"
    assert entry_state(optional) == "approved" and read_approval(optional).who == "Ana Ruiz"
    assert cli(project, "approve", "--lang", "es", "--document", "knee-care") == 0
    assert entry_state(entry_of(project, "es", DISCLAIMER)[1]) == "draft"


def test_a_draft_is_approved_one_entry_at_a_time(fixture_project, capsys, monkeypatch):
    project = fixture_project
    monkeypatch.setenv("HANDOUTS_REVIEWER", "Ana Ruiz")
    make_draft(project, "es", DISCLAIMER)
    make_draft(project, "es", OPTIONAL)
    _, draft = entry_of(project, "es", DISCLAIMER)
    ref = "source/documents/knee-care.md:34"  # the disclaimer's line in tests/data/knee-care.md
    assert ref in [f"{p}:{l}" for p, l in draft.occurrences]
    # two drafts named at once: refused
    assert cli(project, "approve", "--lang", "es", "--entry", ref, "--msgid", OPTIONAL) == 1
    assert entry_state(entry_of(project, "es", DISCLAIMER)[1]) == "draft"
    capsys.readouterr()
    # named alone, a machine draft is shown and needs --confirm (it was approved without it before)
    before = project.catalog_path("es").read_bytes()
    assert cli(project, "approve", "--lang", "es", "--entry", ref) == 1
    out = capsys.readouterr().out
    assert "source:      FDA Notice:" in out and "translation: ES: FDA Notice:" in out and "--confirm" in out
    assert project.catalog_path("es").read_bytes() == before
    assert cli(project, "approve", "--lang", "es", "--entry", ref, "--confirm") == 0
    out = capsys.readouterr().out
    assert "source:      FDA Notice:" in out and "translation: ES: FDA Notice:" in out
    _, entry = entry_of(project, "es", DISCLAIMER)
    assert entry_state(entry) == "approved" and "fuzzy" not in entry.flags


def test_reviewer_comes_from_option_environment_or_git(fixture_project, monkeypatch, capsys):
    project = fixture_project
    po, entry = entry_of(project, "es", OPTIONAL)
    unapprove(entry)
    save(project, "es", po)
    monkeypatch.delenv("HANDOUTS_REVIEWER", raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    assert cli(project, "approve", "--lang", "es", "--all") == 2
    assert "who is approving?" in capsys.readouterr().err
    subprocess.run(["git", "init", "-q", str(project.root)], check=True)
    subprocess.run(["git", "-C", str(project.root), "config", "user.name", "Git Reviewer"], check=True)
    assert cli(project, "approve", "--lang", "es", "--all") == 0
    assert read_approval(entry_of(project, "es", OPTIONAL)[1]).who == "Git Reviewer"
    assert cli(project, "unapprove", "--lang", "es", "--msgid", OPTIONAL) == 0
    monkeypatch.setenv("HANDOUTS_REVIEWER", "Env Reviewer")
    assert cli(project, "approve", "--lang", "es", "--all", "--reviewer", "Option Reviewer") == 0
    assert read_approval(entry_of(project, "es", OPTIONAL)[1]).who == "Option Reviewer"


def test_status_counts_states_required_first(fixture_project, capsys):
    project = fixture_project
    make_draft(project, "es", DISCLAIMER)
    assert cli(project, "status", "--lang", "es", "--lang", "ar", "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    es, ar = data["languages"]
    document = next(d for d in es["documents"] if d["document"] == "knee-care")
    assert document["required"]["draft"] == 1 and document["required"]["approved"] == 4  # of 5
    assert [item["state"] for item in document["required_pending"]] == ["draft"]
    assert ar["status"] == "draft"
    assert all(d["all"]["approved"] == 0 for d in ar["documents"])
    assert cli(project, "status", "--lang", "es") == 0
    text = capsys.readouterr().out
    assert text.index("knee-care (required)") < text.index("  knee-care  ")
    assert "required, draft: 'FDA Notice:" in text


def test_terminal_review_walks_pending_entries(fixture_project):
    project = fixture_project
    path = project.catalog_path("ar")
    env = {**os.environ, "HANDOUTS_REVIEWER": "Ana Ruiz"}
    env.pop("EDITOR", None)
    env.pop("VISUAL", None)
    # approve the first (a required one), edit the second inline then approve it, send the third
    # back to the translator, skip the fourth, quit.
    edited = "حرارة أعلى من ٣٨ °م (١٠٠٫٤ °ف)"  # the second required entry has numbers: the edit keeps them
    answers = f"a\ne\n{edited}\na\nf\ns\nq\n"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "--root", str(project.root), "review", "ar", "--required-only"],
        input=answers, capture_output=True, text=True, env=env, check=True,
    )
    assert "[1/5]" in proc.stdout and "REQUIRED" in proc.stdout and "[4/5]" in proc.stdout
    assert "stopped at 5 of 5" in proc.stdout
    po = load_po(path)
    required = [e for e in po if e.comment and "REQUIRED" in e.comment]
    assert entry_state(required[0]) == "approved"
    assert required[1].msgstr == edited and entry_state(required[1]) == "approved"
    assert entry_state(required[2]) == "stale" or "fuzzy" in required[2].flags
    assert entry_state(required[3]) == "review"


def test_terminal_review_edits_with_the_editor(fixture_project):
    project = fixture_project
    path = project.catalog_path("ar")
    env = {**os.environ, "HANDOUTS_REVIEWER": "Ana Ruiz", "EDITOR": "sed -i '1s/.*/ترجمة من المحرر/'"}
    env.pop("VISUAL", None)
    subprocess.run(
        [sys.executable, "-m", "pipeline", "--root", str(project.root), "review", "ar", "--required-only"],
        input="e\na\nq\n", capture_output=True, text=True, env=env, check=True,
    )
    first = next(e for e in load_po(path) if e.comment and "REQUIRED" in e.comment)
    assert first.msgstr == "ترجمة من المحرر" and entry_state(first) == "approved"
