"""Project configuration: the ``[tool.handouts]`` table of ``pyproject.toml``.

Languages are discovered from the catalogs under ``locales/`` (``<lang>/LC_MESSAGES/<domain>.po``),
so adding a language is adding its catalog (``handouts init LANG``).  The configuration only says
things that cannot be discovered: paths, the paper size, each language's release status, and
languages Babel's locale data (CLDR) lacks (``[tool.handouts.language-definitions.<code>]``).

What the pipeline knows about a language -- its English and native names, script, direction,
plural rule and BCP 47 tag -- comes from one place, :meth:`Project.language`, which returns a
:class:`LanguageInfo`: Babel's locale data (with the corrections of :data:`NAME_OVERRIDES`) for the
codes it knows, the project's definitions for the others (and over Babel where they say so).
"""

from __future__ import annotations

import functools
import re
import sys
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from .errors import ConfigError
from .files import read_text
from .model import plural_forms_problem

PAPER_SIZES = ("A4", "Letter", "Legal", "A5")
DEFAULTS = {
    "domain": "handouts",
    "source_language": "en",
    "documents": "source/documents",
    "templates": "source/templates",
    "mapping": "source/babel.cfg",
    "locales": "locales",
    "output": "build",
    "paper": "A4",
}
GATE_DEFAULTS = {
    # Release languages: share of the entries that are not required which must be approved.
    "min_approved_percent": 100.0,
}


@dataclass(frozen=True)
class ReadabilitySettings:
    """``[tool.handouts.readability]``: the plain-language check of the English source
    (:mod:`pipeline.readability`; warnings only, never a failed gate)."""

    # A document, or a block judged on its own, reading above this Flesch-Kincaid grade is a warning.
    max_grade: float = 8.0
    # A block is judged on its own from this many words; shorter ones count in the document's score only.
    min_words: int = 20
    # A sentence of more words than this is listed as long.
    long_sentence: int = 20


def read_readability(table: object, where: str) -> ReadabilitySettings:
    """``[tool.handouts.readability]``, validated: ``pyproject.toml: error: ...`` naming the key."""
    section = "[tool.handouts.readability]"
    if not isinstance(table, dict):
        raise ConfigError(f"{section} must be a table (max_grade, min_words, long_sentence)", where)
    unknown = sorted(set(table) - {"max_grade", "min_words", "long_sentence"})
    if unknown:
        raise ConfigError(f"unknown keys in {section}: {', '.join(unknown)} "
                          "(it has max_grade, min_words, long_sentence)", where)
    grade = table.get("max_grade", ReadabilitySettings.max_grade)
    if isinstance(grade, bool) or not isinstance(grade, (int, float)) or not 1 <= grade <= 20:
        raise ConfigError(f"{section} max_grade must be a number from 1 to 20 (a US school grade: NIH and the "
                          f"AMA advise 6 to 8 for patients), not {grade!r}", where)
    for key, most in (("min_words", 1000), ("long_sentence", 200)):
        value = table.get(key, getattr(ReadabilitySettings, key))
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
            raise ConfigError(f"{section} {key} must be a whole number of words from 1 to {most}, not {value!r}",
                              where)
    return ReadabilitySettings(float(grade), table.get("min_words", ReadabilitySettings.min_words),
                               table.get("long_sentence", ReadabilitySettings.long_sentence))


