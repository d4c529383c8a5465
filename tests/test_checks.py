"""Each quality check, with a case that passes and a case that fails."""

from __future__ import annotations

import pytest

from pipeline.checks import CHECKS, Entry, Glossary, run_checks

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
    ("urls", "es", "Visit https://www.fda.gov/ today.", "Visite https://www.fda.gov/ hoy.", "Visite la web de la FDA hoy."),
    ("do-not-translate", "es", "Ask the FDA.", "Pregunte a la FDA.", "Pregunte a la Administración."),
    ("do-not-translate", "zh_Hans", "cells (MSCs)", "细胞（MSCs）", "细胞（间充质干细胞）"),
    ("glossary", "es", "Stem cells help.", "Las células madre ayudan.", "Las células troncales ayudan."),
    ("glossary", "zh_Hans", "Stem cells help.", "干细胞有帮助。", "茎细胞有帮助。"),
    ("numbers", "es", "Take 2 tablets every 8 hours.", "Tome 2 tabletas cada 8 horas.", "Tome dos tabletas cada ocho horas."),
    ("numbers", "ar", "Take 2 tablets.", "تناول ٢ قرص.", "تناول قرصين."),
    ("identical", "es", "Swelling is normal.", "La hinchazón es normal.", "Swelling is normal."),
    ("end-punctuation", "zh_Hans", "Why are exosomes studied?", "为什么研究外泌体？", "为什么研究外泌体。"),
    ("end-punctuation", "ar", "Why are exosomes studied?", "لماذا تُدرس الإكسوسومات؟", "لماذا تُدرس الإكسوسومات."),
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
