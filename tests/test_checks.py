"""Each quality check, with a case that passes and a case that fails."""

from __future__ import annotations

import hashlib
import json

import polib
import pytest

from pipeline.catalog import load_po
from pipeline.checks import CHECKS, Entry, Glossary, run_checks
from pipeline.cli import run
from pipeline.model import approve, approval_digest, entry_state, numbers_note

from .fixture import APPROVED_AT, REVIEWER, find_entry, set_entry

GLOSSARY = Glossary(["FDA", "MSCs"], {"stem cell": {"es": "células madre", "zh_Hans": "干细胞"}})

CASES = [
    # (check, language, source, translation that passes, translation that fails)
    ("placeholders", "es", "Page %(page)s of %(pages)s", "Página %(page)s de %(pages)s", "Página %(page)s de %(total)s"),
    ("placeholders", "es", "Hello {name}", "Hola {name}", "Hola nombre"),
    ("markup", "es", "Read *this* first.", "Lea *esto* primero.", "Lea esto primero."),
    ("markup", "es", "See [the FDA](https://www.fda.gov/).", "Vea [la FDA](https://www.fda.gov/).", "Vea [la FDA](https://evil.example/)."),
    ("markup", "es", "Use `code` here.", "Use `code` aquí.", "Use code aquí."),
    ("unsafe-markup", "es", "Rest.", "Descanse.", "Descanse.<script>alert(1)</script>"),
    ("unsafe-markup", "es", "Rest.", "Descanse.", "[Descanse](javascript:alert(1))."),
    ("unsafe-markup", "es", "Rest.", "Descanse.", '<img src=x onerror="alert(1)">'),
    ("invisible", "es", "Rest at home.", "Descanse en casa.", "Descanse en \u202eacsa."),  # bidi override
    ("invisible", "es", "Rest at home.", "Descanse en casa.", "Descanse en\u2066 casa\u2069."),  # isolates
    ("invisible", "es", "Rest.", "Descanse.", "Des\u200bcanse."),  # zero-width space
    ("invisible", "es", "Rest & relax.", "Descanse &amp; relájese.", "Descanse &#x202E;y relájese."),  # as an entity
    ("numbers", "es", "Drink 20 mL.", "Beba 20 mL.", "Beba &#51;0 mL."),  # a digit as an entity
    ("urls", "es", "Write to us.", "Escríbanos.", "Escríbanos: help&#64;evil.example."),  # @ as an entity
    ("invisible", "es", "Rest.", "Descanse.", "Descanse.\r"),  # carriage return
    ("invisible", "es", "Rest.", "Descanse.", "Descanse.\u2028"),  # line separator
    ("invisible", "fa", "I want to rest.", "می\u200cخواهم استراحت کنم.", "می\u200cخواهم\u200f استراحت کنم."),  # ZWNJ is Persian; RLM is not
    ("invisible", "si", "Sri Lanka", "ශ්\u200dරී ලංකාව", "ශ්\u200dරී\u00ad ලංකාව"),  # ZWJ is Sinhala; soft hyphen is not
    ("invisible", "es", "Ask the FDA.", "Pregunte a la FDA.", "Pregunte a la F\u200dDA."),  # a joiner between ASCII letters
    ("urls", "es", "Visit https://www.fda.gov/ today.", "Visite https://www.fda.gov/ hoy.", "Visite la web de la FDA hoy."),
    ("urls", "es", "Visit https://www.fda.gov/ today.", "Visite https://www.fda.gov/ hoy.", "Visite https://www.fda.gov/ o https://fda.example/ hoy."),
    ("urls", "es", "Rest.", "Descanse.", "Descanse. Más en www.example.net"),
    ("urls", "es", "Rest.", "Descanse.", "Descanse. Escriba a ayuda@example.net."),
    ("urls", "es", "Write to help@clinic.example.", "Escriba a help@clinic.example.", "Escriba a la clínica."),
    ("urls", "zh_Hans", "Visit https://www.fda.gov/ today.", "今天请访问https://www.fda.gov/了解。", "今天请访问https://www.fda.gov.example/了解。"),
    ("do-not-translate", "es", "Ask the FDA.", "Pregunte a la FDA.", "Pregunte a la Administración."),
    ("do-not-translate", "zh_Hans", "cells (MSCs)", "细胞（MSCs）", "细胞（间充质干细胞）"),
    ("glossary", "es", "Stem cells help.", "Las células madre ayudan.", "Las células troncales ayudan."),
    ("glossary", "zh_Hans", "Stem cells help.", "干细胞有帮助。", "茎细胞有帮助。"),
    ("numbers", "es", "Take 2 tablets every 8 hours.", "Tome 2 tabletas cada 8 horas.", "Tome dos tabletas cada ocho horas."),
    ("numbers", "ar", "Take 2 tablets.", "تناول ٢ قرص.", "تناول قرصين."),
    ("numbers", "es", "Drink 20 to 60 mL.", "Beba de 20 a 60 mL.", "Beba de 30 a 60 mL."),  # changed, not only missing
    ("numbers", "es", "Rest.", "Descanse.", "Descanse 2 días."),  # added
    ("numbers", "es", "Take 2 tablets 2 times a day.", "Tome 2 tabletas 2 veces al día.", "Tome 2 tabletas dos veces al día."),
    ("numbers", "es", "Take 1.5 mL.", "Tome 1,5 mL.", "Tome 15 mL."),  # decimal comma, not a lost separator
    ("numbers", "es", "Up to 1,000 mg.", "Hasta 1.000 mg.", "Hasta 1,0 mg."),
    ("numbers", "fr", "Up to 1,000 mg.", "Jusqu'à 1\u202f000 mg.", "Jusqu'à 100 mg."),
    ("numbers", "ar", "Take 2.5 mL.", "تناول ٢٫٥ مل.", "تناول ٢٥ مل."),  # Arabic-Indic digits, Arabic decimal mark
    ("numbers", "ar", "Up to 1,000 mg.", "حتى ١٬٠٠٠ ملغ.", "حتى ١٠٠ ملغ."),
    ("numbers", "hi", "Take 2 tablets.", "२ गोलियां लें।", "३ गोलियां लें।"),  # Devanagari digits
    ("numbers", "zh_Hans", "Take 2 tablets.", "服用２片。", "服用２２片。"),  # full-width digits
    ("numbers", "es", "A fever above 38 °C (100.4 °F)", "Fiebre de más de 38 °C (100,4 °F)", "Fiebre de más de 38 °C (104 °F)"),
    ("numbers", "es", "Reviewed 2026-11-25.", "Revisado el 25/11/2026.", "Revisado el 25/11/2025."),  # dates in any order
    ("identical", "es", "Swelling is normal.", "La hinchazón es normal.", "Swelling is normal."),
    ("end-punctuation", "zh_Hans", "Why is rest needed?", "为什么需要休息？", "为什么需要休息。"),
    ("end-punctuation", "ar", "Why is rest needed?", "لماذا الراحة ضرورية؟", "لماذا الراحة ضرورية."),
    ("end-punctuation", "es", "Help regulate inflammation", "Ayudar a regular la inflamación", "Ayudar a regular la inflamación."),
    ("double-space", "es", "Rest well.", "Descanse bien.", "Descanse  bien."),
    ("length", "es", "Exosomes are tiny particles released by cells.", "Los exosomas son partículas diminutas que liberan las células.", "Sí."),
    ("length", "zh_Hans", "Exosomes are tiny particles released by cells.", "外泌体是细胞释放的微小颗粒。", "外"),
]