@dataclass(frozen=True)
class Project:
    root: Path
    domain: str
    source_language: str
    documents: Path
    templates: Path
    mapping: Path
    locales: Path
    output: Path
    paper: str
    release: dict[str, str] = field(default_factory=dict)
    # [tool.handouts] large_print: true (every language), or the languages whose PDFs get a large-print twin
    large_print: bool | tuple[str, ...] = False
    min_approved_percent: float = 100.0
    readability: ReadabilitySettings = field(default_factory=ReadabilitySettings)
    definitions: dict[str, LanguageDefinition] = field(default_factory=dict)
    # The unknown language folders already warned about (each is named once per Project).
    _warned: set[str] = field(default_factory=set, compare=False, repr=False)

    @classmethod
    def load(cls, root: Path | str) -> "Project":
        root = Path(root).resolve()
        path = root / "pyproject.toml"
        if not path.exists():
            raise ConfigError("no pyproject.toml: is this the project's folder? (run from it, or pass --root)",
                              str(path))
        try:
            data = tomllib.loads(read_text(path, str(path), ConfigError))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(exc), str(path)) from None
        if "handouts" not in data.get("tool", {}):
            raise ConfigError("this pyproject.toml has no [tool.handouts] table: it is not a handouts project "
                              "(run from the project's folder, or pass --root)", str(path))
        table = {**DEFAULTS, **data["tool"]["handouts"]}
        languages = table.pop("languages", {})
        large_print = table.pop("large_print", False)
        definitions = read_definitions(table.pop(DEFINITIONS_KEY, {}), str(path))
        gate = {**GATE_DEFAULTS, **table.pop("gate", {})}
        if set(gate) - set(GATE_DEFAULTS):
            raise ConfigError(f"unknown keys in [tool.handouts.gate]: {', '.join(sorted(set(gate) - set(GATE_DEFAULTS)))}", str(path))
        if not isinstance(gate["min_approved_percent"], (int, float)) or not 0 <= gate["min_approved_percent"] <= 100:
            raise ConfigError("[tool.handouts.gate] min_approved_percent must be a number from 0 to 100", str(path))
        readability = read_readability(table.pop("readability", {}), str(path))
        unknown = set(table) - set(DEFAULTS)
        if unknown:
            raise ConfigError(f"unknown keys in [tool.handouts]: {', '.join(sorted(unknown))}", str(path))
        if table["paper"] not in PAPER_SIZES:
            raise ConfigError(f"paper must be one of {', '.join(PAPER_SIZES)}, not {table['paper']!r}", str(path))
        for lang, status in languages.items():
            language_info(lang, definitions, str(path))
            if status not in ("release", "draft"):
                raise ConfigError(f"language {lang!r}: status must be 'release' or 'draft', not {status!r}", str(path))
        if not isinstance(large_print, bool) and not (isinstance(large_print, list)
                                                      and all(isinstance(code, str) for code in large_print)):
            raise ConfigError("large_print must be true, false or a list of language codes, such as "
                              f"[\"es\", \"vi\"], not {large_print!r}", str(path))
        for code in large_print if isinstance(large_print, list) else ():
            language_info(code, definitions, str(path))
        return cls(
            root=root,
            domain=table["domain"],
            source_language=table["source_language"],
            documents=root / table["documents"],
            templates=root / table["templates"],
            mapping=root / table["mapping"],
            locales=root / table["locales"],
            output=root / table["output"],
            paper=table["paper"],
            release=dict(languages),
            min_approved_percent=float(gate["min_approved_percent"]),
            large_print=large_print if isinstance(large_print, bool) else tuple(large_print),
            readability=readability,
            definitions=definitions,
        )

    def language(self, code: str) -> LanguageInfo:
        """What the pipeline knows about ``code``: Babel's locale data and this project's
        definitions (``[tool.handouts.language-definitions]``).  A code neither knows is a
        :class:`ConfigError`."""
        return language_info(code, self.definitions)

    def knows(self, code: str) -> bool:
        """Whether :meth:`language` knows ``code``."""
        try:
            self.language(code)
        except ConfigError:
            return False
        return True

    def wants_large_print(self, language: str) -> bool:
        """Whether ``language``'s PDFs get a large-print twin (``[tool.handouts] large_print``)."""
        return self.large_print is True or (not isinstance(self.large_print, bool) and language in self.large_print)

    @property
    def template_path(self) -> Path:
        return self.locales / f"{self.domain}.pot"

    def catalog_path(self, language: str) -> Path:
        self.language(language)  # a known code: also keeps separators and ".." out of the path
        return self._catalog_file(language)

    def _catalog_file(self, folder: str) -> Path:
        return self.locales / folder / "LC_MESSAGES" / f"{self.domain}.po"

    @property
    def glossary_path(self) -> Path:
        return self.locales / "glossary.toml"

    def status(self, language: str) -> str:
        """``release`` or ``draft`` (the default for a language not listed in the configuration)."""
        return self.release.get(language, "draft")

    def languages(self, *, warn: bool = True) -> list[str]:
        """Languages that have a catalog, sorted.  A catalog folder whose code neither Babel nor
        the definitions know is left out, never stopping the others: with ``warn``, a warning
        naming it goes to standard error, once per folder (:meth:`unknown_languages`)."""
        found = sorted(p.parent.parent.name for p in self.locales.glob(f"*/LC_MESSAGES/{self.domain}.po"))
        known = [code for code in found if self.knows(code)]
        if warn:
            for unknown in self.unknown_languages():
                if unknown.folder not in self._warned:
                    self._warned.add(unknown.folder)
                    print(f"{self.relative(self.locales / unknown.folder)}: warning: {unknown.message}",
                          file=sys.stderr, flush=True)
        return known

    def unknown_languages(self) -> list[UnknownLanguage]:
        """Catalog folders under ``locales/`` whose code neither Babel nor the definitions know,
        sorted, each with its catalog file and the warning that names it."""
        found = sorted(p.parent.parent.name for p in self.locales.glob(f"*/LC_MESSAGES/{self.domain}.po"))
        return [UnknownLanguage(folder, self._catalog_file(folder), unknown_language_message(folder))
                for folder in found if not self.knows(folder)]

    def document_paths(self) -> list[Path]:
        return sorted(self.documents.glob("*.md"))

    def relative(self, path: Path) -> str:
        """A path as shown in messages and references: relative to the project root."""
        try:
            return Path(path).resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


