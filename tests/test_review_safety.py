"""Safe reviewer actions: reviewer names that cannot break a catalog, confirmation before approving
an entry that needs a closer look, provenance that notices a person's edit of a machine draft,
and the ``# numbers:`` note as part of what an approval covers.  All on the tests' own project
(tests/fixture.py: es and fr released and approved, ar a draft)."""

from __future__ import annotations

import io
import subprocess

import polib
import pytest
from babel.messages.pofile import read_po as babel_read_po
from babel.messages.pofile import write_po as babel_write_po

from pipeline.catalog import load_po, save_po
from pipeline.checks import Glossary
from pipeline.cli import run
from pipeline.draft import draft_catalog
from pipeline.errors import PipelineError
from pipeline.review import approval_confirmation, word_diff
from pipeline.model import DRAFT_TAG, entry_state, machine_draft, mark_machine_draft, origin, read_approval, unapprove

from .fixture import find_entry, set_entry

DRINK = "Drink 20 to 60 mL of water"
REST = "Rest the knee for 24 hours."
BAD_NAMES = {
    "carriage return": "Ana\rRuiz",
    "line feed": "Ana\nRuiz",
    "tab": "Ana\tRuiz",
    "line tabulation": "Ana\vRuiz",
    "form feed": "Ana\fRuiz",
    "next line": "Ana\x85Ruiz",
    "line separator": "Ana\u2028Ruiz",
    "paragraph separator": "Ana\u2029Ruiz",
    "right-to-left override": "Ana\u202eziuR",
    "zero width space": "Ana\u200bRuiz",
    "escape": "Ana\x1b[2JRuiz",
    "semicolon": "Ana; 2026-01-01T00:00Z",
    "blank": "   ",
}


def cli(project, *args: str) -> int:
    return run(["--root", str(project.root), *args])


def pending(project, language: str, prefix: str, **fields) -> polib.POEntry:
    """Make an entry await review (no record), with ``fields`` changed."""
    set_entry(project, language, prefix, tcomment="", **fields)
    return find_entry(project, language, prefix)


# -- reviewer names -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(BAD_NAMES.values()), ids=list(BAD_NAMES))
def test_a_reviewer_name_that_would_break_the_catalog_is_refused_and_nothing_is_written(fixture_project, name, capsys):
    entry = pending(fixture_project, "es", REST)
    path = fixture_project.catalog_path("es")
    before = path.read_bytes()
    assert cli(fixture_project, "approve", "--lang", "es", "--msgid", entry.msgid, "--reviewer", name) == 2
    err = capsys.readouterr().err
    assert "reviewer name must" in err and "Traceback" not in err
    assert path.read_bytes() == before
    assert cli(fixture_project, "approve", "--lang", "es", "--all", "--reviewer", name) == 2
    assert path.read_bytes() == before
    assert cli(fixture_project, "check", "--lang", "fr") == 0, "every command still reads the catalogs"


def test_the_refusal_names_the_character(fixture_project, capsys, monkeypatch):
    entry = pending(fixture_project, "es", REST)
    monkeypatch.setenv("HANDOUTS_REVIEWER", "Ana\u2028Ruiz")  # the environment is no way around it
    assert cli(fixture_project, "approve", "--lang", "es", "--msgid", entry.msgid) == 2
    assert "U+2028 LINE SEPARATOR" in capsys.readouterr().err
    assert cli(fixture_project, "approve", "--lang", "es", "--msgid", entry.msgid, "--reviewer", "Ana\rRuiz") == 2
    assert "U+000D CARRIAGE RETURN" in capsys.readouterr().err


def test_names_in_any_script_are_accepted(fixture_project):
    for name in ("Ana María Ruiz-Castellanos", "李伟", "Nguyễn Thị Hoa", "أحمد علي", "O'Brien, Dr."):
        entry = pending(fixture_project, "es", REST)
        assert cli(fixture_project, "approve", "--lang", "es", "--msgid", entry.msgid, "--reviewer", name) == 0
        assert read_approval(find_entry(fixture_project, "es", REST)).who == name


