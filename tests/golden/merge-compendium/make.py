"""Writes the compendium cases of this folder, made by the real GNU ``msgmerge --previous
--compendium``: ``<case>/old.po`` (a catalog), ``new.pot`` (the template; its first comment says
what the case shows), ``compendium-1.po`` (and ``compendium-2.po``: given in that order),
``expected.po`` (msgmerge's output, written back by ``msgcat``) and ``origins.json`` (which
entries the pipeline marks ``# compendium: <file>``: its own marking, which msgmerge has not).

Run from anywhere (``python tests/golden/merge-compendium/make.py``); commit the results.
tests/test_compendium.py compares the pipeline's merge with these, byte for byte but for the
origin comments and the approval records turned into notes.
"""
import json
import subprocess
from pathlib import Path

OUT = Path(__file__).resolve().parent

HEADER = ('msgid ""\nmsgstr ""\n'
          '"Project-Id-Version: Patient handouts 0.1.0\\n"\n'
          '"POT-Creation-Date: 2026-01-01 00:00+0000\\n"\n'
          '"PO-Revision-Date: 2026-01-02 09:00+0000\\n"\n'
          '"Language: es\\n"\n'
          '"MIME-Version: 1.0\\n"\n'
          '"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Content-Transfer-Encoding: 8bit\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n')
OLD_HEADER = "# Spanish translations of the test handouts.\n" + HEADER
COMPENDIUM_HEADER = "# A clinic's shared library of approved Spanish wording.\n" + HEADER
POT_HEADER = ('#, fuzzy\nmsgid ""\nmsgstr ""\n'
              '"Project-Id-Version: Patient handouts 0.1.0\\n"\n'
              '"Report-Msgid-Bugs-To: EMAIL@ADDRESS\\n"\n'
              '"POT-Creation-Date: 2026-02-01 00:00+0000\\n"\n'
              '"MIME-Version: 1.0\\n"\n'
              '"Content-Type: text/plain; charset=utf-8\\n"\n'
              '"Content-Transfer-Encoding: 8bit\\n"\n')
RECORD = "# approved-by: Legal Team; 2025-11-03T10:00Z; sha256=0123456789abcdef0123\n"
LOCAL_RECORD = "# approved-by: Test Reviewer; 2026-01-02T09:30Z; sha256=fedcba9876543210fedc\n"
EMERGENCY = "Call 911 or go to the nearest emergency room if you have chest pain."


