"""The merge and the catalog I/O against GNU gettext itself.

* golden cases (tests/golden/merge-gnu/, written by the real ``msgmerge --previous``): short
  strings, contexts and GNU's context bonus, ties, untranslated and obsolete entries, previous
  sources, non-ASCII sources -- compared byte for byte, and again against the installed msgmerge;
* the GNU-layout writer (pipeline/gnupo.py) against ``msgcat`` on every catalog of the
  repository and on generated catalogs (Hypothesis);
* the one-pass reader against polib on the same files.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import gnupo
from pipeline.catalog import canonical_text, catalog_text, load_po, read_po
from pipeline.errors import CatalogError
from pipeline.merge import FuzzyIndex
from pipeline.update import merge_template

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in (GOLDEN / "merge-gnu").iterdir() if p.is_dir())
MERGE_CASES = CASES + sorted(p for p in (GOLDEN / "merge-plurals").iterdir() if p.is_dir())
CATALOGS = sorted(p for p in ROOT.glob("**/*.po*") if ".venv" not in p.parts and p.suffix in (".po", ".pot")
                  and "catalog-errors" not in p.parts)


def msgmerge(old: Path, template: Path) -> str:
    out = subprocess.run(["msgmerge", "--quiet", "--previous", "-o", "-", str(old), str(template)],
                         capture_output=True, text=True, check=True).stdout
    return canonical_text(out, "gnu")


@pytest.mark.parametrize("case", MERGE_CASES, ids=[p.name for p in MERGE_CASES])
def test_merge_matches_msgmerge_byte_for_byte(case):
    ours = merge_template(case / "old.po", case / "new.pot", "old.po")
    assert ours == (case / "expected.po").read_text(encoding="utf-8")
    assert ours == msgmerge(case / "old.po", case / "new.pot")  # and the installed msgmerge agrees


def test_open_the_file_finds_open_a_file():
    """The old word-pair index found nothing here: every pair of words changed."""
    index = FuzzyIndex([polib.POEntry(msgid="Open the file", msgstr="Abrir el archivo"),
                        polib.POEntry(msgid="Save", msgstr="Guardar")])
    assert index.best(None, "Open a file").msgid == "Open the file"
    assert index.best(None, "Usage:") is None


def _gnu_and_msgcat(po: polib.POFile) -> tuple[str | None, str]:
    fields = dict(po.ordered_metadata())
    ours = gnupo.gnu_text(po.header, bool(po.metadata_is_fuzzy), fields, list(po))
    reference = canonical_text(catalog_text(po.header, bool(po.metadata_is_fuzzy), fields, list(po)), "ref")
    return ours, reference


@pytest.mark.parametrize("path", CATALOGS, ids=[str(p.relative_to(ROOT)) for p in CATALOGS])
def test_writer_is_msgcat_on_every_catalog_of_the_repository(path):
    po = load_po(path)
    try:
        ours, reference = _gnu_and_msgcat(po)
    except CatalogError:
        pytest.skip("msgcat itself refuses to write it (charset=CHARSET with a charset conversion)")
    assert ours is not None, "the writer left a catalog of the repository to msgcat"
    assert ours == reference


@pytest.mark.parametrize("path", CATALOGS, ids=[str(p.relative_to(ROOT)) for p in CATALOGS])
def test_reader_reads_as_polib_does(path):
    text = path.read_text(encoding="utf-8")
    ours = gnupo.parse(text)
    reference = polib.pofile(text, wrapwidth=0)
    if ours is None:
        return  # left to msgfmt and polib
    for entry in ours:
        if entry.obsolete:  # polib drops the previous source of obsolete entries; GNU keeps it
            entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    assert [e.__dict__ for e in ours] == [e.__dict__ for e in reference]
    assert (ours.header, ours.metadata, ours.metadata_is_fuzzy) == (
        reference.header, reference.metadata, reference.metadata_is_fuzzy)


def _same_catalog(ours: polib.POFile | None, reference: polib.POFile | None) -> bool:
    if ours is None or reference is None:
        return ours is None and reference is None
    return ([e.__dict__ for e in ours] == [e.__dict__ for e in reference]
            and (ours.header, ours.metadata, ours.metadata_is_fuzzy) ==
            (reference.header, reference.metadata, reference.metadata_is_fuzzy))


@pytest.mark.parametrize("path", CATALOGS, ids=[str(p.relative_to(ROOT)) for p in CATALOGS])
def test_regex_reader_reads_as_the_line_reader(path):
    """The one-regex reader (one match per entry) gives what the line-by-line reader gives."""
    text = path.read_text(encoding="utf-8")
    assert _same_catalog(gnupo.parse(text), gnupo._parse_lines(text))


def test_regex_reader_on_the_real_corpus():
    """Both readers on every catalog and template of the benchmark's real corpus, when it has
    been fetched (benchmarks/real_corpus.py; skipped otherwise: tests stay offline)."""
    from benchmarks.real_corpus import CACHE

    files = sorted((CACHE / "cases").glob("*/*/*.po*")) if (CACHE / "cases").is_dir() else []
    if not files:
        pytest.skip("the real corpus has not been fetched (python benchmarks/bench_merge.py fetches it)")
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _same_catalog(gnupo.parse(text), gnupo._parse_lines(text)), path


def test_reader_keeps_previous_source_of_obsolete_entries():
    text = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            '#, fuzzy\n#~| msgid "Avoid alcohol"\n#~ msgid "Avoid alcohol for a day"\n#~ msgstr "Evite"\n')
    po = read_po(text, "x.po")
    assert po[0].obsolete and po[0].previous_msgid == "Avoid alcohol"


def test_a_malformed_file_still_gets_msgfmts_error():
    text = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "b\n'
    assert gnupo.parse(text) is None
    with pytest.raises(Exception) as caught:
        read_po(text, "x.po")
    assert "x.po:6" in str(caught.value)


TEXT = st.text(st.sampled_from(list("abc xyz%(){}.,-/\\\"\n\t") + ["é", "ü", "я", "中", "文", "ا", "ب", " ", "—"]),
               max_size=160)


@st.composite
def catalogs(draw):
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Project-Id-Version": "t", "Content-Type": "text/plain; charset=UTF-8",
                   "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    seen = set()
    for _ in range(draw(st.integers(1, 6))):
        msgid = draw(TEXT.filter(lambda t: t != ""))
        ctx = draw(st.one_of(st.none(), st.sampled_from(["menu", "button"])))
        if (ctx, msgid) in seen:
            continue
        seen.add((ctx, msgid))
        plural = draw(st.booleans())
        flags = draw(st.lists(st.sampled_from(["fuzzy", "python-format", "python-brace-format", "no-wrap",
                                               "c-format"]), max_size=2, unique=True))
        entry = polib.POEntry(
            msgctxt=ctx, msgid=msgid, flags=flags,
            tcomment=draw(st.sampled_from(["", "checked", "approved-by: A; 2026-01-01T00:00Z"])),
            occurrences=draw(st.lists(st.tuples(st.sampled_from(["a.md", "source/documents/long-name.md"]),
                                                st.integers(1, 99999).map(str)), max_size=8)),
            previous_msgid=draw(st.one_of(st.none(), TEXT)) if "fuzzy" in flags else None,
            obsolete=draw(st.booleans()))
        if plural:
            entry.msgid_plural = draw(TEXT)
            entry.msgstr_plural = {0: draw(TEXT), 1: draw(TEXT)}
        else:
            entry.msgstr = draw(TEXT)
        po.append(entry)
    return po


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_writer_is_msgcat_on_generated_catalogs(po):
    ours, reference = _gnu_and_msgcat(po)
    if ours is not None:  # None: left to msgcat
        assert ours == reference
        assert read_po(ours, "x.po") is not None


LAYOUT_MUTATIONS = (
    ("blank line inside an entry", lambda t: t.replace('\nmsgstr ', '\n\nmsgstr ', 1)),
    ("blank lines between entries", lambda t: t.replace("\n\n", "\n\n\n")),
    ("'# ' comment line", lambda t: t.replace("\n#: ", "\n# \n#: ", 1)),
    ("trailing blank", lambda t: t.replace("\n#: ", "\n# note \n#: ", 1)),
    ("comment after the flags", lambda t: t.replace("\n#, ", "\n#, fuzzy\n# late\n#, ", 1)),
    ("extracted comment before a translator comment", lambda t: t.replace("\n# ", "\n#. x\n# ", 1)),
    ("comment ending in a backslash", lambda t: t.replace("\n#: ", "\n# a\\\n#: ", 1)),
    ("no final newline", lambda t: t.rstrip("\n")),
    ("leading blank lines", lambda t: "\n\n" + t),
    ("tab in references", lambda t: t.replace("#: ", "#:\t", 1)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), st.sampled_from(LAYOUT_MUTATIONS), st.booleans())
def test_regex_reader_reads_as_the_line_reader_on_generated_files(po, mutation, polib_layout):
    """Generated catalogs, written in GNU's layout or polib's, then changed in ways the regex
    reader leaves to the line reader (or takes itself): both readers agree, entry for entry."""
    text = str(po) if polib_layout else gnupo.pofile_text(po)
    if text is None:
        return
    for variant in (text, mutation[1](text)):
        assert _same_catalog(gnupo.parse(variant), gnupo._parse_lines(variant)), mutation[0]


WRAP_TEXTS = [("word " * 30)[:n] for n in range(60, 90)] + [("中文" * 50)[:n] for n in range(30, 45)] \
    + [("x" * n) for n in range(60, 90, 3)] + [("a-b/c " * 20)[:n] + '"\\' for n in range(60, 80, 2)] \
    + ["%(name)s " * 12, "{count} items " * 8, "line one\nline two " * 5, "ends with newline " * 5 + "\n"]


@pytest.mark.parametrize("obsolete", [False, True])
def test_writer_is_msgcat_at_every_width_around_the_page_edge(obsolete):
    """Strings just under, at and over the 79-column page in every keyword and prefix (msgctxt,
    previous source, plural forms, obsolete entries): the writer's one-line shortcut and the
    order of its line-break calls give msgcat's bytes."""
    po = polib.POFile(wrapwidth=0)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    for number, text in enumerate(WRAP_TEXTS):
        po.append(polib.POEntry(msgctxt=text, msgid=f"{number} {text}", msgstr=text, obsolete=obsolete,
                                flags=["fuzzy", "python-format"] if "%" in text else ["fuzzy"],
                                previous_msgid=text, tcomment=text))
        po.append(polib.POEntry(msgid=f"p{number} {text}", msgid_plural=text, msgstr_plural={0: text, 1: text[::-1]},
                                obsolete=obsolete))
    ours, reference = _gnu_and_msgcat(po)
    assert ours is not None
    assert ours == reference


@pytest.mark.parametrize("team", ["Spanish <es@li.org>", "German", "Chinese (simplified) <zh@li.org>",
                                  "https://www.transifex.com/django/django/language/fr/", "Klingon <tlh@example.org>",
                                  "Portuguese <pt@li.org>, Brazil"])
def test_language_field_added_from_language_team_as_msgmerge_adds_it(tmp_path, team):
    """A catalog without a Language field gets the one msgmerge derives from Language-Team
    (its English language name; an empty field when msgmerge's table has no match -- as for a
    bare 'German', whose value keeps its line end in GNU's comparison)."""
    header = ('msgid ""\nmsgstr ""\n"Project-Id-Version: x\\n"\n"Language-Team: ' + team.replace('"', '\\"')
              + '\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    (tmp_path / "old.po").write_text(header + '\nmsgid "Save"\nmsgstr "Guardar"\n', encoding="utf-8")
    (tmp_path / "new.pot").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                                      'msgid "Save"\nmsgstr ""\n', encoding="utf-8")
    ours = merge_template(tmp_path / "old.po", tmp_path / "new.pot", "old.po")
    assert ours == msgmerge(tmp_path / "old.po", tmp_path / "new.pot")
    assert '"Language: ' in ours