def test_the_terminal_review_refuses_a_bad_name_before_anything(fixture_project, capsys, monkeypatch):
    pending(fixture_project, "es", REST)
    before = fixture_project.catalog_path("es").read_bytes()
    monkeypatch.setattr("sys.stdin", io.StringIO("a\n"))
    assert cli(fixture_project, "review", "es", "--reviewer", "Ana\x85Ruiz") == 2
    assert "U+0085 NEXT LINE" in capsys.readouterr().err
    assert fixture_project.catalog_path("es").read_bytes() == before


@pytest.mark.parametrize("name", ["Ana\rRuiz", "Ana\u2029Ruiz", "Ana\u2066Ruiz"])
def test_the_workspace_refuses_a_bad_name(fixture_project, name):
    from pipeline.workspace import Workspace
    from pipeline.model import view_digest

    entry = pending(fixture_project, "es", REST)
    path = fixture_project.catalog_path("es")
    before = path.read_bytes()
    workspace = Workspace(fixture_project)
    for action in ("approve", "save-approve"):
        request = {"action": action, "msgctxt": None, "msgid": entry.msgid, "msgstr": entry.msgstr,
                   "digest": view_digest(entry), "reviewer": name}
        with pytest.raises(PipelineError, match="reviewer name must"):
            workspace.act("es", request)
    assert path.read_bytes() == before


# -- the confirmation rule ----------------------------------------------------------------------------


def test_which_entries_need_confirmation_and_why():
    glossary = Glossary()
    plain = polib.POEntry(msgid="Rest the knee.", msgstr="Descanse la rodilla.")
    assert not approval_confirmation(plain, "es", glossary).needed
    changed = polib.POEntry(msgid="Rest the knee for 2 days.", msgstr="Descanse la rodilla 2 días.", flags=["fuzzy"],
                            previous_msgid="Rest the knee for 2 hours.")
    assert approval_confirmation(changed, "es", glossary).reasons == (
        "fuzzy: the English source changed since it was translated",)
    unsure = polib.POEntry(msgid="Rest the knee.", msgstr="Descanse la rodilla.", flags=["fuzzy"])
    assert approval_confirmation(unsure, "es", glossary).needed
    drafted = polib.POEntry(msgid="Rest the knee.", msgstr="Descansa la rodilla.")
    mark_machine_draft(drafted, "argos-translate translate-en_es 1.0")
    assert approval_confirmation(drafted, "es", glossary).reasons == (
        "machine draft: the text is still argos-translate translate-en_es 1.0's, not edited by a person",)
    drafted.msgstr = "Descanse la rodilla."  # a person corrected it (and it is not fuzzy)
    assert not approval_confirmation(drafted, "es", glossary).needed
    wrong = polib.POEntry(msgid="Drink 20 to 60 mL.", msgstr="Beba de 30 a 60 mL.")
    confirmation = approval_confirmation(wrong, "es", glossary)
    assert confirmation.reasons == ("2 check errors (numbers)",)
    assert [f.check for f in confirmation.errors] == ["numbers", "numbers"]


def test_word_diff():
    assert word_diff("Local soreness or swelling", "Local soreness, redness or swelling") == \
        "Local soreness{+, redness+} or swelling"
    assert word_diff("Drink 20 to 50 mL.", "Drink 20 to 60 mL.") == "Drink 20 to [-50-]{+60+} mL."


