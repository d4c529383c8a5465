"""Command line: ``handouts COMMAND`` (also ``python -m pipeline``).

The CLI parses arguments, calls one library function, prints, and maps the result to an exit
code.  Exit codes:

  0  success; ``check``: the gate passed
  1  ``check``: the gate failed; ``build``: a release language is held back for a document
     (its required entries are not all publishable); ``verify``: the release tree differs from
     its manifest; ``approve``: some chosen entries could not be approved
  2  usage error or unreadable input (bad configuration, source or catalog; missing tool; a file
     that cannot be read or written)
  3  internal error: a bug (one line; ``--debug`` prints the traceback)
  130  interrupted
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from . import __version__
from .backtranslate import DEFAULT_THRESHOLD
from .build import FORMATS, build
from .catalog import LanguageCatalog
from .config import PAPER_SIZES, Project
from .errors import PipelineError
from .extract import write_template
from .files import write_if_changed
from .model import check_reviewer, entry_documents, entry_key, is_required
from .update import create_catalog, update_catalogs
from . import gate as gate_module
from .review import Selection, approve_selected, unapprove_selected

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUG, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_extract(project: Project, args) -> int:
    written = write_template(project)
    _say(f"{project.relative(project.template_path)}: {'written' if written else 'unchanged'}")
    return EXIT_OK


def cmd_update(project: Project, args) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise PipelineError(f"--jobs must be at least 1, not {args.jobs}")
    failed = False
    for outcome in update_catalogs(project, args.lang or project.languages(), args.compendium, args.jobs):
        if outcome.error is not None:  # the others are still updated; exit 2 at the end
            _say(str(outcome.error))
            failed = True
        else:
            _say(f"{outcome.shown}: {'updated' if outcome.changed else 'unchanged'}")
            for warning in outcome.warnings:  # entries msgmerge accepts and the gate refuses
                _say(warning)
    return EXIT_USAGE if failed else EXIT_OK


def cmd_init(project: Project, args) -> int:
    for language in args.languages:
        catalog = create_catalog(project, language)
        hint = "" if language in project.release else (
            f"; add '{language} = \"draft\"' (or \"release\") under [tool.handouts.languages] in pyproject.toml")
        _say(f"{catalog.shown}: created{hint}")
    return EXIT_OK


def cmd_build(project: Project, args) -> int:
    formats = args.format.split(",") if args.format else list(FORMATS)
    for name in formats:
        if name not in FORMATS:
            raise PipelineError(f"unknown format {name!r}; choose from {', '.join(FORMATS)}")
    report = build(
        project,
        args.lang or None,
        formats=formats,
        output=args.output,
        paper=args.paper,
        jobs=args.jobs,
        large_print=args.large_print,
        progress=_say if not args.quiet else (lambda message: None),
    )
    for pair in report.fallbacks:
        _say(f"note: {pair.document.slug} ({pair.language.language}): {len(pair.fallbacks)} optional "
             f"block(s) shown in English, no publishable translation:")
        for block, verdict in pair.fallbacks:
            where = f"{pair.language.path}:{verdict.line}" if verdict and verdict.line else pair.language.path
            reason = verdict.reason if verdict else "no entry (run 'handouts update')"
            _say(f"  {where}: {reason}: {block.text[:60]!r}")
    for output, url in report.refused:
        _say(f"warning: {output}: refused to load {url} (only the project's own assets may be used)")
    severity = "warning" if args.skip_incomplete else "error"
    for pair in report.held:
        _say(f"{severity}: {pair.document.slug} ({pair.language.language}) is held back: "
             f"{len(pair.blocking)} required entr{'y is' if len(pair.blocking) == 1 else 'ies are'} not publishable:")
        for blocker in pair.blocking:
            _say(f"  {blocker}")
    _say(f"{len(report.written)} file(s) written, {len(report.unchanged)} unchanged, {len(report.removed)} removed; "
         f"manifest {project.relative(report.manifest) if report.manifest else '-'}")
    if report.held and not args.skip_incomplete:
        _say("(release languages are held back: exit 1; --skip-incomplete, or SKIP_INCOMPLETE=1 with make, exits 0)")
        return EXIT_FAILED
    return EXIT_OK


def cmd_verify(project: Project, args) -> int:
    from .build import MANIFEST, verify

    output = Path(args.output or project.output)
    problems = verify(project, output)
    for problem in problems:
        print(f"{problem}")
    shown = project.relative(output / MANIFEST)
    print(f"verify: {'FAILED: ' + str(len(problems)) + ' problem(s)' if problems else 'the release tree matches ' + shown}")
    return EXIT_FAILED if problems else EXIT_OK


def reviewer_name(project: Project, option: str | None) -> str:
    """--reviewer, else $HANDOUTS_REVIEWER, else git's user.name."""
    import os
    import subprocess

    name = option or os.environ.get("HANDOUTS_REVIEWER")
    if not name:
        try:
            name = subprocess.run(["git", "config", "user.name"], cwd=project.root, capture_output=True, text=True).stdout.strip()
        except OSError:
            name = ""
    if not name:
        raise PipelineError("who is approving? pass --reviewer NAME, set HANDOUTS_REVIEWER, or set git's user.name")
    return name