# `handouts settings`: the resolved settings, for people, for Make (the Makefile includes them) and as JSON.
SETTINGS_PATHS = ("documents", "templates", "mapping", "locales", "template", "glossary", "output")
MAKE_VARIABLES = {
    "DOMAIN": "domain",
    "SOURCE_LANGUAGE": "source_language",
    "DOCUMENTS_DIR": "documents",
    "TEMPLATES_DIR": "templates",
    "MAPPING_FILE": "mapping",
    "LOCALES_DIR": "locales",
    "POT_FILE": "template",
    "GLOSSARY_FILE": "glossary",
    "OUTPUT_DIR": "output",
    "PAPER": "paper",
}
# What Make can use in a target, a prerequisite, a wildcard and a shell word without quoting.
_MAKE_SAFE = {"path": re.compile(r"[\w./+@-]+"), "domain": re.compile(r"[\w.+@-]+")}


def settings(project: Project) -> dict:
    """The resolved settings, paths relative to the project folder (absolute when outside it)."""
    return {
        "root": str(project.root),
        "domain": project.domain,
        "source_language": project.source_language,
        "documents": project.relative(project.documents),
        "templates": project.relative(project.templates),
        "mapping": project.relative(project.mapping),
        "locales": project.relative(project.locales),
        "template": project.relative(project.template_path),
        "glossary": project.relative(project.glossary_path),
        "output": project.relative(project.output),
        "paper": project.paper,
        "languages": dict(sorted(project.release.items())),
        "min_approved_percent": project.min_approved_percent,
    }


def make_settings(project: Project) -> str:
    """The settings as GNU Make assignments (the Makefile includes them).

    Refuses what Make cannot handle: whitespace or a character Make or the shell treats specially
    (``# $ % : ; * ? [ ] \\ = ~ ' "`` ...) in a path or the domain, and an output folder that holds
    the project's sources (``make clean`` removes the output folder).
    """
    values = settings(project)
    where = project.relative(project.root / "pyproject.toml")
    for key in ("domain", "source_language", *SETTINGS_PATHS):
        kind = "path" if key in SETTINGS_PATHS else "domain"
        if not _MAKE_SAFE[kind].fullmatch(str(values[key])):
            raise ConfigError(f"[tool.handouts] {key} {values[key]!r}: Make cannot use it (spaces, and characters "
                              f"such as # $ % : ; * ? [ ] ~ ' \" are not allowed); use letters, digits, . _ - + @"
                              f"{' and /' if kind == 'path' else ''}", where)
    output = project.output.resolve()
    sources = [project.root / "pyproject.toml", project.documents, project.templates, project.mapping, project.locales]
    if any(path.resolve().is_relative_to(output) for path in sources):
        raise ConfigError(f"[tool.handouts] output {values['output']!r} holds the project's sources, and "
                          "'make clean' removes the output folder: give it a folder of its own (e.g. build)", where)
    if "\n" in values["root"]:
        raise ConfigError("Make cannot use a project folder whose name holds a line break", values["root"])
    lines = ["# Generated by 'handouts settings --format make' from [tool.handouts] in pyproject.toml; do not edit.",
             "# Paths are relative to PROJECT_ROOT, the folder these settings were written for.",
             "PROJECT_ROOT := " + values["root"].replace("$", "$$").replace("#", "\\#")]
    lines += [f"{name} := {values[key]}" for name, key in MAKE_VARIABLES.items()]
    for status in ("release", "draft"):
        codes = " ".join(code for code, s in values["languages"].items() if s == status)
        lines.append(f"{status.upper()}_LANGUAGES := {codes}".rstrip())
    return "\n".join(lines) + "\n"


