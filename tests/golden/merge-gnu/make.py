"""Writes the GNU merge cases of this folder: ``<case>/old.po`` (a catalog), ``new.pot`` (the
template it is updated to; its first comment says what the case shows) and ``expected.po``, made
by the real GNU ``msgmerge --previous`` and written back by ``msgcat``.

Run from anywhere (``python tests/golden/merge-gnu/make.py``); commit the results.
tests/test_merge_gnu.py compares the pipeline's merge with these, byte for byte.
"""
import subprocess
from pathlib import Path

OUT = Path(__file__).resolve().parent

OLD_HEADER = ('# Spanish translations of the test handouts.\n'
              'msgid ""\nmsgstr ""\n'
              '"Project-Id-Version: Patient handouts 0.1.0\\n"\n'
              '"POT-Creation-Date: 2026-01-01 00:00+0000\\n"\n'
              '"PO-Revision-Date: 2026-01-02 09:00+0000\\n"\n'
              '"Language: es\\n"\n'
              '"MIME-Version: 1.0\\n"\n'
              '"Content-Type: text/plain; charset=UTF-8\\n"\n'
              '"Content-Transfer-Encoding: 8bit\\n"\n'
              '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n')
POT_HEADER = ('#, fuzzy\nmsgid ""\nmsgstr ""\n'
              '"Project-Id-Version: Patient handouts 0.1.0\\n"\n'
              '"Report-Msgid-Bugs-To: EMAIL@ADDRESS\\n"\n'
              '"POT-Creation-Date: 2026-02-01 00:00+0000\\n"\n'
              '"MIME-Version: 1.0\\n"\n'
              '"Content-Type: text/plain; charset=utf-8\\n"\n'
              '"Content-Transfer-Encoding: 8bit\\n"\n')
RECORD = "# approved-by: Test Reviewer; 2026-01-02T09:30Z; sha256=0123456789abcdef0123\n"


