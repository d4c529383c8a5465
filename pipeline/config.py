"""Project configuration: the ``[tool.handouts]`` table of ``pyproject.toml``.

Languages are discovered from the catalogs under ``locales/`` (``<lang>/LC_MESSAGES/<domain>.po``),
so adding a language is adding its catalog (``handouts init LANG``).  The configuration only says
things that cannot be discovered: paths, the paper size, and each language's release status.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError

from .errors import ConfigError
from .files import read_text

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
    min_approved_percent: float = 100.0

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
        gate = {**GATE_DEFAULTS, **table.pop("gate", {})}
        if set(gate) - set(GATE_DEFAULTS):
            raise ConfigError(f"unknown keys in [tool.handouts.gate]: {', '.join(sorted(set(gate) - set(GATE_DEFAULTS)))}", str(path))
        if not isinstance(gate["min_approved_percent"], (int, float)) or not 0 <= gate["min_approved_percent"] <= 100:
            raise ConfigError("[tool.handouts.gate] min_approved_percent must be a number from 0 to 100", str(path))
        unknown = set(table) - set(DEFAULTS)
        if unknown:
            raise ConfigError(f"unknown keys in [tool.handouts]: {', '.join(sorted(unknown))}", str(path))
        if table["paper"] not in PAPER_SIZES:
            raise ConfigError(f"paper must be one of {', '.join(PAPER_SIZES)}, not {table['paper']!r}", str(path))
        for lang, status in languages.items():
            parse_language(lang, str(path))
            if status not in ("release", "draft"):
                raise ConfigError(f"language {lang!r}: status must be 'release' or 'draft', not {status!r}", str(path))
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
        )

    @property
    def template_path(self) -> Path:
        return self.locales / f"{self.domain}.pot"

    def catalog_path(self, language: str) -> Path:
        parse_language(language)
        return self.locales / language / "LC_MESSAGES" / f"{self.domain}.po"

    @property
    def glossary_path(self) -> Path:
        return self.locales / "glossary.toml"

    def status(self, language: str) -> str:
        """``release`` or ``draft`` (the default for a language not listed in the configuration)."""
        return self.release.get(language, "draft")

    def languages(self) -> list[str]:
        """Languages that have a catalog, sorted."""
        found = sorted(p.parent.parent.name for p in self.locales.glob(f"*/LC_MESSAGES/{self.domain}.po"))
        for lang in found:
            parse_language(lang, str(self.locales / lang))
        return found

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


def parse_language(code: str, where: str | None = None) -> Locale:
    """Parse a catalog's language code (``es``, ``zh_Hans``, ``pt_BR``) with Babel.

    Only codes Babel knows are accepted, which also keeps path separators and ``..`` out of the
    folder names built from them.
    """
    if not code or not code.replace("_", "").isalnum():
        raise ConfigError(f"not a language code: {code!r}", where)
    try:
        return Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        raise ConfigError(f"unknown language code {code!r} (use a code Babel knows, e.g. es, zh_Hans, pt_BR)", where) from None


def html_lang(code: str) -> str:
    """BCP 47 tag for ``lang``/``hreflang`` attributes: ``zh_Hans`` -> ``zh-Hans``."""
    return code.replace("_", "-")
