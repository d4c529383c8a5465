"""The release gate (``handouts check``).

For each language due for release (``[tool.handouts.languages]`` says ``release``):

* every *required* entry must be publishable (:mod:`pipeline.release`): translated, not fuzzy,
  approved with a valid record, and free of error-level check findings -- exactly what a build
  needs to release the documents it belongs to;
* no entry awaiting publication (translated, not fuzzy) may have a check error
  (see :mod:`pipeline.checks`);
* the catalog must hold every entry of the template (else: run ``handouts update``);
* of the other entries, at least ``min_approved_percent`` must be approved.

The report also says, per language, which documents a build releases and which it holds back
(the same :func:`pipeline.release.judge_pair` the build uses).  Draft languages are checked too, but everything found there is a warning: they only get
preview builds.  A catalog whose sound ``Plural-Forms`` has a count the language does not
usually have is a ``plural-forms`` warning (:func:`pipeline.catalog.plural_forms_warning`) in
release languages too: it never fails the gate.  Reports come as text (``path:line: error:
...`` grouped by language), JSON, JUnit XML and GitHub workflow annotations.

The English source is measured too (:mod:`pipeline.readability`): a document, or a block judged
on its own, that reads above ``[tool.handouts.readability] max_grade`` is a ``readability``
warning on the document's file (and the block's line).  It never fails the gate, and it is
reported whichever languages are checked: the source is the same for all of them.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .catalog import header_line, load_po, plural_forms_warning
from .checks import ERROR, WARNING, Glossary
from .config import Project
from .document import Document
from .readability import Report, block_warning, document_warning, readability_report
from .release import RELEASE, LanguageRelease, Verdict, judge_languages, judge_pair, read_documents
from .model import AWAITING_PUBLICATION, State, is_required, live_entries, plural_count, tally

THRESHOLD_NAMED = 10  # entries the threshold error names by line (the rest are counted)
STATE_PROBLEMS = {
    State.UNTRANSLATED: "required entry is not translated",
    State.DRAFT: "required entry is a machine draft: it needs a translator and a reviewer",
    State.FUZZY: "required entry is fuzzy: a translator must confirm it, then a reviewer approve it",
    State.REVIEW: "required entry is not approved yet",
    State.STALE: "required entry's approval is stale: the source or translation changed since it was approved",
}


@dataclass(frozen=True)
class Problem:
    language: str
    path: str
    line: int | None
    severity: str
    check: str
    message: str
    msgid: str | None = None
    document: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        subject = f": {self.msgid[:60]!r}" if self.msgid else ""
        return f"{where}: {self.severity}: [{self.check}] {self.message}{subject}"


@dataclass
class LanguageReport:
    language: str
    status: str
    path: str
    entries: int = 0
    counts: dict[State, int] = field(default_factory=dict)
    required_counts: dict[State, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    checked: list[tuple[str, int | None, str, str]] = field(default_factory=list)  # (msgid, line, document, state)
    documents: dict[str, str] = field(default_factory=dict)  # slug -> release, held or preview

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]


@dataclass
class SourceReport:
    """The source documents' readability, as warnings (:mod:`pipeline.readability`)."""

    language: str
    path: str  # the documents folder
    readability: Report
    problems: list[Problem] = field(default_factory=list)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]


@dataclass
class GateReport:
    languages: list[LanguageReport]
    source: SourceReport | None = None  # None: not measured (a source language other than English)

    @property
    def passed(self) -> bool:
        """Errors fail the gate; the source's readability only ever warns."""
        return not any(report.errors for report in self.languages)


