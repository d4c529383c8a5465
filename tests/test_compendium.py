"""``handouts update --compendium FILE.po``: new entries filled from other catalogs of
translations, as GNU ``msgmerge --compendium`` fills them -- and never approved here.

* golden cases (tests/golden/merge-compendium/, written by the real msgmerge): exact and fuzzy
  matches, the old catalog winning over a compendium, two compendia, fuzzy, obsolete, short and
  plural compendium entries, GNU's heuristic search of the first few candidates -- compared byte
  for byte, once the pipeline's own marks are taken out: the origin comment and the approval
  record turned into a note (both asserted on their own);
* the command line on the tests' own project: an entry filled from a compendium with an approval
  record is not approved here (the gate says so), while the record msgmerge would have copied
  would pass for an approval; a missing, malformed or wrong-language compendium is a
  ``path: error:`` with exit code 2 and no catalog touched;
* the pool of processes ``update`` merges catalogs in gives what one process gives.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import polib
import pytest

from pipeline import update as update_module
from pipeline.catalog import canonical_text, load_po, save_po
from pipeline.cli import run
from pipeline.model import State, approve, entry_state, read_approval
from pipeline.update import (
    Compendium,
    compendium_comment,
    merge_template,
    update_catalogs,
)

from .fixture import DOCUMENT, make_project

GOLDEN = Path(__file__).parent / "golden" / "merge-compendium"
CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir())
ORIGIN = re.compile(r"^# compendium: (.+)$", re.MULTILINE)
RECORD = re.compile(r"^# approved-by: ([^;\n]+); ([^;\n]+); sha256=[0-9a-f]+$", re.MULTILINE)


def compendia_of(case: Path) -> list[Path]:
    return sorted(case.glob("compendium-*.po"))


def ours(case: Path) -> str:
    compendia = [Compendium(path.name, "es", list(load_po(path))) for path in compendia_of(case)]
    return merge_template(case / "old.po", case / "new.pot", "old.po", compendia)


def as_gnu_would_mark(ours_text: str, expected: str) -> tuple[str, str]:
    """Both texts without the pipeline's own marks: the origin comments taken out of ours, and in
    msgmerge's output the approval records of the entries taken from a compendium written as
    the notes the pipeline makes of them (entry by entry: the blocks correspond)."""
    mine, theirs = ours_text.split("\n\n"), expected.split("\n\n")
    if len(mine) != len(theirs):
        return ours_text, expected
    for number, block in enumerate(mine):
        if ORIGIN.search(block):
            mine[number] = ORIGIN.sub("", block).replace("\n\n", "\n").lstrip("\n")
            theirs[number] = RECORD.sub(r"# compendium approval: \1; \2", theirs[number])
    return "\n\n".join(mine), "\n\n".join(theirs)


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_compendium_merge_matches_msgmerge_but_for_the_marks(case):
    text = ours(case)
    expected = (case / "expected.po").read_text(encoding="utf-8")
    assert as_gnu_would_mark(text, expected)[0] == as_gnu_would_mark(text, expected)[1]
    # and the installed msgmerge still writes what the golden file holds
    arguments = [arg for path in compendia_of(case) for arg in ("--compendium", path.name)]
    gnu = subprocess.run(["msgmerge", "--quiet", "--previous", *arguments, "-o", "-", "old.po", "new.pot"],
                         cwd=case, capture_output=True, text=True, check=True).stdout
    assert canonical_text(gnu, "gnu") == expected


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_entries_from_a_compendium_name_it_and_bring_no_approval(case):
    po = polib.pofile(ours(case), wrapwidth=0)
    origins = {}
    for entry in po:
        found = ORIGIN.findall("\n".join(f"# {line}" for line in entry.tcomment.split("\n")))
        if found:
            assert len(found) == 1 and entry.tcomment.startswith("compendium: "), entry.tcomment
            origins[entry.msgid] = found[0]
            assert read_approval(entry) is None
            assert "approved-by:" not in entry.tcomment
    assert origins == json.loads((case / "origins.json").read_text(encoding="utf-8"))


def test_the_approval_record_of_a_compendium_entry_becomes_a_note():
    text = ours(GOLDEN / "exact-match")
    assert ("# compendium: compendium-1.po\n# Wording reviewed by counsel.\n"
            "# compendium approval: Legal Team; 2025-11-03T10:00Z\n#: knee.md:9\n") in text
    # the old catalog's own record is untouched
    assert "# approved-by: Test Reviewer; 2026-01-02T09:30Z; sha256=fedcba9876543210fedc\n" in text


@pytest.mark.parametrize("comment, expected", [
    ("", "compendium: lib/es.po"),
    ("approved-by: Ana Ruiz; 2026-11-25T14:02Z; sha256=3f1c0a9e5b7d2c4e6a81",
     "compendium: lib/es.po\ncompendium approval: Ana Ruiz; 2026-11-25T14:02Z"),
    # Babel wraps a long record over two lines
    (("Keep short.\napproved-by: Dr. María José Fernández-Castillo de la Vega; 2026-11-25T14:02Z;\n"
      "sha256=3f1c0a9e5b7d2c4e6a81\nnumbers: 38 °C"),
     ("compendium: lib/es.po\nKeep short.\ncompendium approval: Dr. María José Fernández-Castillo de la Vega; "
      "2026-11-25T14:02Z\nnumbers: 38 °C")),
    ("approved-by: someone without a date", "compendium: lib/es.po\ncompendium approval: someone without a date"),
    ("compendium: other/library.po\nchecked", "compendium: lib/es.po\nchecked"),
    ("machine-draft: argos 1.9; text-sha256=0123456789ab",
     "compendium: lib/es.po\nmachine-draft: argos 1.9; text-sha256=0123456789ab"),
])
def test_compendium_comment(comment, expected):
    assert compendium_comment(comment, "lib/es.po") == expected


# -- the command line ------------------------------------------------------------------------------

EMERGENCY = "Call 911 or go to the nearest emergency room if you have chest pain."
SPANISH = "Llame al 911 o vaya a la sala de emergencias más cercana si tiene dolor en el pecho."
LEGAL_HEADER = ('# A clinic\'s shared library of approved wording.\nmsgid ""\nmsgstr ""\n'
                '"Project-Id-Version: legal library 3\\n"\n"Language: {language}\\n"\n"MIME-Version: 1.0\\n"\n'
                '"Content-Type: text/plain; charset=UTF-8\\n"\n"Content-Transfer-Encoding: 8bit\\n"\n'
                '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n')


def cli(project, *args: str) -> int:
    return run(["--root", str(project.root), *args])


def write_compendium(path: Path, language: str = "es", approved: bool = True) -> Path:
    """A compendium holding the emergency sentence in Spanish, approved in the library (a valid
    record: its digest covers context, source and translation, as a record here would)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LEGAL_HEADER.format(language=language) + f'\n#: legal/emergency.md:3\nmsgid "{EMERGENCY}"\n'
                    'msgstr "x"\n', encoding="utf-8")
    po = load_po(path)
    po[0].msgstr = SPANISH
    if approved:
        approve(po[0], "Legal Team", dt.datetime(2025, 11, 3, 10, 0, tzinfo=dt.UTC))
    save_po(po, path, str(path))
    return path