# -- languages ----------------------------------------------------------------------------------
#
# Every fact about a language comes through Project.language(code) -> LanguageInfo.  Babel's locale
# data (CLDR) knows most languages; [tool.handouts.language-definitions.<code>] in pyproject.toml
# defines those it lacks (Hmong, Chuukese, Marshallese ...) and may correct what it says of the
# others.  README: "Adding a language".

DEFINITIONS_KEY = "language-definitions"
DEFINITION_FIELDS = ("english_name", "native_name", "script", "direction", "plural_forms")
DIRECTIONS = ("ltr", "rtl")
# A code a definition may give: ISO 639 language (2 or 3 letters), then optionally an ISO 15924
# script and an ISO 3166 region or UN M.49 area, joined by "_" as catalog folders are named.
_DEFINED_CODE = re.compile(r"[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|[0-9]{3}))?")
_SCRIPT = re.compile(r"[A-Z][a-z]{3}")

#: Names readers recognise, where Babel's (CLDR's) are not what the language's speakers look for
#: in a language switcher.  Each override says why.  A project can override these too
#: (``native_name``/``english_name`` in its language definitions).  Codes not listed keep Babel's
#: native name with its first letter capitalised, as a list item starts (``Español``, ``Русский``).
NAME_OVERRIDES: dict[str, dict[str, str]] = {
    # Babel reads tl as Filipino in the Philippines (fil_PH) and names it "Filipino (Pilipinas)":
    # the code is Tagalog's, the §1557 taglines list Tagalog, and its readers look for "Tagalog"
    # (the language's own name for itself too).
    "tl": {"native_name": "Tagalog", "english_name": "Tagalog"},
    # CLDR gives "中文 (简体)" / "中文 (繁體)", a display pattern (ASCII parentheses after a space)
    # rather than a name; Chinese readers know the two as 简体中文 and 繁體中文, the labels Chinese
    # language switchers and US multilingual notices use.
    "zh_Hans": {"native_name": "简体中文"},
    "zh_Hant": {"native_name": "繁體中文"},
    # CLDR capitalises both words ("Kreyòl Ayisyen"), an English title-case habit; Haitian Creole
    # writes the adjective in lower case: "Kreyòl ayisyen".
    "ht": {"native_name": "Kreyòl ayisyen"},
    # CLDR's English name is "Bangla"; US language-access lists (§1557 taglines, the Census) say
    # "Bengali", the name clinic staff will look for in catalog headers and messages.
    "bn": {"english_name": "Bengali"},
}


@dataclass(frozen=True)
class LanguageDefinition:
    """A ``[tool.handouts.language-definitions.<code>]`` table: every field optional for a code
    Babel knows (each one given replaces Babel's), all required for a code it does not."""

    english_name: str | None = None
    native_name: str | None = None
    script: str | None = None
    direction: str | None = None
    plural_forms: str | None = None


@dataclass(frozen=True)
class LanguageInfo:
    """What the pipeline knows about one catalog language (:meth:`Project.language`)."""

    code: str  # the catalog folder's name: es, zh_Hans, pt_BR, hmn
    english_name: str  # catalog headers and messages: Spanish, Tagalog, Hmong
    native_name: str  # the language switcher's label, as its speakers write it: Español, 简体中文, Hmoob
    script: str | None  # ISO 15924: Latn, Hans, Arab (None only where Babel has no likely script)
    direction: str  # "ltr" or "rtl": the pages' dir attribute and layout
    plural_forms: str | None  # a definition's Plural-Forms (init's first source), else None
    locale: Locale | None  # Babel's locale (dates); None for a language CLDR lacks
    defined: bool = False  # whether the project's pyproject.toml defines (part of) it

    @property
    def tag(self) -> str:
        """The BCP 47 tag for ``lang`` and ``hreflang`` attributes: ``zh_Hans`` -> ``zh-Hans``."""
        return html_lang(self.code)