@pytest.mark.parametrize("name, language, source, good, bad", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_check_passes_good_and_flags_bad(name, language, source, good, bad):
    assert name in CHECKS
    flagged = lambda text: [f for f in run_checks(Entry(source, text, language, GLOSSARY)) if f.check == name]
    assert flagged(good) == []
    findings = flagged(bad)
    assert findings and all(f.severity == CHECKS[name][0] for f in findings)


def test_every_check_has_a_case():
    assert {case[0] for case in CASES} == set(CHECKS)


def test_identical_is_fine_for_terms_kept_as_written():
    assert run_checks(Entry("FDA", "FDA", "es", GLOSSARY), only={"identical"}) == []


# -- invisible characters ---------------------------------------------------------------------------


def test_invisible_names_each_code_point_and_its_position():
    findings = run_checks(Entry("Rest.", "Des\u202ecanse\r.", "es", GLOSSARY), only={"invisible"})
    assert [f.message for f in findings] == [
        "U+202E RIGHT-TO-LEFT OVERRIDE at character 4 (not in the source)",
        "U+000D CARRIAGE RETURN at character 10 (not in the source)",
    ]
    assert {f.severity for f in findings} == {"error"}


def test_invisible_accepts_what_the_source_has_tabs_newlines_and_joiners_in_their_scripts():
    ok = [
        ("Col\tumn", "Colum\tna"),
        ("Line one\nline two", "Línea uno\nlínea dos"),
        ("Hy\u00adphen", "Guión\u00adlargo"),  # the source has a soft hyphen too
        ("I want", "می\u200cخواهم"),  # Persian ZWNJ
        ("avan", "അവന്\u200d"),  # Malayalam chillu: ZWJ after the virama, at the end of a word
        ("Kshatriya", "क्\u200dष"),  # Devanagari half form
        ("Doctor", "👩\u200d⚕️"),  # an emoji sequence
        ("Rest\u200b", "Descanse\u200b"),
    ]
    for source, translation in ok:
        assert run_checks(Entry(source, translation, "es", GLOSSARY), only={"invisible"}) == [], translation


def test_the_invisible_prefilter_covers_every_control_format_and_separator_character():
    import sys
    import unicodedata

    from pipeline.checks import _INVISIBLE_CANDIDATE, is_invisible

    missed = [hex(cp) for cp in range(sys.maxunicode + 1)
              if unicodedata.category(chr(cp)) in ("Cc", "Cf", "Zl", "Zp") and chr(cp) not in "\t\n"
              and not _INVISIBLE_CANDIDATE.match(chr(cp))]
    assert missed == []
    for char in "\u202a\u202e\u2066\u2069\u200e\u200f\u061c\u200b\u2060\ufeff\u00ad\U000e0041\r\x85\x0b\x0c\u2028\u2029":
        assert is_invisible(char), hex(ord(char))
    for char in "\t\n a\u00a0\u202f\u0301":
        assert not is_invisible(char)


# -- URLs ---------------------------------------------------------------------------------------------


def test_a_changed_link_target_is_reported_once_by_markup():
    findings = run_checks(Entry("See [the FDA](https://www.fda.gov/).", "Vea [la FDA](https://fda.example/).", "es", GLOSSARY))
    assert [f.check for f in findings if f.severity == "error"] == ["markup"]
    added_link = run_checks(Entry("Rest.", "Descanse. [Más](https://fda.example/)", "es", GLOSSARY))
    assert "urls" not in {f.check for f in added_link} and "markup" in {f.check for f in added_link}


def test_a_url_kept_as_text_or_as_a_link_is_not_added():
    for translation in ("Vea la FDA en https://www.fda.gov/.", "Vea [https://www.fda.gov/](https://www.fda.gov/)."):
        findings = run_checks(Entry("See [the FDA](https://www.fda.gov/).", translation, "es", GLOSSARY), only={"urls"})
        assert findings == [], translation
    shown = run_checks(Entry("See [the FDA](https://www.fda.gov/).", "Vea [https://fda.example/](https://www.fda.gov/).",
                             "es", GLOSSARY), only={"urls"})
    assert [f.message for f in shown] == ["URL not in the source: https://fda.example/"]


# -- numbers and their notes ------------------------------------------------------------------------


def numbers(source: str, translation: str, note: str | None = None, language: str = "es") -> list[tuple[str, str]]:
    return [(f.severity, f.message)
            for f in run_checks(Entry(source, translation, language, GLOSSARY, note), only={"numbers"})]


def test_numbers_names_what_is_missing_and_what_was_added():
    assert numbers("Drink 20 to 60 mL.", "Beba de 30 a 60 mL.") == [
        ("error", "number missing: 20"), ("error", "number not in the source: 30")]
    assert numbers("Take 2.5 mL.", "تناول ٣ مل.", language="ar") == [
        ("error", "number missing: 2.5"), ("error", "number not in the source: ٣")]


def test_numbers_in_placeholders_and_urls_are_other_checks_business():
    assert numbers("Page %(page)s of %(pages)s", "Página %(page)s de %(pages)s") == []
    assert numbers("See [page 2](https://example.org/2).", "Vea [página 2](https://example.org/3).") == []
    assert numbers("Write to help2@clinic.example.", "Escriba a help3@clinic.example.") == []


def test_a_numbers_note_naming_every_difference_turns_the_error_into_a_warning():
    source, metric = "A fever above 38 °C (100.4 °F)", "Fiebre de más de 38 °C"
    assert numbers(source, metric) == [("error", "number missing: 100.4")]
    findings = numbers(source, metric, "100.4 °F left out: Celsius only")
    assert findings == [("warning", "numbers differ from the source (missing 100.4), as the note says: "
                                    "'100.4 °F left out: Celsius only'")]
    # the same note does not cover a later, different change
    assert numbers(source, "Fiebre de más de 39 °C", "100.4 °F left out: Celsius only") == [
        ("error", "number missing: 38 (the '# numbers:' note does not name it)"),
        ("error", "number not in the source: 39 (the '# numbers:' note does not name it)"),
    ]
    # a time written the 24-hour way: the note names the numbers in any script
    assert numbers("Call after 8 p.m.", "اتصل بعد الساعة ٢٠:٠٠", "8 p.m. is ٢٠:٠٠", "ar")[0][0] == "warning"
    assert numbers("Call after 8 p.m.", "Llame después de las 20:00", "")[0][0] == "error"


def test_check_entry_reads_the_note_from_the_catalog_entry():
    from pipeline.checks import check_entry

    entry = polib.POEntry(msgid="A fever above 38 °C (100.4 °F)", msgstr="Fiebre de más de 38 °C")
    assert [f.severity for f in check_entry(entry, "es", GLOSSARY, only={"numbers"})] == ["error"]
    entry.tcomment = "Checked with Dr. Ortiz\nnumbers: 100.4 °F left out, Celsius only"
    assert [f.severity for f in check_entry(entry, "es", GLOSSARY, only={"numbers"})] == ["warning"]


# -- the numbers note is covered by the approval -------------------------------------------------------

FEVER = "A fever above 38 °C (100.4 °F)"


def cli(project, *args: str) -> int:
    return run(["--root", str(project.root), *args])


def old_digest(entry: polib.POEntry) -> str:
    """The digest as every record written before notes existed computed it."""
    forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)] if entry.msgid_plural else [entry.msgstr]
    payload = json.dumps([entry.msgctxt, entry.msgid, entry.msgid_plural or None, forms], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:20]