@pytest.fixture
def project_with_new_sentence(tmp_path):
    """The tests' project (es and fr released and approved) whose document gained a required
    paragraph after the catalogs were made: extracted, not yet in any catalog."""
    project = make_project(tmp_path / "project")
    text = DOCUMENT.read_text(encoding="utf-8")
    (project.documents / DOCUMENT.name).write_text(text.rstrip("\n") + f"\n\n{{.required}}\n{EMERGENCY}\n",
                                                   encoding="utf-8")
    assert cli(project, "extract") == 0
    return project


def entry(project, language: str, msgid: str) -> polib.POEntry:
    found = [e for e in load_po(project.catalog_path(language)) if e.msgid == msgid and not e.obsolete]
    assert len(found) == 1
    return found[0]


def test_an_entry_filled_from_a_compendium_is_not_approved_here(project_with_new_sentence, capsys):
    project = project_with_new_sentence
    library = write_compendium(project.root / "shared" / "legal-es.po")
    assert cli(project, "update", "--compendium", str(library)) == 0
    filled = entry(project, "es", EMERGENCY)
    assert filled.msgstr == SPANISH and "fuzzy" not in filled.flags
    assert filled.tcomment.splitlines() == ["compendium: shared/legal-es.po",
                                            "compendium approval: Legal Team; 2025-11-03T10:00Z"]
    assert read_approval(filled) is None
    assert entry(project, "fr", EMERGENCY).msgstr == ""  # a Spanish compendium fills Spanish only
    capsys.readouterr()
    assert cli(project, "check", "--lang", "es") == 1
    out = capsys.readouterr().out
    assert re.search(r"locales/es/LC_MESSAGES/handouts\.po:\d+: error: \[required\] required entry is not "
                     r"approved yet: 'Call 911", out), out