def test_a_fuzzy_entry_is_shown_as_a_diff_and_refused_without_confirm(fixture_project, capsys):
    source = find_entry(fixture_project, "es", DRINK).msgid
    old = source.replace("20 to 60 mL", "20 to 50 mL")
    pending(fixture_project, "es", DRINK, flags=["fuzzy"], previous_msgid=old)
    path = fixture_project.catalog_path("es")
    before = path.read_bytes()
    assert cli(fixture_project, "approve", "--lang", "es", "--msgid", source, "--reviewer", "Ana Ruiz") == 1
    out = capsys.readouterr().out
    assert "changed:     Drink 20 to [-50-]{+60+} mL" in out
    assert "translation: ES: Drink 20 to 60 mL" in out
    assert "fuzzy: the English source changed since it was translated" in out and "--confirm" in out
    assert path.read_bytes() == before
    assert cli(fixture_project, "approve", "--lang", "es", "--msgid", source, "--reviewer", "Ana Ruiz", "--confirm") == 0
    assert "changed:     Drink 20 to [-50-]{+60+} mL" in capsys.readouterr().out
    entry = find_entry(fixture_project, "es", DRINK)
    assert entry_state(entry) == "approved" and entry.previous_msgid is None and read_approval(entry).who == "Ana Ruiz"


def test_an_entry_with_check_errors_needs_confirm_and_bulk_approval_skips_it(fixture_project, capsys):
    wrong = pending(fixture_project, "es", DRINK, msgstr="ES: Beba de 30 a 60 mL de agua.")
    fine = pending(fixture_project, "es", REST)
    path = fixture_project.catalog_path("es")
    before = path.read_bytes()
    assert cli(fixture_project, "approve", "--lang", "es", "--msgid", wrong.msgid, "--reviewer", "Ana Ruiz") == 1
    out = capsys.readouterr().out
    assert "error:       [numbers] number missing: 20" in out and "number not in the source: 30" in out
    assert path.read_bytes() == before
    # named together with another entry, it is not approved even with --confirm: one at a time
    assert cli(fixture_project, "approve", "--lang", "es", "--msgid", wrong.msgid, "--msgid", fine.msgid,
               "--reviewer", "Ana Ruiz", "--confirm") == 1
    assert entry_state(find_entry(fixture_project, "es", DRINK)) == "review"
    assert entry_state(find_entry(fixture_project, "es", REST)) == "approved"
    unapprove_entry(fixture_project, "es", REST)
    capsys.readouterr()
    # bulk approval approves the rest, says what it skipped and why, and does not fail
    assert cli(fixture_project, "approve", "--lang", "es", "--document", "knee-care", "--reviewer", "Ana Ruiz") == 0
    captured = capsys.readouterr()
    assert "review, skipped: 2 check errors (numbers)" in captured.out and wrong.msgid[:40] in captured.out
    assert "1 skipped" in captured.err
    assert entry_state(find_entry(fixture_project, "es", DRINK)) == "review"
    assert entry_state(find_entry(fixture_project, "es", REST)) == "approved"
    assert cli(fixture_project, "approve", "--lang", "es", "--all", "--reviewer", "Ana Ruiz") == 0
    assert entry_state(find_entry(fixture_project, "es", DRINK)) == "review"
    assert cli(fixture_project, "approve", "--lang", "es", "--msgid", wrong.msgid, "--reviewer", "Ana Ruiz",
               "--confirm") == 0
    assert entry_state(find_entry(fixture_project, "es", DRINK)) == "approved"


def unapprove_entry(project, language: str, prefix: str) -> None:
    path = project.catalog_path(language)
    po = load_po(path)
    unapprove(next(e for e in po if e.msgid.startswith(prefix)))
    save_po(po, path, str(path))


def test_bulk_approval_lists_machine_drafts_as_skipped(fixture_project, capsys):
    path = fixture_project.catalog_path("es")
    po = load_po(path)
    entry = next(e for e in po if e.msgid.startswith(REST))
    unapprove(entry)
    entry.flags.append("fuzzy")
    mark_machine_draft(entry, "argos-translate translate-en_es 1.0")
    save_po(po, path, str(path))
    assert cli(fixture_project, "approve", "--lang", "es", "--all", "--reviewer", "Ana Ruiz") == 0
    out = capsys.readouterr().out
    assert "draft, skipped: machine draft: the text is still argos-translate translate-en_es 1.0's" in out
    assert entry_state(find_entry(fixture_project, "es", REST)) == "draft"


