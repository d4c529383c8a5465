"""The release gate at scale: N languages x E entries, against the time to parse the files.

A temporary project gets a template of E entries (benchmarks/corpus.py) and N release languages
whose catalogs translate and approve every entry.  Measured side by side:

  parse   reading every catalog (pipeline.catalog.load_po: GNU msgfmt's syntax check + polib)
  gate    handouts check over every language (parse + states + approval digests + all checks)

Target (issue 6): the gate finishes in about the time it takes to parse the files.
Usage: python benchmarks/bench_check.py [LANGUAGES] [ENTRIES]   (default 30 x 10000; make bench)
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import polib  # noqa: E402
from babel.messages.plurals import get_plural  # noqa: E402

from benchmarks.bench_build import LANGUAGES  # noqa: E402
from benchmarks.corpus import make_corpus  # noqa: E402
from pipeline.catalog import load_po, po_to_text  # noqa: E402
from pipeline.config import Project  # noqa: E402
from pipeline.gate import check_project  # noqa: E402
from pipeline.model import approve  # noqa: E402


def make_project(root: Path, languages: int, entries: int) -> Project:
    shutil.copytree(ROOT / "source", root / "source")
    codes = LANGUAGES[:languages]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = "\n".join(f'{code} = "release"' for code in codes)
    pyproject = re.sub(r"\[tool\.handouts\.languages\][^\[]*", f"[tool.handouts.languages]\n{table}\n\n", pyproject)
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (root / "locales").mkdir()
    old, _template = make_corpus(entries)
    catalog = polib.pofile(old)
    when = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    for entry in catalog:
        approve(entry, "Bench Reviewer", when)
    template = polib.pofile(old)
    for entry in template:
        entry.msgstr = ""
    template.metadata_is_fuzzy = True
    (root / "locales" / "handouts.pot").write_text(po_to_text(template, "t.pot"), encoding="utf-8")
    for code in codes:
        plural = get_plural(code)
        catalog.metadata["Language"] = code
        catalog.metadata["Plural-Forms"] = f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"
        target = root / "locales" / code / "LC_MESSAGES" / "handouts.po"
        target.parent.mkdir(parents=True)
        target.write_text(po_to_text(catalog, str(target)), encoding="utf-8")
    return Project.load(root)


def main(languages: int = 30, entries: int = 10_000) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp), languages, entries)
        start = time.perf_counter()
        for code in project.languages():
            polib.pofile(project.catalog_path(code).read_text(encoding="utf-8"))
        polib_only = time.perf_counter() - start
        start = time.perf_counter()
        for code in project.languages():
            load_po(project.catalog_path(code))
        parse = time.perf_counter() - start
        start = time.perf_counter()
        report = check_project(project)
        gate = time.perf_counter() - start
    print(f"gate over {languages} languages x {entries} entries ({'passed' if report.passed else 'FAILED'})")
    print(f"{'parse: polib alone':<40}{polib_only:8.2f} s")
    print(f"{'parse: load_po (msgfmt syntax + polib)':<40}{parse:8.2f} s")
    print(f"{'gate: handouts check':<40}{gate:8.2f} s")
    print(f"gate / parse = {gate / parse:4.2f}x (target: about 1x)")
    return 0


if __name__ == "__main__":
    sys.exit(main(*[int(a) for a in sys.argv[1:]]))