def test_the_record_msgmerge_would_copy_would_pass_for_an_approval(project_with_new_sentence):
    """Why the pipeline turns it into a note: GNU msgmerge copies the translator comments, and the
    copied record's digest still matches (it covers context, source and translation only)."""
    project = project_with_new_sentence
    library = write_compendium(project.root / "shared" / "legal-es.po")
    catalog = project.catalog_path("es")
    gnu = subprocess.run(["msgmerge", "--quiet", "--previous", "--compendium", str(library), "-o", "-", str(catalog),
                          str(project.template_path)], capture_output=True, text=True, check=True).stdout
    copied = next(e for e in polib.pofile(gnu, wrapwidth=0) if e.msgid == EMERGENCY)
    assert read_approval(copied) is not None and entry_state(copied) is State.APPROVED
    assert cli(project, "update", "--compendium", str(library)) == 0
    assert entry_state(entry(project, "es", EMERGENCY)) is State.REVIEW


def test_update_with_a_missing_compendium_is_a_path_error(project_with_new_sentence, capsys, monkeypatch):
    project = project_with_new_sentence
    monkeypatch.chdir(project.root)
    before = project.catalog_path("es").read_bytes()
    assert cli(project, "update", "--compendium", "missing.po") == 2
    err = capsys.readouterr().err
    assert err.startswith("missing.po: error: no such file (given with --compendium)"), err
    assert project.catalog_path("es").read_bytes() == before


@pytest.mark.parametrize("breakage, message", [
    (lambda text: text.replace('"Language: es\\n"\n', ""),
     r"shared/legal\.po:2: error: the compendium names no language"),
    (lambda text: text.replace("Language: es", "Language: de"),
     (r"shared/legal\.po:5: error: the compendium is in 'de' \(its Language header\), but no catalog being "
      r"updated is in that language \(updating: ar, es, fr\)")),
    (lambda text: text.replace(f'msgid "{EMERGENCY}"', f'msgid "{EMERGENCY}'), r"shared/legal\.po:\d+: error: "),
    (lambda text: text.replace("charset=UTF-8", "charset=ISO-8859-1"), r"shared/legal\.po:\d+: error: charset"),
])
def test_a_compendium_is_checked_before_any_catalog_is_touched(project_with_new_sentence, capsys, breakage,
                                                               message):
    project = project_with_new_sentence
    library = write_compendium(project.root / "shared" / "legal.po")
    library.write_text(breakage(library.read_text(encoding="utf-8")), encoding="utf-8")
    before = {code: project.catalog_path(code).read_bytes() for code in ("es", "fr", "ar")}
    assert cli(project, "update", "--compendium", str(library)) == 2
    err = capsys.readouterr().err
    assert re.match(message, err), err
    assert {code: project.catalog_path(code).read_bytes() for code in ("es", "fr", "ar")} == before


def test_a_compendium_for_a_language_not_updated_is_refused(project_with_new_sentence, capsys):
    project = project_with_new_sentence
    library = write_compendium(project.root / "shared" / "legal-es.po")
    assert cli(project, "update", "--lang", "fr", "--compendium", str(library)) == 2
    assert "no catalog being updated is in that language (updating: fr)" in capsys.readouterr().err


def test_a_compendium_outside_the_project_is_named_relative_to_it(project_with_new_sentence, tmp_path):
    project = project_with_new_sentence
    library = write_compendium(tmp_path / "clinic-library" / "legal-es.po")
    assert cli(project, "update", "--lang", "es", "--compendium", str(library)) == 0
    assert entry(project, "es", EMERGENCY).tcomment.startswith("compendium: ../clinic-library/legal-es.po\n")


def test_approving_an_entry_from_a_compendium_keeps_where_it_came_from(project_with_new_sentence, capsys):
    project = project_with_new_sentence
    library = write_compendium(project.root / "shared" / "legal-es.po")
    assert cli(project, "update", "--compendium", str(library)) == 0
    assert cli(project, "approve", "--lang", "es", "--msgid", EMERGENCY, "--reviewer", "Local Reviewer") == 0
    approved = entry(project, "es", EMERGENCY)
    assert read_approval(approved).who == "Local Reviewer"
    assert approved.tcomment.startswith("compendium: shared/legal-es.po\ncompendium approval: Legal Team;")
    capsys.readouterr()
    assert cli(project, "check", "--lang", "es") == 0, capsys.readouterr().out


# -- updating in a pool of processes -----------------------------------------------------------------


