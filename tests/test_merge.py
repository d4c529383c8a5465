"""The pipeline's merge against GNU msgmerge's output, case by case and on a generated corpus."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipeline.merge import FuzzyIndex
from pipeline.update import merge_template

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.bench_merge import agreement  # noqa: E402
from benchmarks.corpus import make_corpus  # noqa: E402

HEADER = '''msgid ""
msgstr ""
"Project-Id-Version: t 1\\n"
"POT-Creation-Date: {date}\\n"
"Language: es\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
'''

OLD = HEADER.format(date="2026-01-01 00:00+0000") + '''
# Checked with Dr. Ortiz
# approved-by: Ana Ruiz; 2026-01-02T00:00Z; sha256=00000000000000000000
#: a.md:1
msgid "Keep the dressing dry for two days."
msgstr "Mantenga el vendaje seco durante dos días."

#: a.md:2
#, fuzzy
#| msgid "Call us now."
msgid "Call us if it hurts."
msgstr "Llámenos si duele."

#: a.md:3
#, python-format
msgid "%(n)d tablet"
msgid_plural "%(n)d tablets"
msgstr[0] "%(n)d tableta"
msgstr[1] "%(n)d tabletas"

#: a.md:4
msgctxt "button"
msgid "Close"
msgstr "Cerrar"

#: a.md:5
#, no-wrap
msgid "Untranslated and going away."
msgstr ""

#: a.md:6
msgid "Translated and going away."
msgstr "Traducido y desapareciendo."

#~ msgid "Revived entry."
#~ msgstr "Entrada revivida."

#~ msgid "Stays obsolete."
#~ msgstr "Sigue obsoleta."
'''

NEW = HEADER.format(date="2026-02-01 00:00+0000") + '''
#. Section: Aftercare
#: b.md:1
msgid "Keep the dressing dry for three days."
msgstr ""

#: b.md:2
msgid "Call us if it hurts a lot."
msgstr ""

#: b.md:3
#, python-format
msgid "%(n)d tablet"
msgid_plural "%(n)d tablets"
msgstr[0] ""
msgstr[1] ""

#: b.md:4
msgctxt "adjective"
msgid "Close"
msgstr ""

#: b.md:5
msgctxt "button"
msgid "Close"
msgstr ""

#: b.md:6
msgid "Revived entry."
msgstr ""

#: b.md:7
msgid "A sentence nothing resembles at all."
msgstr ""

#: b.md:8
msgctxt "button"
msgid "Keep the dressing dry for two days."
msgstr ""

#: b.md:9
#, python-format
msgid "Take %(n)d tablet"
msgid_plural "Take %(n)d tablets"
msgstr[0] ""
msgstr[1] ""
'''


def msgmerge(old: Path, template: Path) -> str:
    return subprocess.run(["msgmerge", "--quiet", "--previous", "-o", "-", str(old), str(template)],
                          capture_output=True, text=True, check=True).stdout


def test_every_case_matches_msgmerge_byte_for_byte(tmp_path):
    """Exact and fuzzy matches, a def reused twice, contexts, plurals, revived and dropped
    entries, translator comments and approval records, previous msgids."""
    old, template = tmp_path / "es.po", tmp_path / "t.pot"
    old.write_text(OLD, encoding="utf-8")
    template.write_text(NEW, encoding="utf-8")
    ours = merge_template(old, template, "es.po")
    assert ours == msgmerge(old, template)
    merged = {(e.msgctxt, e.msgid): e for e in load_po_text(ours)}
    assert "approved-by: Ana Ruiz" in merged[(None, "Keep the dressing dry for three days.")].tcomment
    assert merged[(None, "Revived entry.")].msgstr == "Entrada revivida."


def load_po_text(text: str):
    from pipeline.catalog import read_po

    return read_po(text, "merged.po")


def test_merge_is_idempotent(tmp_path):
    old, template = tmp_path / "es.po", tmp_path / "t.pot"
    old.write_text(OLD, encoding="utf-8")
    template.write_text(NEW, encoding="utf-8")
    once = merge_template(old, template, "es.po")
    old.write_text(once, encoding="utf-8")
    assert merge_template(old, template, "es.po") == once


def test_agrees_with_msgmerge_on_the_benchmark_corpus(tmp_path):
    old_text, template_text = make_corpus(600, seed=7)
    old, template = tmp_path / "es.po", tmp_path / "t.pot"
    old.write_text(old_text, encoding="utf-8")
    template.write_text(template_text, encoding="utf-8")
    share, ours, gnu, _on_fuzzy = agreement(merge_template(old, template, "es.po"), msgmerge(old, template))
    assert share >= 0.95, (share, ours, gnu)
    assert ours > 0 and gnu > 0


def test_index_finds_the_best_candidate_not_just_any():
    import polib

    entries = [polib.POEntry(msgid=m, msgstr="x") for m in (
        "Rest your knee for two days.", "Rest your knee for two weeks after surgery.", "Completely unrelated text here.")]
    index = FuzzyIndex(entries)
    assert index.best(None, "Rest your knee for three days.").msgid == "Rest your knee for two days."
    assert index.best(None, "Nothing like the others at all!") is None
