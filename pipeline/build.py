"""Build: the release tree, exactly as the release decision (:mod:`pipeline.release`) says.

* Release pairs -- the source language, and each *release* language whose required blocks of a
  document are all publishable -- are built from publishable entries only, into
  ``site/<lang>/<slug>.html`` and ``handouts/<slug>.<lang>.pdf``.  An optional block without a
  publishable translation falls back to English (marked ``lang="en"``).  A pair whose required
  blocks are not all publishable is *held back*: nothing of it is published.
* *Draft* languages get previews, into ``preview/site/<lang>/<slug>.html`` and
  ``preview/handouts/<slug>.<lang>.preview.pdf``, every unapproved block visibly marked.
* Large print, for the languages that ask for it (``large_print`` in ``[tool.handouts]``, or
  ``build --large-print`` for every language): a second PDF of the same page set in 18 pt,
  ``handouts/<slug>.<lang>.large.pdf`` (``preview/handouts/<slug>.<lang>.large.preview.pdf``),
  linked from the language's index page.  PDFs are tagged (PDF/UA-1; :func:`pipeline.render.html_to_pdf`).
* Index pages: ``site/index.html`` (languages), ``site/<lang>/index.html`` (documents), and
  ``preview/site/<lang>/index.html``.

Language switchers, ``hreflang`` alternates and index pages are computed from the same plan, so
every page agrees and no link points at a missing page.  Whatever an earlier build published
that no longer qualifies is removed, and ``release.json`` (the manifest) records every output
with its digest, the source revision, the catalog's digest and the approvals it contains:
``handouts verify`` re-checks the tree against it.

A build with nothing changed writes nothing.  PDFs are the slow part: one is printed again only
when its page's HTML (or the renderer) changed, in a process pool, one job per core.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import multiprocessing
import os
import subprocess
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .catalog import locked
from .config import Project, html_lang
from .document import Document
from .errors import PipelineError
from .files import file_sha256, write_if_changed
from .release import SOURCE, LanguageRelease, Pair, Release, decide, judge_pair
from .render import PDF_TAGGING, Alternate, Colophon, Languages, Renderer, html_to_pdf, language_name

FORMATS = ("html", "pdf")
MANIFEST = "release.json"
MANIFEST_FORMAT = 1
TREES = ("site", "handouts", "preview")  # folders under the output that hold exactly the release


@dataclass
class BuildReport:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    held: list[Pair] = field(default_factory=list)  # release pairs held back
    fallbacks: list[Pair] = field(default_factory=list)  # released pairs showing some English
    refused: list[tuple[str, str]] = field(default_factory=list)  # (output, URL the renderer refused)
    manifest: Path | None = None


def source_revision(project: Project, path: Path) -> str:
    """The git commit that last changed ``path``; a content digest if it has uncommitted changes."""
    digest = "sha256-" + file_sha256(path)[:10]
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
    """Where a pair's page, PDF and large-print PDF (``large_pdf``, when asked for) go."""
    if preview:
        return {
            "html": output / "preview" / "site" / language / f"{slug}.html",
            "pdf": output / "preview" / "handouts" / f"{slug}.{language}.preview.pdf",
            "large_pdf": output / "preview" / "handouts" / f"{slug}.{language}.large.preview.pdf",
        }
    return {"html": output / "site" / language / f"{slug}.html", "pdf": output / "handouts" / f"{slug}.{language}.pdf",
            "large_pdf": output / "handouts" / f"{slug}.{language}.large.pdf"}


def _kinds(formats: tuple[str, ...], large_print: bool) -> set[str]:
    """The kinds of :func:`output_paths` a pair gets: the formats, and the large-print PDF."""
    return set(formats) | ({"large_pdf"} if large_print and "pdf" in formats else set())


PRINTING_CODE = ("render.py", "textlayer.py", "fonts.py")  # the modules that shape a PDF beyond its HTML


