"""Build scale: N languages x M documents, one worker against two, and a no-op rebuild.

A temporary project is generated from the shipped one: M copies of the handout (distinct slugs)
and N languages (the Spanish catalog under other language codes, with each language's own plural
rule; its approvals stay valid, since they bind the text, not the language).  Then, side by side:

  make handouts JOBS=1  full build (extract, update, the release decision, every page and PDF)
  make handouts JOBS=2  the same from clean, two workers (the build prints PDFs in a process pool)
  make handouts         again with nothing changed: must do nothing
  make handouts         after one entry of one catalog changed: only that language's page and PDF

Targets (issue 6): speed-up >= 1.7x on 2 cores; no-op rebuild < 1 s.
Usage: python benchmarks/bench_build.py [LANGUAGES] [DOCUMENTS]   (default 30 x 20; make bench)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel.messages.plurals import get_plural  # noqa: E402

from pipeline.catalog import load_po, save_po  # noqa: E402

LANGUAGES = ("es fr de it pt nl sv da nb fi et el hu tr bg ca eu gl af sq is lt lv ro sk sl hr "
             "cs pl vi id ms sw uk").split()


def make_project(root: Path, languages: int, documents: int) -> None:
    shutil.copytree(ROOT / "source", root / "source")
    shutil.copy2(ROOT / "Makefile", root / "Makefile")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    codes = LANGUAGES[:languages]
    table = "\n".join(f'{code} = "release"' for code in codes)
    pyproject = re.sub(r"\[tool\.handouts\.languages\][^\[]*", f"[tool.handouts.languages]\n{table}\n\n", pyproject)
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    os.symlink(ROOT / ".venv", root / ".venv")
    shutil.copystat(ROOT / "pyproject.toml", root / "pyproject.toml")  # keep the venv stamp newer
    source = (ROOT / "source" / "documents" / "exosomes.md").read_text(encoding="utf-8")
    shutil.rmtree(root / "source" / "documents")
    (root / "source" / "documents").mkdir()
    for i in range(documents):
        slug = f"exosomes-{i + 1:02d}"
        (root / "source" / "documents" / f"{slug}.md").write_text(source.replace("slug: exosomes", f"slug: {slug}"),
                                                                   encoding="utf-8")
    (root / "locales").mkdir()
    shutil.copy(ROOT / "locales" / "glossary.toml", root / "locales" / "glossary.toml")
    shutil.copy(ROOT / "locales" / "handouts.pot", root / "locales" / "handouts.pot")
    spanish = ROOT / "locales" / "es" / "LC_MESSAGES" / "handouts.po"
    for code in codes:
        po = load_po(spanish)
        plural = get_plural(code)
        po.metadata["Language"] = code
        po.metadata["Plural-Forms"] = f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"
        target = root / "locales" / code / "LC_MESSAGES" / "handouts.po"
        target.parent.mkdir(parents=True)
        save_po(po, target, str(target))


def timed_make(root: Path, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(["make", "-C", str(root), "-o", ".venv/.installed", *args],
                         capture_output=True, text=True, check=True).stdout
    return time.perf_counter() - start, out


def main(languages: int = 30, documents: int = 20) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        make_project(root, languages, documents)
        outputs = (languages + 1) * documents
        print(f"building {languages} languages (+ English) x {documents} documents = {outputs} pages and {outputs} PDFs")
        one, _ = timed_make(root, "handouts", "JOBS=1")
        subprocess.run(["make", "-C", str(root), "clean"], capture_output=True, check=True)
        two, _ = timed_make(root, "handouts", "JOBS=2")
        noop, out = timed_make(root, "handouts")
        rebuilt = "handouts build" in out
        pdfs = len(list((root / "build" / "handouts").glob("*.pdf")))
        catalog = root / "locales" / LANGUAGES[0] / "LC_MESSAGES" / "handouts.po"
        po = load_po(catalog)
        entry = next(e for e in po if e.msgstr and not e.msgid_plural and not e.obsolete)
        entry.msgstr += " (editado)"
        save_po(po, catalog, str(catalog))
        edit, _ = timed_make(root, "handouts")
    print(f"{'1 worker (JOBS=1)':<28}{one:8.1f} s")
    print(f"{'2 workers (JOBS=2)':<28}{two:8.1f} s")
    print(f"{'no-op rebuild':<28}{noop:8.2f} s{'  (rebuilt something!)' if rebuilt else ''}")
    print(f"{'one catalog entry edited':<28}{edit:8.2f} s  (every language judged again; only that language reprinted)")
    print(f"speed-up = {one / two:4.2f}x (target >= 1.7x) {'met' if one / two >= 1.7 else 'NOT MET'}; "
          f"no-op {'met' if noop < 1 and not rebuilt else 'NOT MET'} (target < 1 s); {pdfs} PDFs")
    return 0


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    sys.exit(main(*args))
