"""Fonts chosen by script: which faces a page is set in, and which Debian packages provide them.

A language's script comes from :meth:`pipeline.config.Project.language` -- Babel's locale data
(CLDR's likely subtags: ``bn`` -> ``bn_Beng_BD``, ``ur`` -> ``ur_Arab_PK``, ``zh_Hant`` -> ``Hant``)
or the project's definition (``script = "Latn"`` for Hmong) -- and :data:`SCRIPTS` maps it to the
Noto faces made for it, with the Debian package of each.  Nothing is listed per language, except
the one variant a script needs by language (:data:`VARIANTS`: Urdu is read in Nastaliq, not in
the Naskh style of Arabic and Persian).

The page gets its faces as CSS custom properties (:func:`page_css`, appended to the page's
stylesheet by :class:`pipeline.render.Renderer`): ``--handout-font`` is the script's face, then
Noto Sans (the Latin face, for Latin letters, digits and embedded English), then ``sans-serif``;
line height and large-print spacing per script.  ``source/templates/handout.css`` applies them.

``handouts fonts`` lists the faces and packages the configured languages need; ``make`` installs
the missing packages (``handouts fonts --missing``; README, "Fonts and scripts").
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass

from .config import LanguageInfo, Project

CORE = "fonts-noto-core"  # Debian 12: Noto Sans and the Noto faces of every script below but CJK
CJK = "fonts-noto-cjk"  # Noto Sans CJK (one .ttc for Simplified and Traditional Chinese, Japanese, Korean)


@dataclass(frozen=True)
class Face:
    family: str  # the fontconfig family name, as CSS names it
    package: str  # the Debian package that installs it


@dataclass(frozen=True)
class ScriptFonts:
    """How a page in one script is set."""

    name: str  # the script's English name, for people (handouts fonts)
    faces: tuple[Face, ...]  # the script's own faces, first choice first (none: the Latin face serves)
    line_height: float = 1.55  # tall stacks (Indic, Khmer, Myanmar), CJK and Arabic need more
    large_line_height: float = 1.7  # the same in large print (18 pt)
    # Large print widens letter spacing where letters stand apart; scripts whose letters join
    # (Arabic's cursive, the headline of Devanagari, Bengali, Gurmukhi) or stack (Thai, Khmer,
    # Myanmar) get wider word spacing instead.
    large_letter_spacing: str = "0.04em"
    large_word_spacing: str = "0.12em"


LATIN = Face("Noto Sans", CORE)
_JOINED = {"large_letter_spacing": "normal", "large_word_spacing": "0.25em"}

#: ISO 15924 script -> the faces a page in it is set in.  Sans-serif faces throughout, where Noto
#: has one (Tibetan has only Noto Serif Tibetan).  Every family is in Debian 12's fonts-noto-core
#: or fonts-noto-cjk (``dpkg -L``); fonts-noto-extra adds only other weights and widths.
SCRIPTS: dict[str, ScriptFonts] = {
    "Latn": ScriptFonts("Latin", ()),
    "Cyrl": ScriptFonts("Cyrillic", ()),
    "Grek": ScriptFonts("Greek", ()),
    "Armn": ScriptFonts("Armenian", (Face("Noto Sans Armenian", CORE),)),
    "Geor": ScriptFonts("Georgian", (Face("Noto Sans Georgian", CORE),)),
    "Hebr": ScriptFonts("Hebrew", (Face("Noto Sans Hebrew", CORE),), 1.6, 1.75),
    # Naskh, not Noto Sans Arabic: Naskh is the style Arabic and Persian readers learn and read
    # in print (books, newspapers, medicine leaflets); Noto Sans Arabic is a display-like low-contrast
    # Kufi-influenced design.  Its text layer reads better too: pdftotext gives Noto Sans Arabic's
    # lam-alef forms back reversed (إىل for إلى), Naskh's in order.
    "Arab": ScriptFonts("Arabic", (Face("Noto Naskh Arabic", CORE),), 1.8, 2.0, **_JOINED),
    # ISO 15924's Nastaliq variant of Arabic: Urdu (see VARIANTS).  Nastaliq's words descend along
    # a diagonal; the face is 2.5 em tall, so lines need far more room.
    "Aran": ScriptFonts("Arabic (Nastaliq)", (Face("Noto Nastaliq Urdu", CORE),), 2.4, 2.6, **_JOINED),
    "Syrc": ScriptFonts("Syriac", (Face("Noto Sans Syriac", CORE),), 1.8, 2.0, **_JOINED),
    "Thaa": ScriptFonts("Thaana", (Face("Noto Sans Thaana", CORE),), 1.8, 2.0, **_JOINED),
    "Deva": ScriptFonts("Devanagari", (Face("Noto Sans Devanagari", CORE),), 1.75, 1.9, **_JOINED),
    "Beng": ScriptFonts("Bengali", (Face("Noto Sans Bengali", CORE),), 1.75, 1.9, **_JOINED),
    "Guru": ScriptFonts("Gurmukhi", (Face("Noto Sans Gurmukhi", CORE),), 1.75, 1.9, **_JOINED),
    "Gujr": ScriptFonts("Gujarati", (Face("Noto Sans Gujarati", CORE),), 1.7, 1.9),
    "Orya": ScriptFonts("Odia", (Face("Noto Sans Oriya", CORE),), 1.75, 1.9),
    "Taml": ScriptFonts("Tamil", (Face("Noto Sans Tamil", CORE),), 1.7, 1.9),
    "Telu": ScriptFonts("Telugu", (Face("Noto Sans Telugu", CORE),), 1.75, 1.9),
    "Knda": ScriptFonts("Kannada", (Face("Noto Sans Kannada", CORE),), 1.75, 1.9),
    "Mlym": ScriptFonts("Malayalam", (Face("Noto Sans Malayalam", CORE),), 1.75, 1.9),
    "Sinh": ScriptFonts("Sinhala", (Face("Noto Sans Sinhala", CORE),), 1.75, 1.9),
    "Tibt": ScriptFonts("Tibetan", (Face("Noto Serif Tibetan", CORE),), 1.9, 2.1, **_JOINED),
    "Thai": ScriptFonts("Thai", (Face("Noto Sans Thai", CORE),), 1.75, 1.9, **_JOINED),
    "Laoo": ScriptFonts("Lao", (Face("Noto Sans Lao", CORE),), 1.75, 1.9, **_JOINED),
    "Khmr": ScriptFonts("Khmer", (Face("Noto Sans Khmer", CORE),), 1.85, 2.0, **_JOINED),
    "Mymr": ScriptFonts("Myanmar", (Face("Noto Sans Myanmar", CORE),), 2.0, 2.2, **_JOINED),
    "Ethi": ScriptFonts("Ethiopic", (Face("Noto Sans Ethiopic", CORE),), 1.6, 1.75),
    "Cher": ScriptFonts("Cherokee", (Face("Noto Sans Cherokee", CORE),)),
    "Cans": ScriptFonts("Canadian Aboriginal syllabics", (Face("Noto Sans Canadian Aboriginal", CORE),)),
    "Hans": ScriptFonts("Simplified Chinese", (Face("Noto Sans CJK SC", CJK),), 1.75, 1.9, "0.06em"),
    "Hant": ScriptFonts("Traditional Chinese", (Face("Noto Sans CJK TC", CJK),), 1.75, 1.9, "0.06em"),
    "Jpan": ScriptFonts("Japanese", (Face("Noto Sans CJK JP", CJK),), 1.75, 1.9, "0.06em"),
    "Kore": ScriptFonts("Korean", (Face("Noto Sans CJK KR", CJK),), 1.75, 1.9, "0.06em"),
}

#: A script written in another style by one language: (language, script) -> the script whose
#: faces it gets.  Urdu is read in Nastaliq (ISO 15924 ``Aran``); Arabic, Persian and the other
#: languages of the Arabic script keep Naskh.  A project whose language needs Nastaliq too
#: (Punjabi in Shahmukhi, say) says ``script = "Aran"`` in its definition.
VARIANTS: dict[tuple[str, str], str] = {
    ("ur", "Arab"): "Aran",
}

#: A script the table does not know is set in the Latin face, and fontconfig finds its letters
#: wherever they are installed (``handouts fonts`` names such languages).
FALLBACK = SCRIPTS["Latn"]


def script_of(info: LanguageInfo) -> str:
    """The script a language's pages are set in: its script (CLDR's likely script, or its
    definition's), with :data:`VARIANTS` applied; ``Latn`` when nothing says."""
    script = info.script or "Latn"
    return VARIANTS.get((info.code.split("_")[0], script), script)