@functools.lru_cache(maxsize=1)
def renderer_id() -> str:
    """What printed a PDF: a PDF is printed again when this changes, even if its HTML did not --
    WeasyPrint's version, the tagging options, and the pipeline's own printing code (the text-layer
    repairs and tag fixes live there, not in the HTML)."""
    try:
        weasyprint = importlib.metadata.version("weasyprint")
    except importlib.metadata.PackageNotFoundError:
        weasyprint = "?"
    code = hashlib.sha256(b"".join((Path(__file__).parent / name).read_bytes() for name in PRINTING_CODE))
    return f"handout-pipeline {__version__}; weasyprint {weasyprint}; {PDF_TAGGING}; code {code.hexdigest()[:12]}"


def read_manifest(output: Path) -> dict:
    """The manifest of the last build in ``output`` (empty if there is none or it is unreadable)."""
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == MANIFEST_FORMAT else {}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _print_pdf(html: str, assets: str) -> tuple[bytes, list[str]]:
    return html_to_pdf(html, Path(assets))


@dataclass
class _Output:
    path: Path
    record: dict
    data: bytes | None = None  # None: a PDF still to be printed (or kept)
    html: str | None = None  # a PDF's source page


class _Plan:
    """Which pairs are published, where, and what every page links to."""

    def __init__(self, release: Release, languages: Languages):
        self.release = release
        self.languages = languages  # Project.language: the switcher's names, definitions included
        self.pairs: list[Pair] = []
        self.held: list[Pair] = []
        for document in release.documents:
            for language in release.languages.values():
                pair = judge_pair(document, language)
                (self.held if pair.kind == "held" else self.pairs).append(pair)
        self.released: dict[str, list[str]] = {}
        for pair in self.pairs:
            if pair.kind == "release":
                self.released.setdefault(pair.document.slug, []).append(pair.language.language)
        source = release.source_language
        for codes in self.released.values():
            codes.sort(key=lambda code: (code != source, code))
        self.index_languages = sorted({c for codes in self.released.values() for c in codes},
                                      key=lambda code: (code != source, code))

    def name(self, code: str) -> str:
        """A language's name in the switcher and the index: as its speakers write it."""
        return language_name(code, self.languages)

    def alternates(self, pair: Pair) -> tuple[list[Alternate], str]:
        """The switcher entries and the x-default link of a pair's page."""
        slug, code = pair.document.slug, pair.language.language
        up = "../../../site/" if pair.kind == "preview" else "../"
        links = [Alternate(html_lang(c), f"{up}{c}/{slug}.html", self.name(c), c == code)
                 for c in self.released.get(slug, [])]
        if pair.kind == "preview":
            links.append(Alternate(html_lang(code), f"{slug}.html", self.name(code), True))
        return links, f"{up}{self.release.source_language}/{slug}.html"

    def index_alternates(self, code: str, preview: bool) -> list[Alternate]:
        up = "../../../site/" if preview else "../"
        links = [Alternate(html_lang(c), f"{up}{c}/index.html", self.name(c), c == code and not preview)
                 for c in self.index_languages]
        if preview:
            links.append(Alternate(html_lang(code), "index.html", self.name(code), True))
        return links


CATALOG_DIGEST_SHOWN = 12  # hex digits of the catalog's SHA-256 a colophon prints


def _colophon(pair: Pair, revision: str) -> Colophon:
    """What the handout says of where it came from: the same data the manifest records."""
    language = pair.language
    if language.status == SOURCE:
        return Colophon("source", revision)
    catalog = language.digest[:CATALOG_DIGEST_SHOWN] or None
    if pair.kind == "preview":
        return Colophon("preview", revision, catalog)
    approvals = pair.approvals()
    return Colophon("release", revision, catalog, approvals.reviewers, approvals.latest, approvals.sample)


def _record(pair: Pair, kind: str, revision: str) -> dict:
    language = pair.language
    return {
        "kind": kind,
        "document": pair.document.slug,
        "language": language.language,
        "release": pair.kind,
        "source_revision": revision,
        "catalog": language.path,
        "catalog_sha256": language.digest or None,
        "approvals": pair.approvals().as_dict() if language.status != SOURCE else None,
        "source_fallbacks": len(pair.fallbacks) if pair.kind == "release" else None,
    }