class UnknownLanguage(NamedTuple):
    """A catalog folder whose code neither Babel nor the definitions know (:meth:`Project.unknown_languages`)."""

    folder: str  # the folder's name under locales/: hmn
    path: Path  # its catalog file
    message: str  # the warning that names it


def read_definitions(table: object, where: str) -> dict[str, LanguageDefinition]:
    """``[tool.handouts.language-definitions]``, validated: ``pyproject.toml: error: ...`` naming
    the code and the key at fault."""
    section = f"[tool.handouts.{DEFINITIONS_KEY}]"
    if not isinstance(table, dict):
        raise ConfigError(f"{section} must be a table of languages, [tool.handouts.{DEFINITIONS_KEY}.<code>]", where)
    definitions = {}
    for code, fields in table.items():
        name = f"[tool.handouts.{DEFINITIONS_KEY}.{code}]"
        if not _DEFINED_CODE.fullmatch(code):
            raise ConfigError(f"{name}: {code!r} is not a language code: use an ISO 639 code of 2 or 3 lower-case "
                              "letters, optionally followed by _Script and _REGION (hmn, chk, mh, pt_BR, pa_Arab)", where)
        if not isinstance(fields, dict):
            raise ConfigError(f"{name} must be a table with {', '.join(DEFINITION_FIELDS)}", where)
        unknown = sorted(set(fields) - set(DEFINITION_FIELDS))
        if unknown:
            raise ConfigError(f"{name}: unknown key{'s' if len(unknown) > 1 else ''} {', '.join(unknown)} "
                              f"(a definition has {', '.join(DEFINITION_FIELDS)})", where)
        for key, value in fields.items():
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{name}: {key} must be a non-empty string", where)
            if value != value.strip() or any(unicodedata.category(c) == "Cc" for c in value):
                raise ConfigError(f"{name}: {key} {value!r} has a line break, a control character or "
                                  "surrounding spaces", where)
        if "script" in fields and not _SCRIPT.fullmatch(fields["script"]):
            raise ConfigError(f"{name}: script must be an ISO 15924 code such as Latn, Arab, Cyrl, Hans, "
                              f"not {fields['script']!r}", where)
        if "direction" in fields and fields["direction"] not in DIRECTIONS:
            raise ConfigError(f"{name}: direction must be \"ltr\" (left to right) or \"rtl\" (right to left), "
                              f"not {fields['direction']!r}", where)
        if "plural_forms" in fields:
            problem = plural_forms_problem(fields["plural_forms"])
            if problem:
                raise ConfigError(f"{name}: plural_forms {fields['plural_forms']!r}: {problem} "
                                  "(write it as a Plural-Forms header says it, e.g. \"nplurals=1; plural=0;\" "
                                  "or \"nplurals=2; plural=(n != 1);\")", where)
        definition = LanguageDefinition(**fields)
        if _babel_locale(code) is None:
            missing = [key for key in DEFINITION_FIELDS if key not in fields]
            if missing:
                raise ConfigError(f"{name}: Babel's locale data (CLDR) does not know {code!r}, so its definition "
                                  f"needs {', '.join(missing)} too (it has {', '.join(sorted(fields)) or 'nothing'})",
                                  where)
        definitions[code] = definition
    return definitions


def unknown_language_message(folder: str) -> str:
    """The warning for a catalog folder whose code neither Babel nor the definitions know."""
    if _DEFINED_CODE.fullmatch(folder):
        fix = (f"define the language under [tool.handouts.{DEFINITIONS_KEY}.{folder}] in pyproject.toml "
               "(README: \"Adding a language\")")
    else:
        fix = "name the folder with a language code (es, pt_BR, zh_Hant, sr_Latn, hmn)"
    return f"unknown language code {folder!r}: neither Babel's locale data (CLDR) nor the project's " \
           f"language definitions know it, so its catalog is skipped; {fix}"