def fonts_for(info: LanguageInfo) -> ScriptFonts:
    """How ``info``'s pages are set (:data:`SCRIPTS`; :data:`FALLBACK` for a script it lacks)."""
    return SCRIPTS.get(script_of(info), FALLBACK)


def font_stack(info: LanguageInfo) -> tuple[str, ...]:
    """The CSS font-family list of ``info``'s pages: the script's faces, Noto Sans, sans-serif."""
    return tuple(dict.fromkeys([*(face.family for face in fonts_for(info).faces), LATIN.family, "sans-serif"]))


def _css_family(name: str) -> str:
    return name if name == "sans-serif" else '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@functools.lru_cache(maxsize=512)
def page_css(info: LanguageInfo) -> str:
    """The page's font settings as CSS custom properties on ``:root``, which handout.css applies
    (``font-family: var(--handout-font)`` and so on)."""
    fonts = fonts_for(info)
    latin = ", ".join(_css_family(name) for name in (LATIN.family, "sans-serif"))
    return (f"/* fonts of the {fonts.name} script ({script_of(info)}): pipeline/fonts.py */\n"
            ":root {\n"
            f"  --handout-font: {', '.join(_css_family(name) for name in font_stack(info))};\n"
            f"  --handout-latin-font: {latin};\n"
            f"  --handout-line-height: {fonts.line_height};\n"
            f"  --handout-large-line-height: {fonts.large_line_height};\n"
            f"  --handout-large-letter-spacing: {fonts.large_letter_spacing};\n"
            f"  --handout-large-word-spacing: {fonts.large_word_spacing};\n"
            "}\n")