def _title_item(language: LanguageRelease, document: Document, source: str, href: str, pdf: str | None,
                large_pdf: str | None = None) -> dict:
    """An index entry: the document's title in the language, else in the source language (so marked)."""
    shown = language.shown(document.title)
    return {"title": shown or document.title, "lang": None if shown else html_lang(source), "href": href, "pdf": pdf,
            "large_pdf": large_pdf}


def build(
    project: Project,
    languages: Iterable[str] | None = None,
    *,
    formats: Iterable[str] = FORMATS,
    output: Path | None = None,
    paper: str | None = None,
    jobs: int | None = None,
    large_print: bool = False,
    progress: Callable[[str], None] = lambda message: None,
) -> BuildReport:
    """Build the release tree of the selected languages (default: the source language and
    every catalog), and nothing else: outputs that no longer qualify are removed.  Large-print
    PDFs are made for the languages ``[tool.handouts] large_print`` names, or for every
    language with ``large_print``."""
    output = Path(output or project.output)
    formats = tuple(formats)
    if languages is not None:
        languages = list(languages)
        known = set(project.languages()) | {project.source_language}
        for code in languages:
            if code not in known:
                path = project.catalog_path(code)  # validates the code
                raise PipelineError(f"no catalog for {code!r}: create it with 'handouts init {code}'",
                                    project.relative(path))
    release = decide(project, languages, jobs=jobs)
    plan = _Plan(release, project.language)
    renderer = Renderer(project.templates, paper or project.paper, project.source_language, project.language)
    revisions = {d.slug: source_revision(project, project.root / d.path) for d in release.documents}
    report = BuildReport(held=plan.held, fallbacks=[p for p in plan.pairs if p.kind == "release" and p.fallbacks])
    planned = [(pair, output_paths(output, pair.language.language, pair.document.slug, pair.kind == "preview"))
               for pair in plan.pairs]
    large: Callable[[str], bool] = (lambda code: True) if large_print else project.wants_large_print
    indexes = _index_pages(plan, renderer, output, formats, large) if "html" in formats else []
    wanted = {path for pair, paths in planned for kind, path in paths.items()
              if kind in _kinds(formats, large(pair.language.language))}
    wanted |= {item.path for item in indexes}

    with locked(output / ".release", project.relative(output / MANIFEST)):
        previous = read_manifest(output).get("outputs", {})
        # first remove what no longer qualifies: a crash later never leaves it published
        for tree in TREES:
            for path in sorted((output / tree).rglob("*")) if (output / tree).is_dir() else ():
                if path.is_file() and path not in wanted:
                    path.unlink()
                    report.removed.append(path)
        _remove_empty_folders(output)
        outputs: list[_Output] = list(indexes)

        def write(item: _Output, data: bytes) -> None:
            (report.written if write_if_changed(item.path, data) else report.unchanged).append(item.path)
            item.record["sha256"] = _sha256(data)

        def pdf(path: Path, pair: Pair, html: str, **extra) -> None:
            """A PDF of ``html``: kept if the manifest says it was printed from this very page, else printed."""
            item = _Output(path, {**_record(pair, "pdf", revisions[pair.document.slug]), **extra,
                                  "html_sha256": _sha256(html.encode("utf-8")), "renderer": renderer_id()}, html=html)
            outputs.append(item)
            old = previous.get(item.path.relative_to(output).as_posix(), {})
            if (old.get("html_sha256") == item.record["html_sha256"] and old.get("renderer") == item.record["renderer"]
                    and item.path.is_file() and file_sha256(item.path) == old.get("sha256")):
                item.record["sha256"] = old["sha256"]
                report.unchanged.append(item.path)
            else:
                printer.submit(item)

        with _Printer(jobs, project.templates, progress) as printer:
            # pages are rendered here while the PDFs already handed over are printed
            for pair, paths in planned:
                slug = pair.document.slug
                alternates, default_href = plan.alternates(pair)
                colophon = _colophon(pair, revisions[slug])
                html = renderer.document_to_html(pair.document, pair.language, alternates=alternates,
                                                 default_href=default_href, revision=revisions[slug], colophon=colophon)
                data = html.encode("utf-8")
                if "html" in formats:
                    page = _Output(paths["html"], _record(pair, "page", revisions[slug]))
                    write(page, data)
                    outputs.append(page)
                if "pdf" in formats:
                    pdf(paths["pdf"], pair, html)
                if "large_pdf" in _kinds(formats, large(pair.language.language)):
                    pdf(paths["large_pdf"], pair, renderer.document_to_html(
                        pair.document, pair.language, alternates=alternates, default_href=default_href,
                        revision=revisions[slug], large_print=True, colophon=colophon), large_print=True)
            for item in indexes:
                write(item, item.data or b"")
            for item, (data, refused) in printer.results():
                write(item, data)
                report.refused.extend((item.path.relative_to(output).as_posix(), url) for url in refused)
        manifest = _manifest(project, release, plan, outputs, output, formats, paper or project.paper,
                             scope=None if languages is None else sorted(languages))
        report.manifest = output / MANIFEST
        write_if_changed(report.manifest, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    return report


class _Printer:
    """Prints PDFs as they are handed over: ``jobs`` processes (default: one per core), or in
    this process for one job.  WeasyPrint is imported before the workers are forked, so they
    share it instead of each loading Pango again."""

    def __init__(self, jobs: int | None, assets: Path, progress: Callable[[str], None]):
        self.jobs = jobs or os.cpu_count() or 1
        self.assets = str(assets)
        self.progress = progress
        self.pool: ProcessPoolExecutor | None = None
        self.pending: dict = {}
        self.done: list[tuple[_Output, tuple[bytes, list[str]]]] = []
        self.count = 0

    def __enter__(self) -> "_Printer":
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def submit(self, item: _Output) -> None:
        self.count += 1
        if self.jobs <= 1:
            self.done.append((item, _print_pdf(item.html or "", self.assets)))
            self.progress(f"[{self.count}] {item.path.name}")
            return
        if self.pool is None:
            import weasyprint  # noqa: F401 (loaded once, inherited by the forked workers)

            self.pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("fork"))
        self.pending[self.pool.submit(_print_pdf, item.html or "", self.assets)] = item

    def results(self):
        yield from self.done
        for done, future in enumerate(as_completed(self.pending), start=1):
            item = self.pending[future]
            self.progress(f"[{done}/{len(self.pending)}] {item.path.name}")
            yield item, future.result()