def q(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def e(msgid, msgstr="", ctx=None, ref="a.html:1", extra="", after=""):
    return (f"{extra}#: {ref}\n{after}" + (f"msgctxt {q(ctx)}\n" if ctx is not None else "")
            + f"msgid {q(msgid)}\nmsgstr {q(msgstr)}\n")


def pl(msgid, plural, forms, ref="a.html:1", after=""):
    """A plural entry with the given forms (any number of them)."""
    return (f"#: {ref}\n{after}msgid {q(msgid)}\nmsgid_plural {q(plural)}\n"
            + "".join(f"msgstr[{i}] {q(form)}\n" for i, form in enumerate(forms)))


# Spanish as CLDR has it (Babel, Django 5.x's catalogs): a third form for millions
THREE_FORMS = "nplurals=3; plural=n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;"

CASES = {
    "short-string-edited-in-every-word": (
        ("A short label whose every pair of words changed: 'Open the file' -> 'Open a file' is still a fuzzy "
         "match (GNU compares characters, 4-grams only pick the candidates)."),
        [e("Open the file", "Abrir el archivo", extra=RECORD), e("Save", "Guardar")],
        [e("Open a file"), e("Save")]),
    "same-msgid-in-two-contexts": (
        "The same source in two contexts: each keeps its own translation; a third context is fuzzy.",
        [e("Close", "Cerrar", ctx="button"), e("Close", "Cercano", ctx="adjective")],
        [e("Close", ctx="adjective"), e("Close", ctx="button"), e("Close", ctx="verb")]),
    "fuzzy-across-contexts": (
        "A new source whose only similar entry is in another context: matched, fuzzy, #| msgctxt shown.",
        [e("Delete the selected handout", "Borrar el folleto seleccionado", ctx="menu")],
        [e("Delete the selected handouts", ctx="toolbar")]),
    "context-bonus-breaks-a-tie": (
        ("Two candidates equally similar, one in the same context: GNU's 0.00001 bonus picks it, "
         "though it comes later in the catalog."),
        [e("Print handout A", "Imprimir folleto A", ctx="other"),
         e("Print handout B", "Imprimir folleto B", ctx="menu")],
        [e("Print handout C", ctx="menu")]),
    "tie-between-equal-candidates": (
        ("Two candidates equally similar, same context: the one sharing more 4-grams wins, then the "
         "earlier one."),
        [e("Rest for two days", "Descanse dos días"), e("Rest for two weeks", "Descanse dos semanas"),
         e("Walk for two days", "Camine dos días")],
        [e("Rest for two dayz")]),
    "untranslated-old-entry": (
        "An untranslated old entry is no fuzzy candidate and, unused, is dropped (not made obsolete).",
        [e("Keep the dressing dry", ""), e("Keep the dressing clean", "Mantenga el vendaje limpio")],
        [e("Keep the dressing dry today")]),
    "obsolete-entry-revived": (
        ("An obsolete entry whose source is back in the template is live again, translation kept; an "
         "obsolete entry is also a fuzzy candidate."),
        [e("Call the clinic", "Llame a la clínica"),
         "#~ msgid \"Bring your insurance card\"\n#~ msgstr \"Traiga su tarjeta del seguro\"\n",
         "#~ msgid \"Arrive ten minutes early\"\n#~ msgstr \"Llegue diez minutos antes\"\n"],
        [e("Bring your insurance card"), e("Arrive fifteen minutes early")]),
    "previous-msgid-chain": (
        ("A fuzzy entry matched again keeps the previous source that led to its translation; a fuzzy "
         "entry that goes away keeps its #~| previous source."),
        [e("Take two tablets daily", "Tome dos tabletas al día",
           after="#, fuzzy\n#| msgid \"Take one tablet daily\"\n"),
         e("Avoid alcohol for a day", "Evite el alcohol un día",
           after="#, fuzzy\n#| msgid \"Avoid alcohol\"\n")],
        [e("Take two tablets twice daily")]),
    "bytes-not-characters": (
        "Non-ASCII sources: GNU's fstrcmp counts UTF-8 bytes, not characters (the pipeline too).",
        [e("Größe ändern", "Cambiar tamaño"), e("Über café", "Sobre café")],
        [e("Grösse ändern"), e("Über cafés")]),
    "short-source": (
        "A source shorter than 4 characters: compared with every candidate of a near byte length.",
        [e("OK", "Aceptar"), e("Ok!", "¡Vale!")],
        [e("OK.")]),
    "language-from-language-team": (
        ("A catalog without a Language field: GNU adds one from the English name in Language-Team "
         "(here 'Spanish', its address dropped)."),
        [e("Save", "Guardar")],
        [e("Save")],
        OLD_HEADER.replace('"Language: es\\n"\n', '"Language-Team: Spanish <es@li.org>\\n"\n')),
    "plural-entry-with-fewer-forms-than-nplurals": (
        ("The header says nplurals=3, older entries have 2 forms (a catalog moved to CLDR's rule): msgmerge "
         "accepts it and keeps each entry's forms as they are -- exact, fuzzy and obsolete alike; a new source "
         "fuzzy-matched to an old entry takes that entry's forms; only an untranslated new plural entry and a "
         "singular that became plural get 3. msgfmt --check refuses the result."),
        [pl("%(count)s handout", "%(count)s handouts", ["%(count)s folleto", "%(count)s folletos"]),
         pl("%(count)s tablet", "%(count)s tablets", ["%(count)s tableta", "%(count)s de tabletas",
                                                       "%(count)s tabletas"]),
         pl("Rest for %(count)s day", "Rest for %(count)s days", ["Descanse %(count)s día", "Descanse %(count)s días"]),
         pl("%(count)s clinic visit", "%(count)s clinic visits", ["%(count)s visita", "%(count)s visitas"]),
         e("One week of physical therapy", "Una semana de fisioterapia")],
        [pl("%(count)s handout", "%(count)s handouts", ["", ""]),
         pl("%(count)s tablet", "%(count)s tablets", ["", ""]),
         pl("Rest in bed for %(count)s day", "Rest in bed for %(count)s days", ["", ""]),
         pl("One week of physical therapy", "%(count)s weeks of physical therapy", ["", ""]),
         pl("%(count)s page", "%(count)s pages", ["", ""]),
         pl("Bring your ID", "Bring your IDs", ["", ""])],
        OLD_HEADER.replace("nplurals=2; plural=(n != 1);", THREE_FORMS)),
    "plural-entry-with-more-forms-than-nplurals": (
        ("The header says nplurals=2, entries have 3 forms (Django 4.2's Spanish, French, Italian and "
         "Portuguese catalogs): msgmerge keeps the 3 forms of an exact, a fuzzy and an obsolete entry (and "
         "of the old entry a new source is fuzzy-matched to), keeps the first form of one that is no longer "
         "plural, and gives an untranslated new plural entry 2 forms."),
        [pl("%(count)s handout", "%(count)s handouts",
            ["%(count)s folleto", "%(count)s de folletos", "%(count)s folletos"]),
         pl("Rest for %(count)s day", "Rest for %(count)s days",
            ["Descanse %(count)s día", "Descanse %(count)s de días", "Descanse %(count)s días"]),
         pl("%(count)s clinic visit", "%(count)s clinic visits",
            ["%(count)s visita", "%(count)s de visitas", "%(count)s visitas"]),
         pl("One week of physical therapy", "%(count)s weeks of physical therapy",
            ["Una semana de fisioterapia", "%(count)s de semanas de fisioterapia",
             "%(count)s semanas de fisioterapia"])],
        [pl("%(count)s handout", "%(count)s handouts", ["", ""]),
         pl("Rest in bed for %(count)s day", "Rest in bed for %(count)s days", ["", ""]),
         e("One week of physical therapy"),
         pl("%(count)s page", "%(count)s pages", ["", ""]),
         pl("Bring your ID", "Bring your IDs", ["", ""])]),
}

for name, (about, old, new, *header) in CASES.items():
    folder = OUT / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "old.po").write_text((header[0] if header else OLD_HEADER) + "".join("\n" + x for x in old),
                                   encoding="utf-8")
    (folder / "new.pot").write_text(f"# {about}\n" + POT_HEADER + "".join("\n" + x for x in new), encoding="utf-8")
    merged = subprocess.run(["msgmerge", "--quiet", "--previous", "-o", "-", "old.po", "new.pot"], cwd=folder,
                            capture_output=True, text=True, check=True).stdout
    subprocess.run(["msgcat", "--force-po", "-o", "expected.po", "-"], cwd=folder, input=merged, text=True,
                   check=True)