def language_report(judged: LanguageRelease, template_ids: dict[str, bool], documents: list[Document],
                    min_approved_percent: float, catalog: Path | None = None,
                    defined_plural_forms: str | None = None) -> LanguageReport:
    """The gate's view of one judged language (:func:`pipeline.release.judge_language`);
    ``catalog``, the file, is read again only to point a header warning at its line.  A catalog
    with the plural count of the project's definition of the language (``defined_plural_forms``,
    ``[tool.handouts.language-definitions]``) gets no ``plural-forms`` warning."""
    release = judged.status == RELEASE
    shown = judged.path or ""
    report = LanguageReport(judged.language, judged.status, shown)
    verdicts = judged.verdicts
    report.entries = len(verdicts)
    report.counts = tally(v.state for v in verdicts)
    report.required_counts = tally(v.state for v in verdicts if v.required)
    report.documents = {d.slug: judge_pair(d, judged).kind for d in documents}

    def add(severity: str, check: str, message: str, verdict: Verdict | None = None, document=None) -> None:
        if not release:
            severity = WARNING
        report.problems.append(
            Problem(judged.language, shown, verdict.line if verdict is not None else None, severity, check, message,
                    verdict.msgid if verdict is not None else None, document)
        )

    defined = plural_count(defined_plural_forms)
    plural_warning = (None if defined is not None and defined == plural_count(judged.plural_forms)
                      else plural_forms_warning(judged.language, judged.plural_forms))
    if plural_warning:  # a warning in release and draft languages alike: the catalog works as its header says
        line = header_line(catalog, shown, "Plural-Forms") if catalog is not None else None
        report.problems.append(Problem(judged.language, shown, line, WARNING, "plural-forms", plural_warning))

    present = {v.msgid for v in verdicts if v.msgctxt is None}
    missing = [msgid for msgid in template_ids if msgid not in present]
    if missing:
        required_missing = [m for m in missing if template_ids[m]]
        add(ERROR, "up-to-date", f"{len(missing)} entr{'y' if len(missing) == 1 else 'ies'} of the template "
            f"({len(required_missing)} required) missing from the catalog: run 'handouts update'")

    for verdict in verdicts:
        document = verdict.documents[0]
        report.checked.append((verdict.msgid, verdict.line, document, verdict.state))
        if verdict.required and not verdict.publishable:
            message = STATE_PROBLEMS.get(verdict.state) or f"required entry is {verdict.reason}: it is not published"
            add(ERROR, "required", message, verdict, document)
        published = verdict.state in AWAITING_PUBLICATION
        for finding in verdict.findings:
            severity = finding.severity if published else WARNING
            add(severity, finding.check, finding.message, verdict, document)

    optional = [v for v in verdicts if not v.required]
    if optional:
        waiting = [v for v in optional if v.state != State.APPROVED]
        percent = 100.0 * (len(optional) - len(waiting)) / len(optional)
        if percent < min_approved_percent:
            shown = ", ".join(f"{v.line} ({v.state})" for v in waiting[:THRESHOLD_NAMED])
            more = f" and {len(waiting) - THRESHOLD_NAMED} more" if len(waiting) > THRESHOLD_NAMED else ""
            add(ERROR, "threshold", f"{percent:.1f}% of the entries that are not required are approved; "
                f"at least {min_approved_percent:g}% must be; not approved, by line: {shown}{more}")
    report.problems.sort(key=lambda p: (p.severity != ERROR, p.line or 0))
    return report


def source_report(project: Project, documents: list[Document]) -> SourceReport | None:
    """A ``readability`` warning for each source document, and each block judged on its own, that
    reads above the grade ``[tool.handouts.readability]`` sets; ``None`` for a source language
    other than English."""
    readability = readability_report(project, documents)
    if readability is None:
        return None
    settings = readability.settings
    report = SourceReport(project.source_language, project.relative(project.documents), readability)
    for score in readability.documents:
        if score.above:
            report.problems.append(Problem(project.source_language, score.path, None, WARNING, "readability",
                                           document_warning(score, settings), None, score.slug))
        for block in score.blocks_above:
            report.problems.append(Problem(project.source_language, score.path, block.block.line, WARNING,
                                           "readability", block_warning(block, settings), block.block.text,
                                           score.slug))
    return report