def _index_pages(plan: _Plan, renderer: Renderer, output: Path, formats: tuple[str, ...],
                 large: Callable[[str], bool]) -> list[_Output]:
    release = plan.release
    pages: list[_Output] = []
    pdf = "pdf" in formats
    for code in plan.index_languages:
        language = release.languages[code]
        items = [_title_item(language, d, release.source_language, f"{d.slug}.html",
                             f"../../handouts/{d.slug}.{code}.pdf" if pdf else None,
                             f"../../handouts/{d.slug}.{code}.large.pdf" if pdf and large(code) else None)
                 for d in release.documents if code in plan.released.get(d.slug, [])]
        html = renderer.index_to_html(language, items, plan.index_alternates(code, preview=False))
        pages.append(_Output(output / "site" / code / "index.html",
                             {"kind": "index", "language": code, "release": "release"}, html.encode("utf-8")))
    for code, language in release.languages.items():
        if not language.preview:
            continue
        items = [_title_item(language, d, release.source_language, f"{d.slug}.html",
                             f"../../handouts/{d.slug}.{code}.preview.pdf" if pdf else None,
                             f"../../handouts/{d.slug}.{code}.large.preview.pdf" if pdf and large(code) else None)
                 for d in release.documents]
        html = renderer.index_to_html(language, items, plan.index_alternates(code, preview=True))
        pages.append(_Output(output / "preview" / "site" / code / "index.html",
                             {"kind": "index", "language": code, "release": "preview"}, html.encode("utf-8")))
    if plan.index_languages:
        source = release.languages[release.source_language]
        items = [{"title": plan.name(c), "lang": html_lang(c), "href": f"{c}/index.html", "pdf": None}
                 for c in plan.index_languages]
        html = renderer.index_to_html(source, items, [], of_languages=True)
        pages.append(_Output(output / "site" / "index.html", {"kind": "index", "language": None, "release": "release"},
                             html.encode("utf-8")))
    return pages


