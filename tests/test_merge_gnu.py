"""The merge and the catalog I/O against GNU gettext itself.

* golden cases (tests/golden/merge-gnu/, written by the real ``msgmerge --previous``): short
  strings, contexts and GNU's context bonus, ties, untranslated and obsolete entries, previous
  sources, non-ASCII sources, plural entries with fewer or more forms than the header's nplurals
  -- compared byte for byte, and again against the installed msgmerge;
* strict and lenient reading: such plural entries are refused by the strict reader (the gate,
  the build) as by ``msgfmt --check``, merged by ``update`` with a warning naming their line, which
  ``check`` then names in its error (the CLI on the tests' own project, with and without a
  compendium);
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
from pipeline.catalog import canonical_text, catalog_text, load_po, plural_form_problems, read_po, save_po
from pipeline.cli import run
from pipeline.errors import CatalogError
from pipeline.merge import FuzzyIndex
from pipeline.update import merge_template

from .fixture import make_project

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
    po = load_po(path, strict=False)  # the golden merge cases hold plural entries msgfmt --check refuses
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


# -- plural entries whose number of forms is not the header's nplurals --------------------------------

ODD_CASES = [GOLDEN / "merge-gnu" / "plural-entry-with-fewer-forms-than-nplurals",
             GOLDEN / "merge-gnu" / "plural-entry-with-more-forms-than-nplurals"]


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)


@pytest.mark.parametrize("case", ODD_CASES, ids=[p.name for p in ODD_CASES])
def test_odd_form_counts_are_refused_strictly_read_leniently_and_warned_of_in_the_written_lines(case):
    """The strict reader refuses the old catalog (msgfmt --check does too; msgmerge merged it into
    expected.po); the lenient one reads it, and the merge's warnings name each live entry of the
    written text whose forms are not nplurals -- at the line the strict reader then refuses."""
    for name in ("old.po", "expected.po"):
        assert msgfmt_check(case / name).returncode != 0
        with pytest.raises(CatalogError, match="plural form"):
            load_po(case / name)
        assert load_po(case / name, strict=False) is not None
    warnings: list[str] = []
    text = merge_template(case / "old.po", case / "new.pot", "es.po", warnings=warnings)
    assert text == (case / "expected.po").read_text(encoding="utf-8")
    merged = read_po(text, "es.po", strict=False)
    problems = plural_form_problems(merged)
    assert problems and all(not entry.obsolete for entry, _ in problems)
    assert warnings == [f"es.po:{entry.linenum}: warning: {message} (kept as GNU msgmerge keeps it; 'handouts "
                        "check' and 'handouts build' refuse the catalog until a translator gives the entry the "
                        "header's number of forms)" for entry, message in problems]
    with pytest.raises(CatalogError) as caught:
        read_po(text, "es.po")
    assert str(caught.value) == f"es.po:{problems[0][0].linenum}: error: {problems[0][1]}"
    # what a strict read names is the entry's first line in the file
    first = problems[0][0]
    assert text.split("\n")[first.linenum - 1].startswith(("#", "msgid"))
    assert f'msgid "{first.msgid}"' in "\n".join(text.split("\n")[first.linenum - 1:first.linenum + 4])


def test_obsolete_entries_with_odd_form_counts_are_not_judged():
    """msgfmt --check compiles no obsolete entry and does not count its forms; nor does the reader."""
    text = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
            '#~ msgid "%d day"\n#~ msgid_plural "%d days"\n#~ msgstr[0] "%d día"\n#~ msgstr[1] "%d de días"\n'
            '#~ msgstr[2] "%d días"\n')
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", "-"], input=text, text=True,
                          capture_output=True).returncode == 0
    assert plural_form_problems(read_po(text, "x.po")) == []


def test_syntax_errors_stay_errors_when_reading_leniently():
    text = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
            'msgid "%d day"\nmsgid_plural "%d days"\nmsgstr[0] "%d día"\nmsgstr[2] "%d días"\n')
    errors = []
    for strict in (True, False):
        with pytest.raises(CatalogError) as caught:
            read_po(text, "x.po", strict=strict)
        errors.append(str(caught.value))
    assert errors[0] == errors[1] and errors[0].startswith("x.po:9: error: ")  # msgfmt's words
    unsound = text.replace("plural=(n != 1)", "plural=(n != 1) ? 2 : 0").replace("msgstr[2]", "msgstr[1]")
    with pytest.raises(CatalogError, match="x.po:4: error: Plural-Forms: the plural expression"):
        read_po(unsound, "x.po", strict=False)


HANDOUTS = "%(count)s handout in this language"  # source/templates/index.html, in every fixture project
STALE = "A sentence no document has any more"


def cli(project, *args: str) -> int:
    return run(["--root", str(project.root), *args])


def _line_of_entry(text: str, msgid: str) -> int:
    found = [e for e in read_po(text, "x.po", strict=False) if e.msgid == msgid and not e.obsolete]
    assert len(found) == 1
    return found[0].linenum


def test_update_merges_a_catalog_with_a_form_too_many_and_check_then_refuses_it(tmp_path, capsys):
    """A catalog msgmerge accepts and msgfmt --check refuses (a third form in a catalog whose
    header says nplurals=2, as Django 4.2's Spanish had): ``update`` writes what msgmerge writes
    and names the entry's line in the written file in a warning; ``check`` refuses the catalog
    naming the same line; once a translator removes the form, both are quiet again."""
    project = make_project(tmp_path / "p")
    path = project.catalog_path("es")
    shown = "locales/es/LC_MESSAGES/handouts.po"
    good = path.read_text(encoding="utf-8")
    start = good.index(f'msgid "{HANDOUTS}"')
    end = good.index("\n\n", start)
    block = good[start:end]
    second = block[block.index("msgstr[1] "):]
    odd = good[:start] + block + "\n" + second.replace("msgstr[1] ", "msgstr[2] ", 1) + good[end:]
    # an entry the template does not have, before the plural one: update makes it obsolete and
    # moves it to the end, so the plural entry's line changes
    header_end = odd.index("\n\n") + 2
    odd = odd[:header_end] + f'msgid "{STALE}"\nmsgstr "Una frase que ya no está en ningún documento"\n\n' \
        + odd[header_end:]
    path.write_text(odd, encoding="utf-8")
    before = tmp_path / "before.po"
    before.write_text(odd, encoding="utf-8")
    assert msgfmt_check(before).returncode != 0
    capsys.readouterr()

    assert cli(project, "update") == 0
    err = capsys.readouterr().err
    written = path.read_text(encoding="utf-8")
    assert written == msgmerge(before, project.template_path)  # byte for byte what msgmerge writes
    line = _line_of_entry(written, HANDOUTS)
    assert line != _line_of_entry(odd, HANDOUTS)
    warning = f"{shown}:{line}: warning: entry has 3 plural forms; the header says nplurals=2"
    assert warning in err
    assert err.count(": warning: ") == 1
    assert f"{shown}: updated" in err

    assert cli(project, "check") == 2
    assert f"{shown}:{line}: error: entry has 3 plural forms; the header says nplurals=2" in capsys.readouterr().err

    # a translator removes the third form: update warns of nothing, and the gate passes
    fixed = written.replace("\n" + second.replace("msgstr[1] ", "msgstr[2] ", 1), "", 1)
    assert fixed != written
    path.write_text(fixed, encoding="utf-8")
    assert cli(project, "update") == 0
    assert ": warning: " not in capsys.readouterr().err
    assert cli(project, "check") == 0


def test_a_compendium_is_read_leniently_and_its_forms_kept_with_a_warning(tmp_path, capsys):
    """A compendium whose entries have 3 forms (CLDR's Spanish) fills a catalog whose header says
    nplurals=2: as msgmerge --compendium does, the entry takes the compendium's 3 forms; update
    warns of it (it used to refuse the compendium) and check names it."""
    project = make_project(tmp_path / "p")
    path = project.catalog_path("es")
    shown = "locales/es/LC_MESSAGES/handouts.po"
    po = load_po(path)
    po.remove(next(e for e in po if e.msgid == HANDOUTS))  # a new entry, for the catalog
    save_po(po, path, str(path))
    before = tmp_path / "before.po"
    before.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    library = tmp_path / "library-es.po"
    library.write_text(
        'msgid ""\nmsgstr ""\n"Language: es\\n"\n"MIME-Version: 1.0\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n'
        '"Plural-Forms: nplurals=3; plural=n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;\\n"\n\n'
        f'msgid "{HANDOUTS}"\nmsgid_plural "%(count)s handouts in this language"\n'
        'msgstr[0] "%(count)s folleto en este idioma"\nmsgstr[1] "%(count)s de folletos en este idioma"\n'
        'msgstr[2] "%(count)s folletos en este idioma"\n'
        '\nmsgid "%(n)s day"\nmsgid_plural "%(n)s days"\nmsgstr[0] "%(n)s día"\nmsgstr[1] "%(n)s días"\n',
        encoding="utf-8")
    with pytest.raises(CatalogError):
        load_po(library)  # its second entry has 2 forms: refused when read strictly
    capsys.readouterr()
    assert cli(project, "update", "--lang", "es", "--compendium", str(library)) == 0
    err = capsys.readouterr().err
    written = path.read_text(encoding="utf-8")
    filled = next(e for e in read_po(written, shown, strict=False) if e.msgid == HANDOUTS)
    assert [filled.msgstr_plural[i] for i in sorted(filled.msgstr_plural)] == [
        "%(count)s folleto en este idioma", "%(count)s de folletos en este idioma", "%(count)s folletos en este idioma"]
    assert f"{shown}:{filled.linenum}: warning: entry has 3 plural forms; the header says nplurals=2" in err
    # msgmerge --compendium writes the same, but for the pipeline's origin comment
    gnu = subprocess.run(["msgmerge", "--quiet", "--previous", "--compendium", str(library), "-o", "-", str(before),
                          str(project.template_path)], capture_output=True, text=True, check=True).stdout
    origin = "# compendium: ../library-es.po\n"  # the pipeline's mark (relative to the project)
    assert origin in written
    assert written.replace(origin, "", 1) == canonical_text(gnu, "gnu")
    assert cli(project, "check") == 2
    assert f"{shown}:{filled.linenum}: error: entry has 3 plural forms" in capsys.readouterr().err