def check_project(project: Project, languages: Iterable[str] | None = None, jobs: int | None = None) -> GateReport:
    """Check the selected languages (default: all), ``jobs`` at a time in separate processes
    (default: one per core): each language is parsed and judged on its own, by the same code
    that decides what a build publishes (:mod:`pipeline.release`).  With every language, a
    catalog folder whose code neither Babel nor the project's definitions know is reported too,
    as a ``language`` warning of its own (status ``unknown``) that never fails the gate."""
    template = load_po(project.template_path, project.relative(project.template_path))
    template_ids = {e.msgid: is_required(e) for e in template if not e.obsolete and e.msgctxt is None}
    glossary = Glossary.load(project.glossary_path)
    documents = read_documents(project)
    selected = list(languages) if languages else project.languages(warn=False)
    judged = judge_languages(project, selected, glossary, jobs)
    reports = [language_report(judged[lang], template_ids, documents, project.min_approved_percent,
                               project.catalog_path(lang), project.language(lang).plural_forms)
               for lang in selected]
    if not languages:  # a catalog folder no language is known for is named, and stops nothing
        for unknown in project.unknown_languages():
            shown = project.relative(unknown.path)
            reports.append(LanguageReport(unknown.folder, "unknown", shown, problems=[
                Problem(unknown.folder, shown, None, WARNING, "language", unknown.message)]))
    return GateReport(reports, source_report(project, documents))


def add_back_translation_warnings(report: GateReport, project: Project, packages_dir, threshold: float) -> int:
    """Warn (never fail) where a translation, translated back to English with a reverse Argos
    package, is far from the source (chrF below ``threshold``).  Returns how many were flagged."""
    from .backtranslate import BackTranslator

    flagged = 0
    for lang in report.languages:
        translator = BackTranslator(packages_dir, project.source_language, lang.language, project.output / ".cache")
        if not translator.available:
            continue
        po = load_po(project.catalog_path(lang.language), lang.path)
        entries = [e for e in live_entries(po) if e.msgstr and not e.msgid_plural]
        backs = translator.translate([(e.msgid, e.msgstr) for e in entries])
        for entry in entries:
            back = backs.get((entry.msgid, entry.msgstr))
            if back is not None and back.chrf < threshold:
                flagged += 1
                lang.problems.append(Problem(lang.language, lang.path, entry.linenum, WARNING, "back-translation",
                                             f"chrF {back.chrf:g} below {threshold:g}; back-translation: {back.text[:80]!r}",
                                             entry.msgid))
    return flagged


# -- output formats ---------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_text(report: GateReport) -> str:
    lines = []
    source = report.source
    if source is not None:
        grades = ", ".join(f"{d.slug} {d.measure.grade:.1f}" for d in source.readability.documents)
        lines.append(f"== {source.language} (source) {source.path}: readability, a warning above grade "
                     f"{source.readability.settings.max_grade:g}: {grades or 'no documents'}")
        lines.extend(str(problem) for problem in source.problems)
        lines.append(f"   {source.language}: {_plural(len(source.warnings), 'warning')} (readability never fails the gate)")
    for lang in report.languages:
        counts = ", ".join(f"{n} {state}" for state, n in lang.counts.items() if n)
        lines.append(f"== {lang.language} ({lang.status}) {lang.path}: {lang.entries} entries: {counts or 'none'}")
        lines.extend(str(problem) for problem in lang.problems)
        held = [slug for slug, kind in lang.documents.items() if kind == "held"]
        if lang.documents:
            released = [slug for slug, kind in lang.documents.items() if kind == "release"]
            shown = (f"held back: {', '.join(held)}; " if held else "") + (
                f"released: {', '.join(released)}" if released else "released: none")
            lines.append(f"   {lang.language}: {'preview only' if lang.status != RELEASE else shown}")
        lines.append(f"   {lang.language}: {_plural(len(lang.errors), 'error')}, {_plural(len(lang.warnings), 'warning')}")
    failed = [lang.language for lang in report.languages if lang.errors]
    lines.append(f"check: {'FAILED: ' + ', '.join(failed) if failed else 'passed'}")
    return "\n".join(lines) + "\n"