def _remove_empty_folders(output: Path) -> None:
    for tree in TREES:
        root = output / tree
        if not root.is_dir():
            continue
        for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
        if not any(root.iterdir()):
            root.rmdir()


def _manifest(project: Project, release: Release, plan: _Plan, outputs: list[_Output], output: Path,
              formats: tuple[str, ...], paper: str, scope: list[str] | None) -> dict:
    return {
        "format": MANIFEST_FORMAT,
        "languages": scope,  # None: every catalog; else the languages asked for (build --lang)
        "generator": f"handout-pipeline {__version__}",
        "formats": list(formats),
        "paper": paper,
        "documents": {
            d.slug: {"path": d.path, "sha256": file_sha256(project.root / d.path)} for d in release.documents
        },
        "catalogs": {
            code: {"path": lang.path, "status": lang.status, "sha256": lang.digest}
            for code, lang in release.languages.items() if lang.status != SOURCE
        },
        "outputs": {o.path.relative_to(output).as_posix(): o.record for o in outputs},
        "held_back": [
            {"document": pair.document.slug, "language": pair.language.language,
             "blocking": [{"catalog": b.path, "line": b.line, "state": b.state, "reason": b.reason, "source": b.source}
                          for b in pair.blocking]}
            for pair in plan.held
        ],
    }


# -- verify -------------------------------------------------------------------------------------


def verify(project: Project, output: Path | None = None) -> list[str]:
    """Re-check a release tree against its manifest; return the problems (none: verified).

    Every output the manifest lists must be on disk with the recorded SHA-256; no other file may
    be in ``site/``, ``handouts/`` or ``preview/``; and the documents and catalogs the release
    was built from must still be what the manifest recorded (else the tree is not the current
    release: build again).
    """
    output = Path(output or project.output)
    shown = project.relative(output / MANIFEST)
    try:
        manifest = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PipelineError("no release manifest: run 'handouts build' first", shown) from None
    except (OSError, ValueError) as exc:
        raise PipelineError(f"cannot read the release manifest: {exc}", shown) from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise PipelineError(f"not a release manifest of format {MANIFEST_FORMAT}", shown)
    problems = []
    listed = manifest.get("outputs", {})
    for rel, record in sorted(listed.items()):
        path = output / rel
        if not path.is_file():
            problems.append(f"{project.relative(path)}: missing (the manifest lists it)")
        elif file_sha256(path) != record.get("sha256"):
            problems.append(f"{project.relative(path)}: changed since the build (SHA-256 differs from the manifest)")
    for tree in TREES:
        for path in sorted((output / tree).rglob("*")) if (output / tree).is_dir() else ():
            if path.is_file() and path.relative_to(output).as_posix() not in listed:
                problems.append(f"{project.relative(path)}: not part of the release (not in the manifest)")
    for kind, table in (("document", manifest.get("documents", {})), ("catalog", manifest.get("catalogs", {}))):
        for name, record in sorted(table.items()):
            path = project.root / record.get("path", "")
            if not path.is_file():
                problems.append(f"{record.get('path')}: the {kind} this release was built from is gone: build again")
            elif file_sha256(path) != record.get("sha256"):
                problems.append(f"{record.get('path')}: changed since the release was built: build again")
    current_documents = {project.relative(p) for p in project.document_paths()}
    built_documents = {r.get("path") for r in manifest.get("documents", {}).values()}
    for path in sorted(current_documents - built_documents):
        problems.append(f"{path}: not in this release (added since the build): build again")
    if manifest.get("languages") is None:
        built_catalogs = {r.get("path") for r in manifest.get("catalogs", {}).values()}
        for code in project.languages():
            path = project.relative(project.catalog_path(code))
            if path not in built_catalogs:
                problems.append(f"{path}: not in this release (added since the build): build again")
    return problems