# -- what a project needs installed ------------------------------------------------------------


@dataclass(frozen=True)
class LanguageFonts:
    """One configured language's faces (``handouts fonts``)."""

    code: str
    script: str
    fonts: ScriptFonts
    faces: tuple[Face, ...]  # its script's faces, then the Latin face
    known: bool  # whether SCRIPTS has the script (else the Latin face and fontconfig's choice)


def configured_languages(project: Project) -> list[str]:
    """The languages a project's pages are printed in: the source language, every language with a
    catalog, every language of ``[tool.handouts.languages]`` and every defined language."""
    codes = {project.source_language, *project.languages(warn=False), *project.release, *project.definitions}
    return sorted(code for code in codes if project.knows(code))


def project_fonts(project: Project) -> list[LanguageFonts]:
    """The faces each configured language needs (:func:`configured_languages`)."""
    out = []
    for code in configured_languages(project):
        info = project.language(code)
        script = script_of(info)
        fonts = fonts_for(info)
        out.append(LanguageFonts(code, script, fonts, tuple(dict.fromkeys([*fonts.faces, LATIN])), script in SCRIPTS))
    return out


def needed_packages(languages: Iterable[LanguageFonts]) -> list[str]:
    """The Debian packages providing the faces of ``languages``, sorted."""
    return sorted({face.package for language in languages for face in language.faces})


def installed_families() -> set[str] | None:
    """The font families fontconfig knows (every name of each), or None without ``fc-list``."""
    if shutil.which("fc-list") is None:
        return None
    listing = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    return {name.strip() for line in listing.splitlines() for name in line.split(",") if name.strip()}


def missing_faces(languages: Iterable[LanguageFonts], installed: set[str] | None) -> list[Face]:
    """The faces of ``languages`` that fontconfig does not know (all of them without fontconfig)."""
    faces = dict.fromkeys(face for language in languages for face in language.faces)
    return [face for face in faces if installed is None or face.family not in installed]