def q(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def e(msgid, msgstr="", ctx=None, ref="a.html:1", extra="", after="", obsolete=False, plural=None, forms=("", "")):
    body = (f"msgctxt {q(ctx)}\n" if ctx is not None else "") + f"msgid {q(msgid)}\n"
    if plural is not None:
        body += f"msgid_plural {q(plural)}\n" + "".join(f"msgstr[{i}] {q(form)}\n" for i, form in enumerate(forms))
    else:
        body += f"msgstr {q(msgstr)}\n"
    if obsolete:
        return extra + after + "".join(f"#~ {line}\n" for line in body.splitlines())
    return f"{extra}#: {ref}\n{after}" + body


# name: (about, old entries, template entries, [compendium entries, ...], {msgid: compendium file})
CASES = {
    "exact-match": (
        ("A new source the compendium holds word for word: its translation, translator comments and "
        "approval record come along, not fuzzy (the pipeline turns the record into a note and names "
        "the compendium); the compendium's references and extracted comments do not."),
        [e("Rest your knee.", "Descanse la rodilla.", extra=LOCAL_RECORD)],
        [e("Rest your knee."), e(EMERGENCY, ref="knee.md:9")],
        [[e(EMERGENCY, "Llame al 911 o vaya a la sala de emergencias más cercana si tiene dolor en el pecho.",
            ref="legal/emergency.md:3", extra="# Wording reviewed by counsel.\n" + RECORD,
            after="#. Required on every handout.\n")]],
        {EMERGENCY: "compendium-1.po"}),
    "fuzzy-match": (
        ("A new source the compendium holds only a similar one of: a fuzzy match from the compendium, "
        "with the compendium's source as the previous source."),
        [e("Rest your knee.", "Descanse la rodilla.")],
        [e("Rest your knee."), e("Call 911 or go to the nearest emergency room if you have chest pain or trouble "
                                 "breathing.")],
        [[e(EMERGENCY, "Llame al 911 o vaya a la sala de emergencias más cercana si tiene dolor en el pecho.",
            extra=RECORD)]],
        {"Call 911 or go to the nearest emergency room if you have chest pain or trouble breathing.":
         "compendium-1.po"}),
    "old-catalog-wins": (
        ("The old catalog's translation wins over the compendium's for the same source; its fuzzy match "
        "wins over an equally good or weaker one of the compendium; a stronger fuzzy match of the "
        "compendium wins; an untranslated old entry loses to a translated compendium entry."),
        [e("Ice the knee for 20 minutes.", "Ponga hielo en la rodilla 20 minutos."),
         e("Take the tablets with food.", "Tome las tabletas con comida."),
         e("Keep the wound covered.", "Mantenga la herida tapada."),
         e("Do not drive after the injection.", "")],
        [e("Ice the knee for 20 minutes."), e("Take the tablets with food and water."),
         e("Keep the wound covered at night."), e("Do not drive after the injection.")],
        [[e("Ice the knee for 20 minutes.", "Aplique hielo a la rodilla durante 20 minutos.", extra=RECORD),
          e("Take the tablets with food.", "Tome los comprimidos con alimentos."),
          e("Keep the wound covered at night", "Mantenga la herida cubierta por la noche"),
          e("Do not drive after the injection.", "No conduzca después de la inyección.")]],
        {"Keep the wound covered at night.": "compendium-1.po",
         "Do not drive after the injection.": "compendium-1.po"}),
    "two-compendia": (
        ("Two compendia: for the same source the first given wins; a fuzzy match is searched in both "
        "as one list (the best weight; on a tie, the one sharing more 4-grams, then the first given)."),
        [e("Rest your knee.", "Descanse la rodilla.")],
        [e("Rest your knee."), e("Bring a list of your medicines."), e("Wear loose clothing today."),
         e("Fast for eight hours before surgery.")],
        [[e("Bring a list of your medicines.", "Traiga una lista de sus medicamentos."),
          e("Wear loose clothing.", "Use ropa holgada.")],
         [e("Bring a list of your medicines.", "Traiga la lista de sus medicinas."),
          e("Wear loose clothing.", "Use ropa suelta."),
          e("Fast for eight hours before the surgery.", "Ayune ocho horas antes de la cirugía.")]],
        {"Bring a list of your medicines.": "compendium-1.po", "Wear loose clothing today.": "compendium-1.po",
         "Fast for eight hours before surgery.": "compendium-2.po"}),
    "fuzzy-obsolete-short-and-contexts": (
        ("A compendium entry that is fuzzy stays fuzzy; an obsolete one is used like any other; a short "
        "source (under 4 characters) and a source in a context are matched as in the old catalog."),
        [e("Rest your knee.", "Descanse la rodilla.")],
        [e("Rest your knee."), e("Apply a cold pack."), e("Remove the dressing."), e("OK."),
         e("Open", ctx="button")],
        [[e("Apply a cold pack.", "Aplique una compresa fría.", after="#, fuzzy\n"),
          e("Remove the dressing.", "Retire el vendaje.", obsolete=True),
          e("OK", "Aceptar"),
          e("Open", "Abrir", ctx="menu")]],
        {"Apply a cold pack.": "compendium-1.po", "Remove the dressing.": "compendium-1.po",
         "OK.": "compendium-1.po", "Open": "compendium-1.po"}),
    "plural-entries": (
        ("A new plural source the compendium holds: both forms come along; a singular compendium "
        "translation of a source that is plural here goes into every form, fuzzy."),
        [e("Rest your knee.", "Descanse la rodilla.")],
        [e("Rest your knee."), e("%(n)s tablet", plural="%(n)s tablets", after="#, python-format\n"),
         e("%(n)s day", plural="%(n)s days", after="#, python-format\n")],
        [[e("%(n)s tablet", plural="%(n)s tablets", forms=("%(n)s tableta", "%(n)s tabletas"),
            after="#, python-format\n"),
          e("%(n)s day", "%(n)s día", after="#, python-format\n")]],
        {"%(n)s tablet": "compendium-1.po", "%(n)s day": "compendium-1.po"}),
    "only-the-first-few-candidates": (
        ("GNU searches a compendium heuristically: of the candidates sharing 4-grams with the new "
        "source, only the first max(10, sqrt(messages)) by shared 4-grams are compared; a closer "
        "candidate further down is not found (the old catalog's own search compares them all)."),
        [e("Rest your knee.", "Descanse la rodilla.")],
        [e("Rest your knee."), e("Keep the bandage dry and clean.")],
        [[e("Keep teh bandage dyr and cleen.", "Mantenga el vendaje seco y limpio (cerca).")]
         + [e(f"Keep the bandage dry and clean. Note {n}: see the leaflet.", f"Mantenga el vendaje seco y limpio. {n}")
            for n in range(12)]],
        {"Keep the bandage dry and clean.": "compendium-1.po"}),
}

for name, (about, old, new, compendia, origins) in CASES.items():
    folder = OUT / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "old.po").write_text(OLD_HEADER + "".join("\n" + x for x in old), encoding="utf-8")
    (folder / "new.pot").write_text(f"# {about}\n" + POT_HEADER + "".join("\n" + x for x in new), encoding="utf-8")
    args = []
    for number, entries in enumerate(compendia, start=1):
        (folder / f"compendium-{number}.po").write_text(COMPENDIUM_HEADER + "".join("\n" + x for x in entries),
                                                         encoding="utf-8")
        args += ["--compendium", f"compendium-{number}.po"]
    merged = subprocess.run(["msgmerge", "--quiet", "--previous", *args, "-o", "-", "old.po", "new.pot"],
                            cwd=folder, capture_output=True, text=True, check=True).stdout
    subprocess.run(["msgcat", "--force-po", "-o", "expected.po", "-"], cwd=folder, input=merged, text=True,
                   check=True)
    (folder / "origins.json").write_text(json.dumps(origins, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