def test_the_terminal_review_shows_the_diff_and_findings_and_wants_yes_for_errors(fixture_project, capsys, monkeypatch):
    source = find_entry(fixture_project, "es", DRINK).msgid
    pending(fixture_project, "es", DRINK, msgstr="ES: Beba de 30 a 60 mL de agua.", flags=["fuzzy"],
            previous_msgid=source.replace("20 to 60", "20 to 50"))
    monkeypatch.setattr("sys.stdin", io.StringIO("a\nno\nq\n"))  # approve, but not "yes": nothing happens
    assert cli(fixture_project, "review", "es", "--reviewer", "Ana Ruiz") == 0
    out = capsys.readouterr().out
    shown, prompt = out.split("type 'yes'")[0], out.split("type 'yes'")[1]
    assert "changed:     Drink 20 to [-50-]{+60+} mL" in shown
    assert "error:       [numbers] number missing: 20" in shown
    assert "not approved" in prompt
    assert entry_state(find_entry(fixture_project, "es", DRINK)) == "fuzzy"
    monkeypatch.setattr("sys.stdin", io.StringIO("a\nyes\n"))
    assert cli(fixture_project, "review", "es", "--reviewer", "Ana Ruiz") == 0
    assert "approved by Ana Ruiz" in capsys.readouterr().out
    assert entry_state(find_entry(fixture_project, "es", DRINK)) == "approved"


def test_the_terminal_review_approves_a_shown_draft_without_errors_on_a(fixture_project, capsys, monkeypatch):
    path = fixture_project.catalog_path("es")
    po = load_po(path)
    entry = next(e for e in po if e.msgid.startswith(REST))
    unapprove(entry)
    entry.flags.append("fuzzy")
    mark_machine_draft(entry, "argos-translate translate-en_es 1.0")
    save_po(po, path, str(path))
    monkeypatch.setattr("sys.stdin", io.StringIO("a\n"))
    assert cli(fixture_project, "review", "es", "--reviewer", "Ana Ruiz") == 0
    out = capsys.readouterr().out
    assert "origin:      machine draft (argos-translate translate-en_es 1.0)" in out and "type 'yes'" not in out
    assert entry_state(find_entry(fixture_project, "es", REST)) == "approved"


# -- provenance of machine drafts -------------------------------------------------------------------


class Identity:
    """A stand-in translator that keeps every token: drafts equal to the source."""

    provenance = "argos-translate translate-en_es 1.0"

    def translate(self, sentences):
        return list(sentences)


def drafted_catalog(project, language: str = "es") -> polib.POFile:
    """Empty a catalog's translations and draft them all with :class:`Identity`."""
    path = project.catalog_path(language)
    po = load_po(path)
    for entry in po:
        if not entry.msgid_plural:
            entry.msgstr, entry.flags, entry.tcomment = "", [], ""
    report = draft_catalog(po, language, Identity(), Glossary.load(project.glossary_path))
    assert report.drafted and not report.broken
    save_po(po, path, str(path))
    return load_po(path)


def test_a_draft_records_a_digest_of_its_text_and_notices_a_persons_edit(fixture_project):
    po = drafted_catalog(fixture_project)
    entry = next(e for e in po if e.msgid.startswith(REST))
    line = next(l for l in entry.tcomment.splitlines() if l.startswith(DRAFT_TAG))
    assert line.startswith(f"{DRAFT_TAG} argos-translate translate-en_es 1.0; text-sha256=")
    assert len(line) <= 76, "one line, short enough that Babel's writer does not wrap it"
    record = machine_draft(entry)
    assert record.provenance == "argos-translate translate-en_es 1.0" and not record.edited
    assert entry_state(entry) == "draft" and origin(entry) == "machine draft (argos-translate translate-en_es 1.0)"
    drafted = entry.msgstr
    entry.msgstr = "Descanse la rodilla durante 24 horas."  # a person corrects the draft
    assert machine_draft(entry).edited and entry_state(entry) == "fuzzy"
    assert origin(entry) == "machine draft (argos-translate translate-en_es 1.0), since edited by a person"
    entry.flags.remove("fuzzy")
    assert entry_state(entry) == "review"
    entry.msgstr = drafted  # back to the machine's very words
    assert not machine_draft(entry).edited