def _lines(catalog: LanguageCatalog) -> dict:
    """(msgctxt, msgid) -> line of each entry as the file now stands."""
    return {entry_key(e): e.linenum for e in catalog.load()}


def _now():
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc)


def _selection(args) -> Selection:
    selection = Selection(tuple(args.entry or ()), tuple(args.msgid or ()), tuple(args.document or ()), args.all)
    if not (selection.explicit or selection.documents or selection.pending):
        raise PipelineError("choose entries: --entry REF, --msgid TEXT, --document SLUG or --all")
    return selection


def cmd_approve(project: Project, args) -> int:
    from .checks import Glossary

    selection = _selection(args)
    reviewer = reviewer_name(project, args.reviewer)
    check_reviewer(reviewer)  # before any catalog is touched
    glossary = Glossary.load(project.glossary_path)
    folder = project.relative(project.documents)
    refused = 0
    for language in args.lang:
        catalog = LanguageCatalog(project, language)
        shown = catalog.shown
        outcomes = catalog.modify(lambda po: approve_selected(
            selection.choose(po, folder), selection, reviewer, _now(),
            language=language, glossary=glossary, confirm=args.confirm))
        line = _lines(catalog)
        for outcome in outcomes:
            entry = outcome.entry
            where = f"{shown}:{line.get(entry_key(entry), entry.linenum)}"
            named_alone = selection.explicit and not selection.bulk and len(outcomes) == 1
            if outcome.shown and not outcome.skipped and (named_alone or not outcome.done):
                for label, text in outcome.shown:  # the entry as judged, before approval changed it
                    print(f"{where}: {label + ':':<13}{text}")
            if not outcome.done and not outcome.skipped:
                refused += outcome.reason != "already approved"
            required = "REQUIRED, " if is_required(entry) and not outcome.done else ""
            print(f"{where}: {required}{outcome.reason}: {entry.msgid[:60]!r}")
        done = sum(o.done for o in outcomes)
        skipped = [o for o in outcomes if o.skipped]
        held = sorted({slug for o in skipped if is_required(o.entry) for slug in entry_documents(o.entry, folder)})
        _say(f"{shown}: {done} approved by {reviewer}, {len(outcomes) - done} not"
             + (f" ({len(skipped)} skipped: they need to be approved one at a time)" if skipped else "")
             + (f"; required entries among them keep {', '.join(held)} held back in {language} until they are"
                if held else ""))
    return EXIT_FAILED if refused else EXIT_OK


def cmd_unapprove(project: Project, args) -> int:
    selection = Selection(tuple(args.entry or ()), tuple(args.msgid or ()), tuple(args.document or ()), args.all)
    if not (selection.explicit or selection.bulk):
        raise PipelineError("choose entries: --entry REF, --msgid TEXT, --document SLUG or --all")
    folder = project.relative(project.documents)
    for language in args.lang:
        catalog = LanguageCatalog(project, language)
        count = catalog.modify(lambda po: unapprove_selected(po, selection, folder))
        _say(f"{catalog.shown}: {count} approval record(s) removed")
    return EXIT_OK