def canonical_code(code: str) -> str:
    """A language code in gettext's spelling: ``language[_Script][_REGION]`` with an underscore,
    the language in lower case, the script capitalised, the region in upper case
    (``pt-BR`` -> ``pt_BR``, ``ES`` -> ``es``, ``zh-hans`` -> ``zh_Hans``)."""
    parts = code.replace("-", "_").split("_")
    out = [parts[0].lower()]
    for part in parts[1:]:
        out.append(part.title() if len(part) == 4 and part.isalpha() else part.upper())
    return "_".join(out)


def _check_code(code: str, where: str | None) -> None:
    if "-" in code and code.replace("-", "").replace("_", "").isalnum():
        raise ConfigError(f"not a language code: {code!r}; catalog folders use gettext's spelling, "
                          f"{canonical_code(code)!r}", where)
    if not code or not code.replace("_", "").isalnum() or not code.isascii():
        raise ConfigError(f"not a language code: {code!r}", where)


@functools.lru_cache(maxsize=256)
def _babel_locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code)
    except (ValueError, LookupError, UnknownLocaleError):
        return None


@functools.lru_cache(maxsize=256)
def _babel_info(code: str) -> LanguageInfo | None:
    """What Babel's locale data says of ``code``, with :data:`NAME_OVERRIDES`; ``None`` when it
    does not know the code."""
    locale = _babel_locale(code)
    if locale is None:
        return None
    native = locale.get_display_name(locale) or code
    native = native[:1].upper() + native[1:]
    script = locale.script
    if script is None:
        likely = get_global("likely_subtags").get(str(locale)) or get_global("likely_subtags").get(locale.language)
        parts = likely.split("_") if likely else []
        script = parts[1] if len(parts) > 1 and _SCRIPT.fullmatch(parts[1]) else None
    info = LanguageInfo(
        code=code,
        english_name=locale.english_name or code,
        native_name=native,
        script=script,
        direction="rtl" if locale.character_order == "right-to-left" else "ltr",
        plural_forms=None,
        locale=locale,
    )
    overrides = NAME_OVERRIDES.get(code)
    return LanguageInfo(**{**info.__dict__, **overrides}) if overrides else info


def language_info(code: str, definitions: dict[str, LanguageDefinition] | None = None,
                  where: str | None = None) -> LanguageInfo:
    """What the pipeline knows about ``code``: Babel's locale data with :data:`NAME_OVERRIDES`,
    then the fields of its definition, if any, over them.  Refused (:class:`ConfigError`): a
    code neither knows, which also keeps path separators and ``..`` out of the folder names built
    from codes.  :meth:`Project.language` gives the project's definitions."""
    _check_code(code, where)
    definition = (definitions or {}).get(code)
    info = _babel_info(code)
    if definition is None:
        if info is None:
            raise ConfigError(f"unknown language code {code!r}: Babel's locale data (CLDR) does not know it "
                              f"(use a code it knows, e.g. es, zh_Hans, pt_BR, or define the language under "
                              f"[tool.handouts.{DEFINITIONS_KEY}.{code}] in pyproject.toml)", where)
        return info
    given = {key: value for key, value in definition.__dict__.items() if value is not None}
    if info is None:  # read_definitions made sure every field is there
        return LanguageInfo(code=code, locale=None, defined=True, **given)
    return LanguageInfo(**{**info.__dict__, **given, "defined": True})


def parse_language(code: str, where: str | None = None) -> Locale:
    """Babel's locale for a code it knows (``es``, ``zh_Hans``, ``pt_BR``); a :class:`ConfigError`
    for any other.  For what the pipeline knows about a language -- defined ones included --
    ask :meth:`Project.language`."""
    _check_code(code, where)
    locale = _babel_locale(code)
    if locale is None:
        raise ConfigError(f"unknown language code {code!r} (use a code Babel knows, e.g. es, zh_Hans, pt_BR)", where)
    return locale


def html_lang(code: str) -> str:
    """BCP 47 tag for ``lang``/``hreflang`` attributes: ``zh_Hans`` -> ``zh-Hans``."""
    return code.replace("_", "-")
