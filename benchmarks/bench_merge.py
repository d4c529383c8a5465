"""Catalog update: the pipeline's merge against GNU msgmerge, side by side, in one run.

Two corpora:

* **real** (benchmarks/real_corpus.py): public projects' catalogs two releases apart (Django,
  Django admin, Sphinx, Wagtail admin; fetched with pip into a cache folder on first use).  For
  each catalog: the pipeline's update (``pipeline.update.merge_template``: parse, match, write)
  and ``msgmerge --previous`` (its output passed through ``msgcat``, as the pipeline writes).
* **synthetic** (benchmarks/corpus.py): a Spanish catalog and a new template with 10% of sources
  lightly edited, 5% removed, 5% added -- long sentences (6-22 words) and short UI labels (1-4
  words).  msgmerge is all-pairs, so it runs up to 10,000 entries (``--full``: 50,000 too).

Reported: catalogs, entries, both times and their ratio, the share of catalogs byte-identical,
entry agreement (flags, previous source, translation, comments; every entry of GNU's output,
live and obsolete) overall and on the entries either side marks fuzzy, and the pipeline's own
time split.  Catalogs are read as ``handouts update`` reads them (leniently: a plural entry with
another number of forms than the header's nplurals is merged as msgmerge merges it, with a
warning); the catalogs merged with such warnings are counted, and any catalog the pipeline could
not merge is named (the target is none).

Targets: every catalog merged, >= 99% byte-identical, agreement >= 99.9% (>= 99.5% on fuzzy
entries); real corpus <= 0.5x msgmerge's time; 10,000 synthetic sentences <= 0.05x; 50,000
within a minute.
Usage: python benchmarks/bench_merge.py [--full] [--real-only] [--all-catalogs-only] [--synthetic-only] [sizes...]
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import polib

from benchmarks.corpus import make_corpus
from benchmarks.real_corpus import cases
from pipeline.catalog import canonical_text, catalog_text, load_po
from pipeline.errors import CatalogError
from pipeline.gnupo import clear_caches, gc_paused, gnu_text
from pipeline.merge import merge_entries
from pipeline.update import form_count_warnings, has_odd_form_counts

MSGMERGE_LIMIT = 10_000
ENV = {**os.environ, "LC_ALL": "C.UTF-8"}


def pipeline_merge(old: Path, template: Path, warnings: list[str] | None = None
                   ) -> tuple[str, float, float, float, float]:
    """The pipeline's update of ``old`` to ``template``: text, seconds to parse, match, write, and
    the CPU seconds of it all (every thread).  Both are read as ``update`` reads them (leniently);
    the write includes ``update``'s look for entries whose number of forms is not the header's
    (their warnings go to ``warnings``).  Caches of one catalog's flags and layouts are emptied
    first: each catalog starts as a fresh msgmerge process does."""
    clear_caches()
    cpu = time.process_time()
    with gc_paused():  # as pipeline.update does
        start = time.perf_counter()
        catalog = load_po(old, str(old), strict=False)
        pot = load_po(template, str(template), strict=False)
        parsed = time.perf_counter()
        result = merge_entries(catalog, pot)
        matched = time.perf_counter()
        text = gnu_text(result.header, result.header_fuzzy, result.fields, result.entries)
        if text is None:
            text = canonical_text(catalog_text(result.header, result.header_fuzzy, result.fields, result.entries),
                                  str(old))
        if has_odd_form_counts(result):
            found = form_count_warnings(text, str(old))
            if warnings is not None:
                warnings.extend(found)
        written = time.perf_counter()
    return text, parsed - start, matched - parsed, written - matched, time.process_time() - cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def gnu_merge(old: Path, template: Path) -> tuple[str, float, float]:
    """msgmerge --previous (timed: wall and CPU seconds), then msgcat (as the pipeline writes;
    not timed)."""
    cpu = _children_cpu()
    start = time.perf_counter()
    out = subprocess.run(["msgmerge", "--quiet", "--previous", "-o", "-", str(old), str(template)],
                         capture_output=True, text=True, check=True, env=ENV).stdout
    took = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    out = subprocess.run(["msgcat", "--force-po", "-o", "-", "-"], input=out, capture_output=True, text=True,
                         check=True, env=ENV).stdout
    return out, took, cpu


def _table(text: str) -> dict:
    po = polib.pofile(text, wrapwidth=0)
    return {(e.obsolete, e.msgctxt, e.msgid): (tuple(e.flags), e.previous_msgctxt, e.previous_msgid,
                                               e.previous_msgid_plural, e.msgstr,
                                               tuple(sorted(e.msgstr_plural.items())), e.tcomment)
            for e in po}


def agreement(ours: str, reference: str) -> tuple[float, int, int, float]:
    """Share of live entries on which both merges agree (fuzzy or not, matched source,
    translation); the fuzzy counts of each; the share of agreement among the entries that
    either merge marked fuzzy.  (The older, coarser measure; tests/test_merge.py uses it.)"""
    def table(text):
        po = polib.pofile(text)
        return {(e.msgctxt, e.msgid): ("fuzzy" in e.flags, e.previous_msgid, e.msgstr) for e in po if not e.obsolete}

    a, b = table(ours), table(reference)
    same = sum(a.get(key) == value for key, value in b.items())
    fuzzy = [key for key in b if b[key][0] or (a.get(key) or (False,))[0]]
    fuzzy_same = sum(a.get(key) == b[key] for key in fuzzy)
    return (same / len(b), sum(v[0] for v in a.values()), sum(v[0] for v in b.values()),
            fuzzy_same / len(fuzzy) if fuzzy else 1.0)


def entry_agreement(ours: str, reference: str) -> tuple[int, int, int, int]:
    """(entries of GNU's output, those the pipeline gives the same, entries either side marks
    fuzzy, those the same)."""
    a, b = _table(ours), _table(reference)
    keys = set(a) | set(b)
    same = sum(a.get(k) == b.get(k) for k in keys)
    fuzzy = [k for k in keys if "fuzzy" in (a.get(k) or ((),))[0] or "fuzzy" in (b.get(k) or ((),))[0]]
    return len(keys), same, len(fuzzy), sum(a.get(k) == b.get(k) for k in fuzzy)


class Row:
    def __init__(self, name: str):
        self.name = name
        self.catalogs = self.identical = self.entries = self.same = self.fuzzy = self.fuzzy_same = 0
        self.gnu = self.ours = self.parse = self.match = self.write = self.gnu_cpu = self.ours_cpu = 0.0
        self.failed: list[str] = []  # the catalogs the pipeline could not merge, and why
        self.warned = self.warnings = 0  # catalogs merged with form-count warnings, and the warnings

    def add(self, ours: str, ref: str, gnu: float, split: tuple[float, float, float], entries: int,
            cpu: tuple[float, float] = (0.0, 0.0)) -> None:
        self.gnu_cpu += cpu[0]
        self.ours_cpu += cpu[1]
        self.catalogs += 1
        self.identical += ours == ref
        n, same, fuzzy, fuzzy_same = entry_agreement(ours, ref)
        self.entries += entries
        self.same += same
        self.fuzzy += fuzzy
        self.fuzzy_same += fuzzy_same
        self.compared = getattr(self, "compared", 0) + n
        self.gnu += gnu
        self.parse, self.match, self.write = (self.parse + split[0], self.match + split[1], self.write + split[2])
        self.ours += sum(split)

    def line(self) -> str:
        ratio = self.ours / self.gnu if self.gnu else float("nan")
        compared = getattr(self, "compared", 0) or 1
        return (f"| {self.name} | {self.catalogs} | {self.entries:,} | {self.gnu:.2f} s | {self.ours:.2f} s | "
                f"{ratio:.2f}x | {self.identical / max(self.catalogs, 1):.1%} | {self.same / compared:.2%} | "
                f"{self.fuzzy_same / max(self.fuzzy, 1):.2%} ({self.fuzzy:,}) | "
                f"{self.parse:.2f} / {self.match:.2f} / {self.write:.2f} s | "
                f"{self.gnu_cpu:.2f} / {self.ours_cpu:.2f} s ({self.ours_cpu / self.gnu_cpu if self.gnu_cpu else 0:.2f}x) |")


HEAD = ("| corpus | catalogs | entries | msgmerge | pipeline | ratio | byte-identical | entry agreement | "
        "on fuzzy entries (count) | pipeline parse / match / write | CPU time msgmerge / pipeline |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|")


def real() -> list[Row]:
    rows: dict[str, Row] = {}
    total = Row("all")
    tried = 0
    for project, lang, old, template in cases():
        tried += 1
        row = rows.setdefault(project.label, Row(project.label))
        warnings: list[str] = []
        try:
            ours, *split, ours_cpu = pipeline_merge(old, template, warnings)
        except CatalogError as exc:  # counted as a failure: every catalog is meant to merge
            reason = str(exc).split("error: ", 1)[-1]
            row.failed.append(f"{lang}: {reason}")
            total.failed.append(f"{project.label} {lang}: {reason}")
            continue
        for counted in (row, total):
            counted.warned += bool(warnings)
            counted.warnings += len(warnings)
        ref, gnu, gnu_cpu = gnu_merge(old, template)
        entries = sum(1 for line in ours.splitlines() if line.startswith(("msgid ", "#~ msgid ")))
        row.add(ours, ref, gnu, tuple(split), entries, (gnu_cpu, ours_cpu))
        total.add(ours, ref, gnu, tuple(split), entries, (gnu_cpu, ours_cpu))
    print("Real corpus (pipeline and msgmerge side by side, same run):")
    print(HEAD)
    for row in [*rows.values(), total]:
        print(row.line())
    for row in rows.values():
        if row.warned:
            print(f"  {row.name}: {row.warned} catalog(s) merged with {row.warnings} warning(s): plural entries "
                  "whose number of forms is not the header's nplurals (kept as msgmerge keeps them)")
        for failure in row.failed:
            print(f"  {row.name}: NOT MERGED ({failure})")
    ratio = total.ours / total.gnu
    merged = total.catalogs
    print(f"real corpus: {merged} of {tried} catalogs merged (target: all) {'met' if merged == tried else 'NOT MET'}; "
          f"byte-identical {total.identical} of {tried} ({total.identical / tried:.1%}, target >= 99%); "
          f"pipeline / msgmerge = {ratio:.2f}x (target <= 0.5x, aim 0.3x) "
          f"{'met' if ratio <= 0.5 else 'NOT MET'}; CPU time {total.ours_cpu / total.gnu_cpu:.2f}x; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return [*rows.values(), total]


def synthetic(sizes: list[int], full: bool) -> None:
    print("\nSynthetic corpus:")
    print(HEAD)
    with tempfile.TemporaryDirectory() as tmp:
        for short in (False, True):
            for n in sizes:
                name = f"{'labels (1-4 words)' if short else 'sentences (6-22 words)'} {n:,}"
                old_text, template_text = make_corpus(n, short=short)
                old, template = Path(tmp) / f"es-{n}.po", Path(tmp) / f"t-{n}.pot"
                old.write_text(old_text, encoding="utf-8")
                template.write_text(template_text, encoding="utf-8")
                ours, *split, ours_cpu = pipeline_merge(old, template)
                row = Row(name)
                if n <= MSGMERGE_LIMIT or full:
                    ref, gnu, gnu_cpu = gnu_merge(old, template)
                    row.add(ours, ref, gnu, tuple(split), n, (gnu_cpu, ours_cpu))
                    print(row.line())
                    if n == 10_000 and not short:
                        ratio = row.ours / row.gnu
                        print(f"  at 10,000 sentences: pipeline / msgmerge = {ratio:.3f}x (target <= 0.05x) "
                              f"{'met' if ratio <= 0.05 else 'NOT MET'}")
                else:
                    print(f"| {name} | 1 | {n:,} | (not run) | {sum(split):.2f} s | | | | | "
                          f"{split[0]:.2f} / {split[1]:.2f} / {split[2]:.2f} s | - / {ours_cpu:.2f} s |")
                    if n == 50_000:
                        print(f"  50,000 entries in {sum(split):.1f} s (target: within a minute) "
                              f"{'met' if sum(split) <= 60 else 'NOT MET'}")


def _project(root: Path, template: Path, catalogs: dict[str, Path]) -> list[str]:
    """A handouts project in ``root`` whose template is ``template`` and whose catalogs are
    copies of ``catalogs`` (language -> file); return its languages."""
    (root / "locales").mkdir(parents=True)
    shutil.copy(template, root / "locales" / "handouts.pot")
    for language, path in catalogs.items():
        folder = root / "locales" / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        shutil.copy(path, folder / "handouts.po")
    table = "".join(f'{language} = "draft"\n' for language in catalogs)
    (root / "pyproject.toml").write_text('[project]\nname = "bench"\nversion = "0"\n\n[tool.handouts]\n'
                                         f'domain = "handouts"\nsource_language = "en"\n\n'
                                         f"[tool.handouts.languages]\n{table}", encoding="utf-8")
    return sorted(catalogs)


def all_catalogs() -> None:
    """Every catalog of a project updated to one template: msgmerge --update one catalog after
    another (as a Makefile loop does it) against ``handouts update`` (template read once,
    catalogs merged in a pool of processes, one per core) -- and ``handouts update --jobs 1``."""
    import contextlib
    import io

    from pipeline.catalog import canonical_text as msgcat
    from pipeline.cli import run
    from pipeline.config import language_info

    print("\nUpdate every catalog of a project to one template (same run; CPU seconds in brackets):")
    print("| project | catalogs | entries | msgmerge --update, one after another | `handouts update --jobs 1` | "
          f"`handouts update` ({os.cpu_count()} processes) | ratio | byte-identical |\n|---|---|---|---|---|---|---|---|")
    by_project: dict[str, dict[str, Path]] = {}
    templates: dict[str, dict[str, Path]] = {}
    for project, lang, old, template in cases():
        by_project.setdefault(project.label, {})[lang] = old
        templates.setdefault(project.label, {})[lang] = template
    for label, catalogs in by_project.items():
        # one template for all: the project's own where it ships one (then all are the same file),
        # else the one derived from the largest newer catalog
        template = max(templates[label].values(), key=lambda p: p.stat().st_size)
        usable = {}
        for lang, old in catalogs.items():
            try:
                language_info(lang)
            except Exception:  # noqa: BLE001, S112 (a code the pipeline does not know)
                continue
            usable[lang] = old
        with tempfile.TemporaryDirectory() as tmp:
            gnu_root, ours_root, serial_root = Path(tmp) / "gnu", Path(tmp) / "ours", Path(tmp) / "serial"
            languages = _project(gnu_root, template, usable)
            _project(ours_root, template, usable)
            _project(serial_root, template, usable)
            start, cpu = time.perf_counter(), _children_cpu()
            for language in languages:
                subprocess.run(["msgmerge", "--quiet", "--update", "--previous", "--backup=none",
                                str(gnu_root / "locales" / language / "LC_MESSAGES" / "handouts.po"),
                                str(gnu_root / "locales" / "handouts.pot")], check=True, env=ENV)
            gnu, gnu_cpu = time.perf_counter() - start, _children_cpu() - cpu
            said = io.StringIO()  # what update prints (a line per catalog, its warnings)
            start, cpu = time.perf_counter(), time.process_time()
            with contextlib.redirect_stderr(said):
                assert run(["--root", str(serial_root), "update", "--jobs", "1"]) == 0, said.getvalue()
            serial, serial_cpu = time.perf_counter() - start, time.process_time() - cpu
            warned = said.getvalue().count(": warning: ")
            start, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
            with contextlib.redirect_stderr(io.StringIO()):
                assert run(["--root", str(ours_root), "update"]) == 0
            ours = time.perf_counter() - start
            ours_cpu = time.process_time() - cpu + _children_cpu() - children  # the pool's workers too
            identical = entries = 0
            for language in languages:
                path = Path("locales") / language / "LC_MESSAGES" / "handouts.po"
                text = (ours_root / path).read_text(encoding="utf-8")
                identical += text == msgcat((gnu_root / path).read_text(encoding="utf-8"), str(path)) \
                    == (serial_root / path).read_text(encoding="utf-8")
                entries += sum(1 for line in text.splitlines() if line.startswith(("msgid ", "#~ msgid ")))
        print(f"| {label} | {len(languages)} | {entries:,} | {gnu:.2f} s ({gnu_cpu:.2f}) | {serial:.2f} s "
              f"({serial_cpu:.2f}) {serial / gnu:.2f}x | {ours:.2f} s ({ours_cpu:.2f}) | {ours / gnu:.2f}x | "
              f"{identical / len(languages):.1%}{f' ({warned} form-count warnings)' if warned else ''} |")
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main(argv: list[str]) -> int:
    full = "--full" in argv
    sizes = [int(a) for a in argv if a.isdigit()] or [1_000, 10_000, 50_000]
    only = [a for a in argv if a.endswith("-only")]
    if not only or "--real-only" in only:
        real()
    if not only or "--all-catalogs-only" in only:
        all_catalogs()
    if not only or "--synthetic-only" in only:
        synthetic(sizes, full)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
