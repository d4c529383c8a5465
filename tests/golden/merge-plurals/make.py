"""Writes the plural merge cases of this folder: ``<case>-<lang>/old.po`` (a catalog),
``new.pot`` (the template it is updated to; its first comment says what the case shows) and
``expected.po``, made by the real GNU ``msgmerge --previous`` and written back by ``msgcat`` (the
pipeline's own writer).  Languages with 2 (es), 3 (ru) and 1 (vi) plural forms.

Run from anywhere (``python tests/golden/merge-plurals/make.py``); commit the results.
tests/test_plurals.py compares the pipeline's merge with these, byte for byte.
"""
import subprocess
from pathlib import Path

OUT = Path(__file__).resolve().parent
PLURAL_FORMS = {
    "es": "nplurals=2; plural=(n != 1);",
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "vi": "nplurals=1; plural=0;",
}
NAMES = {"es": "Spanish", "ru": "Russian", "vi": "Vietnamese"}


def q(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def old_header(lang):
    return (f"# {NAMES[lang]} translations of the test handouts.\n"
            'msgid ""\nmsgstr ""\n'
            '"Project-Id-Version: Patient handouts 0.1.0\\n"\n'
            '"POT-Creation-Date: 2026-01-01 00:00+0000\\n"\n'
            '"PO-Revision-Date: 2026-01-02 09:00+0000\\n"\n'
            f'"Language: {lang}\\n"\n'
            '"MIME-Version: 1.0\\n"\n'
            '"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Content-Transfer-Encoding: 8bit\\n"\n'
            f'"Plural-Forms: {PLURAL_FORMS[lang]}\\n"\n')


POT_HEADER = ("# English source text of the test handouts.\n"
              "#, fuzzy\n"
              'msgid ""\nmsgstr ""\n'
              '"Project-Id-Version: Patient handouts 0.1.0\\n"\n'
              '"Report-Msgid-Bugs-To: EMAIL@ADDRESS\\n"\n'
              '"POT-Creation-Date: 2026-02-01 00:00+0000\\n"\n'
              '"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"\n'
              '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"\n'
              '"Language-Team: LANGUAGE <LL@li.org>\\n"\n'
              '"MIME-Version: 1.0\\n"\n'
              '"Content-Type: text/plain; charset=utf-8\\n"\n'
              '"Content-Transfer-Encoding: 8bit\\n"\n'
              '"Generated-By: Babel 2.18.0\\n"\n')


def entry(ref, msgid, msgstr=None, plural=None, forms=None, flags=(), comments=(), tcomments=(), previous=None):
    lines = [f"# {c}" for c in tcomments] + [f"#. {c}" for c in comments] + [f"#: {ref}"]
    if flags:
        lines.append("#, " + ", ".join(flags))
    for key, value in (previous or {}).items():
        lines.append(f"#| {key} {q(value)}")
    lines.append(f"msgid {q(msgid)}")
    if plural is None:
        lines.append(f"msgstr {q(msgstr or '')}")
    else:
        lines.append(f"msgid_plural {q(plural)}")
        lines += [f"msgstr[{i}] {q(text)}" for i, text in enumerate(forms)]
    return "\n".join(lines) + "\n"


def pot_entry(ref, msgid, plural=None, flags=(), comments=()):
    return entry(ref, msgid, plural=plural, forms=None if plural is None else ["", ""], flags=flags, comments=comments)


PY = ("python-format",)
RECORD = "approved-by: Test Reviewer; 2026-01-02T09:30Z; sha256=0123456789abcdef0123"

# the texts, per language
T = {
    "es": {
        "dry": "Mantenga el vendaje seco.",
        "count_singular": "%(count)s folletos en este idioma",
        "page": "%(count)s página impresa",
        "tablet": ["Tome %(n)s tableta", "Tome %(n)s tabletas"],
        "day": ["%(n)s día", "%(n)s días"],
        "week": ["", "%(n)s semanas"],
        "call": "Llámenos si la herida duele.",
    },
    "ru": {
        "dry": "Держите повязку сухой.",
        "count_singular": "Памяток на этом языке: %(count)s",
        "page": "Напечатано страниц: %(count)s",
        "tablet": ["Примите %(n)s таблетку", "Примите %(n)s таблетки", "Примите %(n)s таблеток"],
        "day": ["%(n)s день", "%(n)s дня", "%(n)s дней"],
        "week": ["", "%(n)s недели", "%(n)s недель"],
        "call": "Позвоните нам, если рана болит.",
    },
    "vi": {
        "dry": "Giữ băng khô ráo.",
        "count_singular": "%(count)s tài liệu bằng ngôn ngữ này",
        "page": "Đã in %(count)s trang",
        "tablet": ["Uống %(n)s viên"],
        "day": ["%(n)s ngày"],
        "week": [""],
        "call": "Hãy gọi cho chúng tôi nếu vết thương đau.",
    },
}

HANDOUTS = ("%(count)s handout in this language", "%(count)s handouts in this language")


def cases(lang):
    t = T[lang]
    dry_old = entry("source/documents/a.md:5", "Keep the dressing dry.", t["dry"], tcomments=[RECORD])
    dry_new = pot_entry("source/documents/a.md:5", "Keep the dressing dry.")
    yield "new-plural", (
        "A plural entry added to the template, like nothing in the catalog: one empty form per plural form.",
        [dry_old],
        [dry_new, pot_entry("source/templates/index.html:30", *HANDOUTS, flags=PY)])
    yield "plural-fuzzy-matches-singular", (
        ("A new plural entry whose singular source is close to a translated singular entry: fuzzy, the "
         "singular translation in every form, the old source as #| msgid; the old entry is used up."),
        [dry_old, entry("source/templates/index.html:30", HANDOUTS[1], t["count_singular"], flags=PY,
                        tcomments=[RECORD])],
        [dry_new, pot_entry("source/templates/index.html:30", *HANDOUTS, flags=PY)])
    yield "singular-became-plural", (
        ("The same msgid, now with a msgid_plural: fuzzy, the translation in every form, #| msgid; an "
         "untranslated singular that became plural stays untranslated (and is not fuzzy)."),
        [dry_old,
         entry("source/templates/index.html:31", "%(count)s page printed", t["page"], flags=PY, tcomments=[RECORD]),
         entry("source/templates/index.html:32", "%(count)s copy printed", "", flags=PY)],
        [dry_new,
         pot_entry("source/templates/index.html:31", "%(count)s page printed", "%(count)s pages printed", flags=PY),
         pot_entry("source/templates/index.html:32", "%(count)s copy printed", "%(count)s copies printed", flags=PY)])
    yield "plural-became-singular", (
        "The same msgid, no longer plural: fuzzy, the first form kept, #| msgid and #| msgid_plural.",
        [dry_old,
         entry("source/templates/index.html:33", "Take %(n)s tablet", plural="Take %(n)s tablets", forms=t["tablet"],
               flags=PY, tcomments=[RECORD])],
        [dry_new, pot_entry("source/templates/index.html:33", "Take %(n)s tablet", flags=PY)])
    yield "plural-edges", (
        ("A changed msgid_plural alone makes the entry fuzzy; a plural entry whose first form is empty is no "
         "fuzzy candidate (GNU: 'translated' is msgstr[0]); a fuzzy entry without a previous source gives "
         "its match none."),
        [dry_old,
         entry("source/templates/index.html:34", "%(n)s day", plural="%(n)s days", forms=t["day"], flags=PY),
         entry("source/templates/index.html:35", "%(n)s week", plural="%(n)s weeks", forms=t["week"], flags=PY),
         entry("source/documents/a.md:9", "Call us if the wound hurts.", t["call"], flags=("fuzzy",))],
        [dry_new,
         pot_entry("source/templates/index.html:34", "%(n)s day", "%(n)s days of rest", flags=PY),
         pot_entry("source/templates/index.html:36", "%(n)s weeks", flags=PY),
         pot_entry("source/documents/a.md:9", "Call us if the wound hurts a lot.")])


for lang in T:
    for name, (about, old, new) in cases(lang):
        folder = OUT / f"{name}-{lang}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "old.po").write_text(old_header(lang) + "".join("\n" + e for e in old), encoding="utf-8")
        (folder / "new.pot").write_text(f"# {about}\n" + POT_HEADER + "".join("\n" + e for e in new), encoding="utf-8")
        merged = subprocess.run(["msgmerge", "--quiet", "--previous", "-o", "-", "old.po", "new.pot"], cwd=folder,
                                capture_output=True, text=True, check=True).stdout
        subprocess.run(["msgcat", "--force-po", "-o", "expected.po", "-"], cwd=folder, input=merged, text=True,
                       check=True)
