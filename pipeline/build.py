"""Build: every document in every language, as a web page and a PDF handout.

Builds follow the release gate:

* the source language and languages due for *release* are built from approved entries only,
  into ``site/<lang>/<slug>.html`` and ``handouts/<slug>.<lang>.pdf``; a language whose
  required blocks of a document are not all approved is not built for that document (the
  build names the missing entries and fails unless asked to skip them);
* *draft* languages get a preview build, into ``preview/site/<lang>/<slug>.html`` and
  ``preview/handouts/<slug>.<lang>.preview.pdf``: drafts and unreviewed translations are shown
  and visibly marked, and every page carries a "not reviewed" banner and watermark.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import load_po, write_if_changed
from .config import Project, html_lang
from .document import Document, read_document
from .errors import IncompleteLanguage
from .render import Alternate, Renderer, html_to_pdf, language_name, missing_required
from .review import SourceText, Translations

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


def output_paths(output: Path, language: str, slug: str, preview: bool) -> dict[str, Path]:
    if preview:
        return {
            "html": output / "preview" / "site" / language / f"{slug}.html",
            "pdf": output / "preview" / "handouts" / f"{slug}.{language}.preview.pdf",
        }
    return {"html": output / "site" / language / f"{slug}.html", "pdf": output / "handouts" / f"{slug}.{language}.pdf"}


def load_translations(project: Project) -> dict[str, Translations | SourceText]:
    """Every language's translations as the build uses them (release: approved only)."""
    lookups: dict[str, Translations | SourceText] = {project.source_language: SourceText()}
    for language in project.languages():
        path = project.catalog_path(language)
        lookups[language] = Translations(load_po(path, project.relative(path)), preview=project.status(language) != "release")
    return lookups


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
    lookups = load_translations(project)
    selected = list(languages) if languages is not None else list(lookups)
    for language in selected:
        if language not in lookups:
            project.catalog_path(language)  # validates the code
            raise IncompleteLanguage(language, [(project.relative(project.catalog_path(language)), None, "(no catalog)", "untranslated")])
    documents = read_documents(project)
    renderer = Renderer(project.templates, paper or project.paper, project.source_language)
    report = BuildReport()
    total = len(selected) * len(documents)
    done = 0
    for document in documents:
        released = [
            lang for lang, lookup in lookups.items() if not lookup.preview and not missing_required(document, lookup)
        ]
        revision = source_revision(project, project.root / document.path)
        for language in selected:
            done += 1
            lookup = lookups[language]
            missing = missing_required(document, lookup)
            if missing and not lookup.preview:
                report.incomplete.append(
                    IncompleteLanguage(language, [(lookup.path, lookup.line(block.text), block.text, lookup.state(block.text)) for block in missing])
                )
                progress(f"[{done}/{total}] {document.slug} ({language}): not built, required entries not approved")
                continue
            shown = released + ([language] if lookup.preview else [])
            alternates = [
                Alternate(html_lang(lang), f"../{lang}/{document.slug}.html", language_name(lang), lang == language)
                for lang in shown
            ]
            html = renderer.document_to_html(
                document,
                language,
                lookup,
                alternates=alternates,
                default_href=f"../{project.source_language}/{document.slug}.html",
                revision=revision,
            )
            paths = output_paths(output, language, document.slug, lookup.preview)
            targets = []
            if "html" in formats:
                targets.append((paths["html"], html.encode("utf-8")))
            if "pdf" in formats:
                targets.append((paths["pdf"], html_to_pdf(html, base_url=str(project.templates))))
            for target, data in targets:
                (report.written if write_if_changed(target, data) else report.unchanged).append(target)
            progress(f"[{done}/{total}] {document.slug} ({language}{', preview' if lookup.preview else ''})")
    return report