def test_the_pool_of_processes_gives_what_one_process_gives(tmp_path, monkeypatch):
    """``update`` merges catalogs in a pool when they are large enough; forced here on small ones."""
    one = make_project(tmp_path / "one", languages={"es": "release", "fr": "release", "de": "draft", "ar": "draft"})
    pool = make_project(tmp_path / "pool", languages={"es": "release", "fr": "release", "de": "draft", "ar": "draft"})
    for project in (one, pool):
        text = DOCUMENT.read_text(encoding="utf-8").replace("Rest the knee for 24 hours.", "Rest the knee for a day.")
        (project.documents / DOCUMENT.name).write_text(text + f"\n{EMERGENCY}\n", encoding="utf-8")
        assert cli(project, "extract") == 0
        write_compendium(project.root / "legal-es.po")
    serial = list(update_catalogs(one, one.languages(), [one.root / "legal-es.po"], jobs=1))
    monkeypatch.setattr(update_module, "PARALLEL_BYTES", 0)
    parallel = list(update_catalogs(pool, pool.languages(), [pool.root / "legal-es.po"], jobs=2))
    assert [(o.language, o.shown, o.changed, o.error) for o in serial] == \
        [(o.language, o.shown, o.changed, o.error) for o in parallel]
    assert all(o.changed and o.error is None for o in parallel)
    for language in one.languages():
        assert one.catalog_path(language).read_bytes() == pool.catalog_path(language).read_bytes()


def test_a_failing_catalog_does_not_stop_the_others(fixture_project, capsys, monkeypatch):
    es = fixture_project.catalog_path("es")
    es.write_text(es.read_text(encoding="utf-8") + '\nmsgid "broken\n', encoding="utf-8")
    monkeypatch.setattr(update_module, "PARALLEL_BYTES", 0)
    fr_before = fixture_project.catalog_path("fr").read_text(encoding="utf-8")
    (fixture_project.documents / DOCUMENT.name).write_text(
        DOCUMENT.read_text(encoding="utf-8") + f"\n{EMERGENCY}\n", encoding="utf-8")
    assert cli(fixture_project, "extract") == 0
    capsys.readouterr()
    assert cli(fixture_project, "update", "--jobs", "2") == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "locales/ar/LC_MESSAGES/handouts.po: updated"
    assert re.match(r"locales/es/LC_MESSAGES/handouts\.po:\d+: error: ", err[1]), err
    assert err[2] == "locales/fr/LC_MESSAGES/handouts.po: updated"
    assert fixture_project.catalog_path("fr").read_text(encoding="utf-8") != fr_before


# -- random cases against the real msgmerge ---------------------------------------------------------

WORDS = ["keep", "the", "knee", "dry", "rest", "ice", "pack", "call", "clinic", "if", "pain", "gets", "worse", "take", "tablets", "with", "food"]


def _sentence(rng) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 7))).capitalize() + rng.choice([".", "", "!"])


def _catalog(rng, sources, header: str) -> str:
    blocks = [header]
    for source in sources:
        ctx = rng.choice([None, None, None, "menu", "button"])
        translation = "" if rng.random() < 0.1 else "ES " + source[::-1]
        flags = "#, fuzzy\n" if rng.random() < 0.15 else ""
        obsolete = rng.random() < 0.1
        body = (f'msgctxt "{ctx}"\n' if ctx else "") + f'msgid "{source}"\nmsgstr "{translation}"\n'
        blocks.append(flags + ("".join(f"#~ {line}\n" for line in body.splitlines()) if obsolete
                               else "#: a.md:1\n" + body))
    return "\n".join(blocks)


@pytest.mark.parametrize("seed", range(25))
def test_random_compendia_merge_as_msgmerge_merges_them(tmp_path, seed):
    """Small random catalogs, templates and one to three compendia over a twenty-word vocabulary
    (so that fuzzy candidates, ties, contexts, untranslated, fuzzy and obsolete messages abound):
    the pipeline's merge is msgmerge's but for its marks."""
    import random

    rng = random.Random(seed)
    header = LEGAL_HEADER.format(language="es")
    pool = list(dict.fromkeys(_sentence(rng) for _ in range(120)))
    (tmp_path / "old.po").write_text(_catalog(rng, rng.sample(pool, 8), header), encoding="utf-8")
    template = [s for s in rng.sample(pool, 20)]
    (tmp_path / "new.pot").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                                      + "\n".join(f'#: b.md:2\nmsgid "{s}"\nmsgstr ""\n' for s in template),
                                      encoding="utf-8")
    names = []
    for number in range(rng.randint(1, 3)):
        names.append(f"compendium-{number + 1}.po")
        (tmp_path / names[-1]).write_text(_catalog(rng, rng.sample(pool, rng.randint(5, 40)), header),
                                          encoding="utf-8")
    arguments = [arg for name in names for arg in ("--compendium", name)]
    gnu = subprocess.run(["msgmerge", "--quiet", "--previous", *arguments, "-o", "-", "old.po", "new.pot"],
                         cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    expected = canonical_text(gnu, "gnu")
    mine = merge_template(tmp_path / "old.po", tmp_path / "new.pot", "old.po",
                          [Compendium(name, "es", list(load_po(tmp_path / name))) for name in names])
    a, b = as_gnu_would_mark(mine, expected)
    assert a == b