def format_json(report: GateReport) -> str:
    data = {
        "passed": report.passed,
        "languages": [
            {
                "language": lang.language,
                "status": lang.status,
                "catalog": lang.path,
                "entries": lang.entries,
                "states": lang.counts,
                "required_states": lang.required_counts,
                "errors": len(lang.errors),
                "warnings": len(lang.warnings),
                "documents": lang.documents,
                "problems": [asdict(p) for p in lang.problems],
            }
            for lang in report.languages
        ],
    }
    if report.source is not None:
        source = report.source
        data["readability"] = {
            "language": source.language,
            "documents_folder": source.path,
            "max_grade": source.readability.settings.max_grade,
            "warnings": len(source.warnings),
            "grades": {d.slug: d.measure.grade for d in source.readability.documents},
            "problems": [asdict(p) for p in source.problems],
        }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def format_junit(report: GateReport) -> str:
    """JUnit XML: a test suite per language, a test case per catalog entry, a failure per error."""
    suites = ET.Element("testsuites", name="handouts check")
    total_tests = total_failures = 0
    for lang in report.languages:
        by_line: dict[int | None, list[Problem]] = {}
        for problem in lang.problems:
            by_line.setdefault(problem.line, []).append(problem)
        suite = ET.SubElement(suites, "testsuite", name=f"handouts.{lang.language}")
        tests = failures = 0
        cases = [(msgid, line, document) for msgid, line, document, _state in lang.checked]
        entry_lines = {line for _msgid, line, _document in cases}
        cases.append(("catalog", None, "(catalog)"))
        for msgid, line, document in cases:
            tests += 1
            where = f"{lang.path}:{line}" if line else lang.path
            case = ET.SubElement(suite, "testcase", name=f"{where} {msgid[:60]}", classname=f"{lang.language}.{document}",
                                 file=lang.path)
            if line:
                case.set("line", str(line))
            # the catalog's own case holds what is about no entry (the header's Plural-Forms, say)
            problems = by_line.get(line, []) if line else [p for p in lang.problems if p.line not in entry_lines]
            errors = [p for p in problems if p.severity == ERROR]
            for problem in errors:
                failure = ET.SubElement(case, "failure", type=problem.check, message=problem.message)
                failure.text = str(problem)
            if errors:
                failures += 1
            warnings = [p for p in problems if p.severity == WARNING]
            if warnings:
                ET.SubElement(case, "system-out").text = "\n".join(str(p) for p in warnings)
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_tests += tests
        total_failures += failures
    if report.source is not None and report.source.problems:
        total_tests += _junit_source(suites, report.source)
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _junit_source(suites: ET.Element, source: SourceReport) -> int:
    """The source's readability warnings, when there are some: a suite with a test case per
    document, its warnings in the case's system-out (never a failure).  Returns the case count."""
    documents = source.readability.documents
    suite = ET.SubElement(suites, "testsuite", name="handouts.readability", tests=str(len(documents)),
                          failures="0", errors="0")
    for score in documents:
        case = ET.SubElement(suite, "testcase", name=f"{score.path} readability",
                             classname=f"{source.language}.{score.slug}", file=score.path)
        warnings = [p for p in source.problems if p.path == score.path]
        if warnings:
            ET.SubElement(case, "system-out").text = "\n".join(str(p) for p in warnings)
    return len(documents)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(report: GateReport) -> str:
    """GitHub Actions workflow commands: ``::error file=...,line=...,title=...::message``."""
    lines = []
    sources = [report.source.problems] if report.source is not None else []
    for problems in sources + [lang.problems for lang in report.languages]:
        for p in problems:
            props = [f"file={_escape_property(p.path)}"]
            if p.line:
                props.append(f"line={p.line}")
            props.append(f"title={_escape_property(f'{p.check} ({p.language})')}")
            subject = f": {p.msgid[:60]!r}" if p.msgid else ""
            lines.append(f"::{p.severity} {','.join(props)}::{_escape_data(p.message + subject)}")
    failed = [lang.language for lang in report.languages if lang.errors]
    lines.append(f"check: {'FAILED: ' + ', '.join(failed) if failed else 'passed'}")
    return "\n".join(lines) + "\n"


FORMATTERS = {"text": format_text, "json": format_json, "junit": format_junit, "github": format_github}