def test_a_legacy_draft_line_without_a_digest_counts_as_the_machines_text():
    entry = polib.POEntry(msgid="Rest.", msgstr="Descansa.", flags=["fuzzy"],
                          tcomment=f"{DRAFT_TAG} argos-translate translate-en_es 1.0")
    record = machine_draft(entry)
    assert record.digest is None and not record.edited
    entry.msgstr = "Descanse."
    assert entry_state(entry) == "draft", "without a digest an edit cannot be told apart: stay safe"
    assert approval_confirmation(entry, "es").needed


def test_an_edit_in_a_text_editor_is_noticed_and_the_gnu_tools_keep_the_line(fixture_project, tmp_path):
    drafted_catalog(fixture_project)
    path = fixture_project.catalog_path("es")
    text = path.read_text(encoding="utf-8")
    assert text.count('msgstr "Follow-Up"') == 1
    path.write_text(text.replace('msgstr "Follow-Up"', 'msgstr "Seguimiento"'),
                    encoding="utf-8")  # a translator, in a text editor: no tool involved
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], check=True, capture_output=True)
    data = path.read_bytes()
    assert subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout == data
    out = tmp_path / "merged.po"
    subprocess.run(["msgmerge", "--quiet", "--previous", "-o", str(out), str(path),
                    str(fixture_project.template_path)], check=True)
    for catalog in (load_po(path), load_po(out)):
        edited = next(e for e in catalog if e.msgid == "Follow-Up")
        untouched = next(e for e in catalog if e.msgid.startswith("Pain that keeps"))
        assert entry_state(edited) == "fuzzy" and machine_draft(edited).edited
        assert entry_state(untouched) == "draft"
    from pipeline.model import origin as workspace_origin

    assert workspace_origin(edited) == "machine draft (argos-translate translate-en_es 1.0), since edited by a person"
    assert workspace_origin(untouched) == "machine draft (argos-translate translate-en_es 1.0)"


def test_a_draft_line_wrapped_by_babels_writer_still_reads():
    entry = polib.POEntry(msgid="Rest.", msgstr="Descansa.", flags=["fuzzy"])
    mark_machine_draft(entry, "argos-translate translate-en_pt_BR-with-a-long-package-name 1.9.2")
    catalog = babel_read_po(io.BytesIO(f"# {entry.tcomment}\n#, fuzzy\nmsgid \"Rest.\"\nmsgstr \"Descansa.\"\n".encode()))
    buffer = io.BytesIO()
    babel_write_po(buffer, catalog)
    written = buffer.getvalue().decode()
    assert "\n# 1.9.2; text-sha256=" in written, "Babel's writer wrapped the long line"
    again = next(e for e in polib.pofile(written) if e.msgid == "Rest.")
    record = machine_draft(again)
    assert record.provenance == "argos-translate translate-en_pt_BR-with-a-long-package-name 1.9.2"
    assert record.digest is not None and not record.edited and entry_state(again) == "draft"


def test_the_workspace_edit_turns_a_draft_into_a_persons_work(fixture_project):
    from pipeline.workspace import Workspace
    from pipeline.model import view_digest

    drafted_catalog(fixture_project)
    entry = find_entry(fixture_project, "es", REST)
    workspace = Workspace(fixture_project)
    view = workspace.act("es", {"action": "save", "msgctxt": None, "msgid": entry.msgid,
                                "msgstr": "Descanse la rodilla 24 horas.", "digest": view_digest(entry)})
    assert view["state"] == "fuzzy"
    assert view["origin"] == "machine draft (argos-translate translate-en_es 1.0), since edited by a person"
