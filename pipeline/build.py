"""Build: every document in every language, as a web page and a PDF handout.

Only publishable translations are used (translated and not fuzzy).  A language whose required
blocks are not all translated is not built for that document; the build reports which entries
are missing and fails unless asked to skip such languages.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Published, load_po, write_if_changed
from .config import Project, html_lang
from .document import Document, read_document
from .errors import IncompleteLanguage
from .render import Alternate, Renderer, html_to_pdf, language_name, missing_required

FORMATS = ("html", "pdf")


@dataclass
class BuildReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    incomplete: list[IncompleteLanguage] = field(default_factory=list)


def read_documents(project: Project) -> list[Document]:
    return [read_document(p.read_text(encoding="utf-8"), project.relative(p)) for p in project.document_paths()]


def source_revision(project: Project, path: Path) -> str:
    """The git commit that last changed ``path``; a content digest if it has uncommitted changes."""
    digest = "sha256-" + hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    try:
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", str(path)], cwd=project.root, capture_output=True, text=True, check=True
        ).stdout.strip()
        commit = subprocess.run(
            ["git", "log", "-1", "--format=%h", "--", str(path)], cwd=project.root, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return digest
    return commit if commit and not dirty else digest


def html_path(project: Project, output: Path, language: str, slug: str) -> Path:
    return output / "site" / language / f"{slug}.html"


def pdf_path(project: Project, output: Path, language: str, slug: str) -> Path:
    return output / "handouts" / f"{slug}.{language}.pdf"


def build(
    project: Project,
    languages: Iterable[str] | None = None,
    *,
    formats: Iterable[str] = FORMATS,
    skip_incomplete: bool = False,
    output: Path | None = None,
    paper: str | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> BuildReport:
    """Build the selected languages (default: the source language and every catalog)."""
    output = Path(output or project.output)
    formats = tuple(formats)
    all_languages = [project.source_language, *project.languages()]
    selected = list(languages) if languages is not None else all_languages
    documents = read_documents(project)
    lookups = {project.source_language: lambda text: text}
    for language in all_languages[1:]:
        path = project.catalog_path(language)
        lookups[language] = Published(load_po(path, project.relative(path)))
    renderer = Renderer(project.templates, paper or project.paper, project.source_language)
    report = BuildReport()
    total = len(selected) * len(documents)
    done = 0
    for document in documents:
        complete = [lang for lang in all_languages if not missing_required(document, lookups[lang])]
        revision = source_revision(project, project.root / document.path)
        for language in selected:
            done += 1
            missing = missing_required(document, lookups[language])
            if missing:
                lookup = lookups[language]
                report.incomplete.append(
                    IncompleteLanguage(language, [(lookup.path, lookup.line(block.text), block.text) for block in missing])
                )
                progress(f"[{done}/{total}] {document.slug} ({language}): not built, required entries missing")
                continue
            alternates = [
                Alternate(html_lang(lang), f"../{lang}/{document.slug}.html", language_name(lang), lang == language)
                for lang in complete
            ]
            html = renderer.document_to_html(
                document,
                language,
                lookups[language],
                alternates=alternates,
                default_href=f"../{project.source_language}/{document.slug}.html",
                revision=revision,
            )
            targets = []
            if "html" in formats:
                targets.append((html_path(project, output, language, document.slug), html.encode("utf-8")))
            if "pdf" in formats:
                target = pdf_path(project, output, language, document.slug)
                targets.append((target, html_to_pdf(html, base_url=str(project.templates))))
            for target, data in targets:
                (report.written if write_if_changed(target, data) else report.unchanged).append(target)
            progress(f"[{done}/{total}] {document.slug} ({language})")
    return report