def cmd_status(project: Project, args) -> int:
    from .status import format_status_json, format_status_text, project_status

    data = project_status(project, args.lang or None)
    print(format_status_json(data) if args.format == "json" else format_status_text(data), end="")
    return EXIT_OK


def cmd_check(project: Project, args) -> int:
    report = gate_module.check_project(project, args.lang or None, jobs=args.jobs)
    if args.back_translate:
        gate_module.add_back_translation_warnings(report, project, _packages_dir(args), args.threshold)
    text = gate_module.FORMATTERS[args.format](report)
    if args.output:
        write_if_changed(args.output, text)
        _say(f"{args.output}: written; check {'passed' if report.passed else 'FAILED'}")
    else:
        print(text, end="")
    return EXIT_OK if report.passed else EXIT_FAILED


def cmd_review(project: Project, args) -> int:
    from .interactive import review_session

    return review_session(project, args.lang, reviewer_name(project, args.reviewer), documents=args.document or (),
                          required_only=args.required_only)


def _packages_dir(args) -> Path:
    from .models import default_packages_dir

    return Path(args.packages_dir) if args.packages_dir else default_packages_dir()


def cmd_models_list(project: Project, args) -> int:
    from .models import installed_packages

    packages = installed_packages(_packages_dir(args))
    if not packages:
        _say(f"no Argos packages in {_packages_dir(args)}; install one with 'handouts models install FILE.argosmodel'")
    for info in packages:
        print(f"{info.from_code} -> {info.to_code}  {info.code} {info.version}  {info.path}")
    return EXIT_OK


def cmd_models_install(project: Project, args) -> int:
    from .models import install_from_index, install_package

    if bool(args.archives) == bool(args.lang):
        raise PipelineError("give .argosmodel files, or --lang LANG to fetch from the package index (online)")
    packages_dir = _packages_dir(args)
    installed = [install_package(Path(a), packages_dir) for a in args.archives]
    installed += [install_from_index(project.source_language, lang, packages_dir, args.index) for lang in args.lang or ()]
    for info in installed:
        _say(f"installed {info.code} {info.version} ({info.from_code} -> {info.to_code}) in {info.path}")
    return EXIT_OK


def cmd_draft(project: Project, args) -> int:
    from .checks import Glossary
    from .draft import ArgosTranslator, draft_language
    from .models import find_package

    glossary = Glossary.load(project.glossary_path)
    packages_dir = _packages_dir(args)
    languages = args.lang or project.languages()
    packages = {lang: find_package(packages_dir, project.source_language, lang) for lang in languages}  # fail early
    for language in languages:
        bar = _progress_bar(f"{language}: drafting", args.quiet)
        try:
            summary = draft_language(project, language, ArgosTranslator(packages[language]), glossary,
                                     redraft=args.redraft, progress=bar.update_to)
        finally:
            bar.close()
        for line, source, why in summary.broken:
            where = f"{summary.catalog}:{line}" if line else summary.catalog
            _say(f"{where}: warning: draft not written ({why}): {source[:60]!r}")
        _say(f"{summary.catalog}: {summary.drafted} drafted with {summary.provenance} (fuzzy, for review), "
             f"{len(summary.broken)} left untranslated")
    return EXIT_OK


