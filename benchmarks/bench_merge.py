"""Catalog update at library scale: the pipeline's merge against GNU msgmerge, side by side.

For each size, a synthetic Spanish catalog and a new template (10% of sources lightly edited,
5% removed, 5% added; benchmarks/corpus.py) are merged by

  msgmerge   GNU msgmerge --previous (fuzzy matching on), reading and writing files
  pipeline   handouts' update step (pipeline.update.merge_template): parse, indexed fuzzy merge,
             GNU-layout output

and the outputs are compared entry by entry (fuzzy or not, the old source it was matched to,
the translation): the agreement is printed.  msgmerge is all-pairs, so by default it runs up to
10,000 entries only; pass --full to run it at 50,000 too (about 20 minutes here).

Targets (issue 6): at 10,000 entries the pipeline takes at most 0.2x msgmerge's time; the
pipeline's time grows near-linearly from 1k to 50k; agreement >= 95%.
Usage: python benchmarks/bench_merge.py [--full] [sizes...]   (make bench)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import polib  # noqa: E402

from benchmarks.corpus import make_corpus  # noqa: E402
from pipeline.update import merge_template  # noqa: E402

MSGMERGE_LIMIT = 10_000


def agreement(ours: str, reference: str) -> tuple[float, int, int, float]:
    """Share of live entries on which both merges agree (fuzzy or not, matched source,
    translation); the fuzzy counts of each; and the share of agreement among the entries that
    either merge marked fuzzy."""
    def table(text):
        po = polib.pofile(text)
        return {(e.msgctxt, e.msgid): ("fuzzy" in e.flags, e.previous_msgid, e.msgstr) for e in po if not e.obsolete}

    a, b = table(ours), table(reference)
    same = sum(a.get(key) == value for key, value in b.items())
    fuzzy = [key for key in b if b[key][0] or (a.get(key) or (False,))[0]]
    fuzzy_same = sum(a.get(key) == b[key] for key in fuzzy)
    return (same / len(b), sum(v[0] for v in a.values()), sum(v[0] for v in b.values()),
            fuzzy_same / len(fuzzy) if fuzzy else 1.0)


def main(argv: list[str]) -> int:
    full = "--full" in argv
    sizes = [int(a) for a in argv if a.isdigit()] or [1_000, 10_000, 50_000]
    print(f"{'entries':>8} {'msgmerge':>10} {'pipeline':>10} {'ratio':>7} {'agreement':>10} {'fuzzy (ours/GNU)':>17} "
          f"{'on fuzzy':>9}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            old_text, template_text = make_corpus(n)
            old, template = Path(tmp) / f"es-{n}.po", Path(tmp) / f"t-{n}.pot"
            old.write_text(old_text, encoding="utf-8")
            template.write_text(template_text, encoding="utf-8")
            start = time.perf_counter()
            ours = merge_template(old, template, str(old))
            pipeline = time.perf_counter() - start
            gnu = reference = None
            if n <= MSGMERGE_LIMIT or full:
                start = time.perf_counter()
                reference = subprocess.run(["msgmerge", "--quiet", "--previous", "-o", "-", str(old), str(template)],
                                           capture_output=True, text=True, check=True).stdout
                gnu = time.perf_counter() - start
            if reference is not None:
                share, fuzzy_ours, fuzzy_gnu, on_fuzzy = agreement(ours, reference)
                print(f"{n:>8} {gnu:>9.2f}s {pipeline:>9.2f}s {pipeline / gnu:>6.3f}x {share:>9.1%} "
                      f"{fuzzy_ours:>8}/{fuzzy_gnu:<8} {on_fuzzy:>9.1%}")
            else:
                print(f"{n:>8} {'(skipped)':>10} {pipeline:>9.2f}s {'':>7} {'':>10}")
            rows.append((n, pipeline, gnu))
    base_n, base_t, _ = rows[0]
    for n, t, _ in rows[1:]:
        print(f"pipeline growth {base_n} -> {n} entries: {n / base_n:.0f}x the entries, {t / base_t:.1f}x the time")
    for n, t, g in rows:
        if n == 10_000 and g:
            print(f"at 10,000 entries: pipeline / msgmerge = {t / g:.3f}x (target <= 0.2x) {'met' if t / g <= 0.2 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
