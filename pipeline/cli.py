"""Command line: ``handouts COMMAND`` (also ``python -m pipeline``).

The CLI parses arguments, calls one library function, prints, and maps the result to an exit
code.  Exit codes:

  0  success
  1  the work was done but something the user must fix stands in the way of a release
     (``build``: a language lacks required translations and was not built)
  2  usage error or unreadable input (bad configuration, source or catalog; missing tool)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .build import FORMATS, build
from .catalog import write_if_changed
from .config import PAPER_SIZES, Project, parse_language
from .errors import PipelineError
from .extract import documents_to_template, same_template
from .update import merge_template, template_to_catalog

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_extract(project: Project, args) -> int:
    text = documents_to_template(project)
    path = project.template_path
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old is not None and same_template(old, text):
        _say(f"{project.relative(path)}: unchanged")
    else:
        write_if_changed(path, text)
        _say(f"{project.relative(path)}: written")
    return EXIT_OK


def cmd_update(project: Project, args) -> int:
    template = project.template_path
    if not template.exists():
        raise PipelineError("no template yet: run 'handouts extract' first", project.relative(template))
    languages = args.lang or project.languages()
    for language in languages:
        path = project.catalog_path(language)
        shown = project.relative(path)
        if not path.exists():
            raise PipelineError(f"no catalog for {language!r}: create it with 'handouts init {language}'", shown)
        changed = write_if_changed(path, merge_template(path, template, shown))
        _say(f"{shown}: {'updated' if changed else 'unchanged'}")
    return EXIT_OK


def cmd_init(project: Project, args) -> int:
    template = project.template_path
    if not template.exists():
        raise PipelineError("no template yet: run 'handouts extract' first", project.relative(template))
    for language in args.languages:
        parse_language(language)
        path = project.catalog_path(language)
        shown = project.relative(path)
        if path.exists():
            raise PipelineError(f"catalog already exists; 'handouts update' keeps it current", shown)
        write_if_changed(path, template_to_catalog(template.read_text(encoding="utf-8"), language, shown))
        _say(f"{shown}: created; add '{language} = \"draft\"' under [tool.handouts.languages] in pyproject.toml")
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
        skip_incomplete=args.skip_incomplete,
        output=args.output,
        paper=args.paper,
        progress=_say if not args.quiet else (lambda message: None),
    )
    _say(f"{len(report.written)} file(s) written, {len(report.unchanged)} unchanged")
    for problem in report.incomplete:
        _say(("warning: " if args.skip_incomplete else "") + str(problem).removeprefix("error: "))
    if report.incomplete and not args.skip_incomplete:
        _say("(use --skip-incomplete to build the other languages and still exit 0)")
        return EXIT_FAILED
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="handouts",
        description="Localize patient handouts: extract English text into gettext catalogs, keep "
        "each language's catalog current, and build web pages and PDF handouts.",
        epilog="Exit codes: 0 success; 1 a language lacks required translations; 2 usage error or "
        "unreadable input.  Run 'handouts COMMAND --help' for each command.",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    top.add_argument("--root", type=Path, default=Path("."), help="project folder (holds pyproject.toml); default: current folder")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("extract", help="extract documents and templates into locales/<domain>.pot",
                       description="Extract every block of every document in source/documents and every "
                       "string of the templates into the gettext template, via Babel. The file is "
                       "rewritten only when an entry changed.")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("update", help="merge the template into each language's catalog (msgmerge semantics)",
                       description="Merge the template into each catalog: changed source becomes fuzzy with the "
                       "previous text kept (#|), removed entries become obsolete (#~); no translation is lost.")
    p.add_argument("--lang", action="append", metavar="LANG", help="only this language (repeatable)")
    p.set_defaults(func=cmd_update)

    p = sub.add_parser("init", help="create the catalog of a new language",
                       description="Create locales/LANG/LC_MESSAGES/<domain>.po from the template, with the "
                       "language's plural rule from Babel's locale data.")
    p.add_argument("languages", nargs="+", metavar="LANG", help="language code, e.g. fr, pt_BR, zh_Hant")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("build", help="build web pages and PDF handouts",
                       description="Build build/site/LANG/SLUG.html and build/handouts/SLUG.LANG.pdf from "
                       "translated, non-fuzzy entries. Untranslated optional blocks fall back to English; a "
                       "language missing a required block is not built for that document.")
    p.add_argument("--lang", action="append", metavar="LANG", help="only this language (repeatable); default: all")
    p.add_argument("--format", metavar="LIST", help=f"comma-separated, from {', '.join(FORMATS)}; default: both")
    p.add_argument("--paper", choices=PAPER_SIZES, help="paper size of the PDF; default from pyproject.toml")
    p.add_argument("--output", type=Path, help="output folder; default from pyproject.toml (build)")
    p.add_argument("--skip-incomplete", action="store_true",
                   help="build the complete languages and exit 0 even if some lack required translations")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=cmd_build)
    return top


def run(argv: list[str] | None = None) -> int:
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
    except KeyboardInterrupt:
        _say("interrupted")
        return 130


def main() -> None:
    sys.exit(run())