class _progress_bar:
    """tqdm on a terminal, silence elsewhere (CI logs)."""

    def __init__(self, label: str, quiet: bool):
        self.bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=0, desc=label, unit="sentence", file=sys.stderr, leave=False)

    def update_to(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.total = total
            self.bar.n = done
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def cmd_settings(project: Project, args) -> int:
    import json

    from .config import make_settings, settings

    if args.format == "make":
        print(make_settings(project), end="")
    elif args.format == "json":
        print(json.dumps(settings(project), ensure_ascii=False, indent=2))
    else:
        for name, value in settings(project).items():
            for key, shown in (value.items() if isinstance(value, dict) else [("", value)]):
                print(f"{name}{'.' + key if key else ''} = {shown}")
    return EXIT_OK


def cmd_fonts(project: Project, args) -> int:
    import json

    from .fonts import installed_families, missing_faces, needed_packages, project_fonts

    languages = project_fonts(project)
    installed = installed_families()
    missing = missing_faces(languages, installed)
    if args.missing:  # for make: the packages to install, on one line (nothing when none is missing)
        packages = sorted({face.package for face in missing})
        if packages:
            print(" ".join(packages))
        return EXIT_OK
    if args.format == "json":
        print(json.dumps({
            "languages": [{"language": lang.code, "script": lang.script, "known_script": lang.known,
                           "faces": [{"family": face.family, "package": face.package, "installed": face not in missing}
                                     for face in lang.faces]} for lang in languages],
            "packages": needed_packages(languages),
            "missing_packages": sorted({face.package for face in missing}),
            "fontconfig": installed is not None,
        }, ensure_ascii=False, indent=2))
        return EXIT_OK
    width = max(len(lang.code) for lang in languages)
    for lang in languages:
        faces = ", ".join(f"{face.family} ({face.package}{'' if face not in missing else ', missing'})"
                          for face in lang.faces)
        note = "" if lang.known else "  [script not in pipeline/fonts.py: fontconfig picks its letters' font]"
        print(f"{lang.code:<{width}}  {lang.script}  {faces}{note}")
    print(f"packages: {' '.join(needed_packages(languages))}")
    if installed is None:
        print("fontconfig's fc-list is not installed: cannot tell which faces are (apt-get install fontconfig)")
    elif missing:
        print(f"missing: {', '.join(face.family for face in missing)} "
              f"(apt-get install {' '.join(sorted({face.package for face in missing}))}; make installs them)")
    return EXIT_OK


def cmd_workspace(project: Project, args) -> int:
    from .workspace import Workspace, serve

    packages = _packages_dir(args)
    workspace = Workspace(project, packages_dir=packages, threshold=args.threshold)
    try:
        server = serve(workspace, args.port)
    except OSError as exc:
        raise PipelineError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}"
                            + (" (choose another --port, or leave it out for a free one)" if args.port else "")) from None
    print(f"Reviewer workspace: http://127.0.0.1:{server.server_address[1]}/  (Ctrl+C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return EXIT_OK


def _add_packages_dir(p: argparse.ArgumentParser, purpose: str = "") -> None:
    p.add_argument("--packages-dir", metavar="DIR",
                   help=f"Argos packages folder{' (' + purpose + ')' if purpose else ''}; default $ARGOS_PACKAGES_DIR "
                   "or ~/.local/share/argos-translate/packages")


def _add_selection(p: argparse.ArgumentParser, bulk_help: str) -> None:
    p.add_argument("--lang", action="append", required=True, metavar="LANG", help="language (repeatable)")
    p.add_argument("--entry", action="append", metavar="REF", help="an entry by source reference, e.g. source/documents/exosomes.md:61")
    p.add_argument("--msgid", action="append", metavar="TEXT", help="an entry by its exact English text")
    p.add_argument("--document", action="append", metavar="SLUG", help="every entry of a document " + bulk_help)
    p.add_argument("--all", action="store_true", help="every entry " + bulk_help)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="handouts",
        description="Localize patient handouts: extract English text into gettext catalogs, keep "
        "each language's catalog current, and build web pages and PDF handouts.",
        epilog="Exit codes: 0 success; 1 the gate failed (check), a release language is held back (build), "
        "the release tree differs from its manifest (verify), or entries could not be approved; 2 usage error or "
        "unreadable input; 3 internal error (a bug: --debug shows the traceback).  Run 'handouts COMMAND --help' for each command.",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    top.add_argument("--root", type=Path, default=Path("."), help="project folder (holds pyproject.toml); default: current folder")
    top.add_argument("--debug", action="store_true", help="print the traceback of an internal error")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("extract", help="extract documents and templates into locales/<domain>.pot",
                       description="Extract every block of every document in source/documents and every "
                       "string of the templates into the gettext template, via Babel. The file is "
                       "rewritten only when an entry changed.")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("update", help="merge the template into each language's catalog (msgmerge semantics)",
                       description="Merge the template into each catalog: changed source becomes fuzzy with the "
                       "previous text kept (#|), removed entries become obsolete (#~); no translation is lost. "
                       "Catalogs are merged in parallel, one process per core. With --compendium, new entries "
                       "are filled from other catalogs of translations, as msgmerge --compendium does: each "
                       "such entry is marked '# compendium: FILE' and still needs approval here.")
    p.add_argument("--lang", action="append", metavar="LANG", help="only this language (repeatable)")
    p.add_argument("--compendium", action="append", type=Path, metavar="FILE.po",
                   help="fill new entries from this catalog of translations (repeatable; where two hold the same "
                   "source, the first given wins); it fills the catalogs of the language its Language header names")
    p.add_argument("-j", "--jobs", type=int, metavar="N", help="catalogs merged at once; default: one per core")
    p.set_defaults(func=cmd_update)

    p = sub.add_parser("init", help="create the catalog of a new language",
                       description="Create locales/LANG/LC_MESSAGES/<domain>.po from the template, with the "
                       "Plural-Forms of the language's definition in pyproject.toml ([tool.handouts.language-"
                       "definitions.LANG]), else the one GNU msginit writes for it (Babel's CLDR rule where gettext "
                       "has none), as translators' tools expect. Not for the source language.")
    p.add_argument("languages", nargs="+", metavar="LANG",
                   help="language code, e.g. fr, pt_BR, zh_Hant, or one pyproject.toml defines (hmn)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("build", help="build the release tree: web pages, PDF handouts, index pages, manifest",
                       description="Build build/site/LANG/SLUG.html and build/handouts/SLUG.LANG.pdf for every "
                       "document releasable in each release language (and the source language), from publishable "
                       "entries only: approved, with a valid record and no error-level check finding. An optional "
                       "block without one falls back to English; a document whose required blocks are not all "
                       "publishable is held back in that language. Draft languages get watermarked previews under "
                       "build/preview/. Outputs that no longer qualify are removed, and build/release.json records "
                       "what was published (see 'handouts verify'). Exit 1 when a release language is held back.")
    p.add_argument("--lang", action="append", metavar="LANG",
                   help="build only this language (repeatable); the tree then holds only the languages given, "
                   "plus the source language, which every page links to")
    p.add_argument("--format", metavar="LIST", help=f"comma-separated, from {', '.join(FORMATS)}; default: both")
    p.add_argument("--paper", choices=PAPER_SIZES, help="paper size of the PDF; default from pyproject.toml")
    p.add_argument("--output", type=Path, help="output folder; default from pyproject.toml (build)")
    p.add_argument("-j", "--jobs", type=int, metavar="N", help="PDFs printed at once; default: one per core")
    p.add_argument("--large-print", action="store_true",
                   help="also print a large-print PDF (18 pt) of every handout, SLUG.LANG.large.pdf, for every "
                   "language built; default: the languages large_print names in pyproject.toml")
    p.add_argument("--skip-incomplete", action="store_true",
                   help="exit 0 even when a release language is held back for a document (it is still not built)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("verify", help="re-check the release tree against its manifest (for audits)",
                       description="Check that every output listed in build/release.json is on disk with the "
                       "recorded SHA-256, that nothing else is in build/site, build/handouts or build/preview, and "
                       "that the documents and catalogs it was built from are unchanged. Exit 0 verified, 1 not.")
    p.add_argument("--output", type=Path, help="output folder; default from pyproject.toml (build)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("status", help="count entries by state, per language and document",
                       description="Per language and document: untranslated, machine draft, fuzzy, awaiting "
                       "review, approved and stale entries; required entries first.")
    p.add_argument("--lang", action="append", metavar="LANG", help="only this language (repeatable)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("approve", help="record approvals in the catalog",
                       description="Write an approval record (reviewer, time, digest of source and translation) "
                       "into each chosen entry. An entry that is fuzzy, still a machine's text, or has check "
                       "errors needs confirmation: it is approved only when named alone with --entry or --msgid, "
                       "and with --confirm after the reviewer has read it as printed (the source's changes as "
                       "a word diff, the translation, the findings); without --confirm it is printed and "
                       "refused (exit 1). Bulk choices (--document, --all) approve only entries that need no "
                       "confirmation and list the others as skipped. The reviewer is --reviewer, else "
                       "$HANDOUTS_REVIEWER, else git's user.name.")
    _add_selection(p, "that needs no confirmation (never drafts)")
    p.add_argument("--reviewer", metavar="NAME", help="who approves")
    p.add_argument("--confirm", action="store_true",
                   help="I have read the entry shown; approve it anyway (a fuzzy entry, a machine draft, or an "
                   "entry with check errors, named alone)")
    p.set_defaults(func=cmd_approve)

    p = sub.add_parser("unapprove", help="remove approval records",
                       description="Remove the approval records of the chosen entries.")
    _add_selection(p, "")
    p.set_defaults(func=cmd_unapprove)

    p = sub.add_parser("review", help="walk a language's pending entries in the terminal",
                       description="Shows each pending entry (required first) with its document, section, "
                       "state and check warnings. Keys: a approve, e edit ($EDITOR, or inline), f mark "
                       "fuzzy, s skip, q quit. Every action is saved at once.")
    p.add_argument("lang", metavar="LANG")
    p.add_argument("--document", action="append", metavar="SLUG", help="only this document (repeatable)")
    p.add_argument("--required-only", action="store_true", help="only required entries")
    p.add_argument("--reviewer", metavar="NAME", help="who approves")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("workspace", help="the reviewer workspace: a local web page to review and approve",
                       description="Serve the reviewer workspace on 127.0.0.1 (a free port unless --port) and "
                       "print its address. Entries filtered by state and section, searched, required first; "
                       "edit, save, approve, send back, undo; translator comments; each entry's history from "
                       "git; keyboard shortcuts; a preview of each document; back-translations, made in the "
                       "background, where a reverse Argos package (LANG -> English) is installed.")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1; default: a free one")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                   help=f"flag back-translations whose chrF similarity to the source is below this "
                   f"(default {DEFAULT_THRESHOLD:g})")
    _add_packages_dir(p, "for back-translation")
    p.set_defaults(func=cmd_workspace)

    p = sub.add_parser("check", help="the release gate: exit 1 if a release language is not ready",
                       description="For languages due for release: every required entry translated, not "
                       "fuzzy and approved with a valid record; no check error in a published entry; the "
                       "configured share of other entries approved. Draft languages are reported as "
                       "warnings only. Exit 0 passed, 1 failed, 2 unreadable input.")
    p.add_argument("--lang", action="append", metavar="LANG", help="only this language (repeatable)")
    p.add_argument("--format", choices=tuple(gate_module.FORMATTERS), default="text",
                   help="text (path:line: error: ...), json, junit (JUnit XML) or github (workflow annotations)")
    p.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE instead of standard output")
    p.add_argument("-j", "--jobs", type=int, metavar="N", help="languages checked at once; default: one per core")
    p.add_argument("--back-translate", action="store_true",
                   help="also warn (never fail) where a translation's back-translation to English, with an "
                   "installed reverse Argos package, is far from the source")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                   help=f"chrF below which --back-translate warns (default {DEFAULT_THRESHOLD:g})")
    _add_packages_dir(p, "for --back-translate")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("draft", help="machine-draft untranslated entries offline with Argos Translate",
                       description="Give every untranslated entry an Argos Translate draft, marked fuzzy with a "
                       "'machine-draft:' comment naming the package and its version. Entries a person "
                       "translated are never touched. Placeholders, markup, links, numbers, URLs and "
                       "glossary terms are protected; a draft that loses one is not written.")
    p.add_argument("--lang", action="append", metavar="LANG", help="only this language (repeatable); default: all")
    p.add_argument("--redraft", action="store_true", help="also replace earlier machine drafts (never a person's work)")
    _add_packages_dir(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_draft)

    p = sub.add_parser("settings", help="print the project's resolved settings ([tool.handouts] in pyproject.toml)",
                       description="Print the settings every command uses, defaults filled in: domain, source "
                       "language, the documents and templates folders, the mapping file, the locales folder, "
                       "the template (.pot) and glossary paths, the output folder, the paper size, the release "
                       "status of each configured language and the gate's threshold. Paths are relative to the "
                       "project folder (absolute when outside it). --format make writes GNU Make assignments "
                       "(PROJECT_ROOT, the absolute folder they were written for; DOMAIN, SOURCE_LANGUAGE, DOCUMENTS_DIR, TEMPLATES_DIR, MAPPING_FILE, LOCALES_DIR, "
                       "POT_FILE, GLOSSARY_FILE, OUTPUT_DIR, PAPER, RELEASE_LANGUAGES, DRAFT_LANGUAGES), which "
                       "the Makefile includes; it refuses (exit 2) a path or domain with spaces or characters "
                       "Make or the shell treat specially (Make cannot quote them), and an output folder that "
                       "holds the project's sources ('make clean' removes the output folder).")
    p.add_argument("--format", choices=("text", "make", "json"), default="text",
                   help="text: one 'name = value' per line (default); make: Make variable assignments; json")
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser("fonts", help="the fonts each configured language's script needs, and their Debian packages",
                       description="For the source language, every language with a catalog, every language of "
                       "[tool.handouts.languages] and every defined language: its script (CLDR's likely script, or "
                       "its definition's), the Noto faces pages in that script are set in (pipeline/fonts.py), the "
                       "Debian package of each, and whether fontconfig has it. --missing prints only the packages "
                       "whose faces fontconfig lacks, on one line (the Makefile installs them).")
    p.add_argument("--missing", action="store_true", help="only the Debian packages to install, on one line")
    p.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json")
    p.set_defaults(func=cmd_fonts)

    p = sub.add_parser("models", help="install and list Argos Translate packages")
    models = p.add_subparsers(dest="models_command", required=True, metavar="ACTION")
    q = models.add_parser("list", help="installed packages")
    _add_packages_dir(q)
    q.set_defaults(func=cmd_models_list)
    q = models.add_parser("install", help="install .argosmodel files, or fetch a language's package (online)",
                          description="Install local .argosmodel files (checked first: metadata, no paths outside "
                          "the package, no links; installed atomically), or with --lang fetch the package "
                          "for English -> LANG from the Argos package index.")
    q.add_argument("archives", nargs="*", metavar="FILE", help=".argosmodel file")
    q.add_argument("--lang", action="append", metavar="LANG", help="fetch the package for this language (repeatable)")
    q.add_argument("--index", metavar="URL", help="package index URL; default $ARGOS_PACKAGE_INDEX or Argos' own")
    _add_packages_dir(q)
    q.set_defaults(func=cmd_models_install)
    return top


def run(argv: list[str] | None = None) -> int:
    """The command line, in-process: parse, run one command, map the outcome to an exit code.

    A :class:`PipelineError` or an ``OSError`` is the user's to act on: one ``path: error: ...``
    line, exit 2.  Anything else is a bug: one line naming it, exit 3, and the traceback only
    with ``--debug``.  Exit 1 is kept for "the gate (or the build, or verify) says no".
    """
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        project = Project.load(args.root)
        return args.func(project, args)
    except PipelineError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _say(f"{where}error: {exc.strerror or exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 (the last line of defence: a bug, told in one line)
        if args.debug:
            traceback.print_exc()
        _say(f"internal error: {type(exc).__name__}: {exc} (a bug in handouts; run again with --debug "
             "for the traceback)")
        return EXIT_BUG


def main() -> None:
    sys.exit(run())