def test_the_digest_covers_the_note_only_when_there_is_one(fixture_project):
    for entry in load_po(fixture_project.catalog_path("fr")):
        assert approval_digest(entry) == old_digest(entry) and entry_state(entry) == "approved"
    entry = polib.POEntry(msgid=FEVER, msgstr="Fiebre de más de 38 °C", tcomment="Checked with Dr. Ortiz")
    assert approval_digest(entry) == old_digest(entry)  # other comments are not covered
    approve(entry, REVIEWER, APPROVED_AT)
    entry.tcomment += "\nnumbers: 100.4 °F left out, Celsius only"
    assert numbers_note(entry) == "100.4 °F left out, Celsius only"
    assert entry_state(entry) == "stale", "a note added after the approval was not approved"
    approve(entry, REVIEWER, APPROVED_AT)
    assert entry_state(entry) == "approved"
    entry.tcomment = entry.tcomment.replace("Celsius only", "Celsius only, 38 °C")
    assert entry_state(entry) == "stale", "a changed note was not approved"


def test_the_gate_takes_a_number_difference_only_with_an_approved_note(fixture_project, capsys):
    set_entry(fixture_project, "es", FEVER, msgstr="ES: Fiebre de más de 38 °C", approved=True)
    assert cli(fixture_project, "check", "--lang", "es") == 1
    assert "[numbers] number missing: 100.4" in capsys.readouterr().out
    record = find_entry(fixture_project, "es", FEVER).tcomment
    set_entry(fixture_project, "es", FEVER, tcomment=record + "\nnumbers: 100.4 °F left out, Celsius only")
    assert entry_state(find_entry(fixture_project, "es", FEVER)) == "stale"
    assert cli(fixture_project, "check", "--lang", "es") == 1
    capsys.readouterr()
    set_entry(fixture_project, "es", FEVER, approved=True)
    assert cli(fixture_project, "check", "--lang", "es") == 0
    out = capsys.readouterr().out
    assert "as the note says: '100.4 °F left out, Celsius only'" in out
    # a later change the note does not name fails again, however approved
    set_entry(fixture_project, "es", FEVER, msgstr="ES: Fiebre de más de 39 °C", approved=True)
    assert cli(fixture_project, "check", "--lang", "es") == 1
    out = capsys.readouterr().out
    assert "number missing: 38" in out and "number not in the source: 39" in out
