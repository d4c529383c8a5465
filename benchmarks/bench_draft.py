"""Drafting speed, measured side by side in one run (not a timed test: machines are noisy).

N segments are drafted with the tiny test model three ways:

  floor      one raw CTranslate2 translate_batch over the same pre-tokenized segments
  pipeline   draft_catalog on a catalog of N untranslated entries (protection, sentence
             splitting, tokenizing, batching, checks, writing the entries)
  per-entry  the same translator called once per entry

Targets (issue 4): pipeline within 1.25x of the floor; at least 3x faster than per-entry.
Usage: python benchmarks/bench_draft.py [N]   (make bench)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.checks import Glossary  # noqa: E402
from pipeline.draft import BATCH, BEAM_SIZE, ArgosTranslator, draft_catalog  # noqa: E402
from pipeline.models import install_package, installed_packages  # noqa: E402
from tests.tiny_argos import build_tiny_package  # noqa: E402

WORDS = "patients clinic care team questions answers treatment research safety options".split()


def segments(n: int, corpus: list[str]) -> list[str]:
    base = [s.strip() for line in corpus for s in line.split(". ") if len(s.split()) >= 4 and not any(c.isdigit() for c in s)]
    out = []
    for i in range(n):  # distinct sentences: a base sentence, then two words chosen by i
        a, b = WORDS[i % len(WORDS)], WORDS[(i // len(WORDS)) % len(WORDS)]
        c = WORDS[(i // len(WORDS) ** 2) % len(WORDS)]
        out.append(f"{base[i % len(base)].rstrip('.')} with {a}, {b} and {c}.")
    return out


def timed(func):
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    return elapsed, result


def main(n: int = 2000) -> int:
    corpus = [l for l in (ROOT / "source" / "documents" / "exosomes.md").read_text(encoding="utf-8").splitlines()
              if l.strip() and not l.startswith(("#", "-", "{", "---"))]
    with tempfile.TemporaryDirectory() as tmp:
        archive = build_tiny_package(Path(tmp), corpus, "en", "es")
        install_package(archive, Path(tmp) / "packages")
        (package,) = installed_packages(Path(tmp) / "packages")
        translator = ArgosTranslator(package)
        texts = segments(n, corpus)
        tokens = [translator.tokenizer.encode(t) for t in texts]
        longest = max(len(t) for t in tokens)
        glossary = Glossary()  # no terms: every segment goes to the model whole

        floor, _ = timed(lambda: translator.model.translate_batch(
            tokens, beam_size=BEAM_SIZE, max_batch_size=BATCH, max_decoding_length=min(512, 2 * longest + 16)))
        po = polib.POFile()
        po.extend(polib.POEntry(msgid=t, msgstr="") for t in texts)
        pipeline, report = timed(lambda: draft_catalog(po, "es", translator, glossary))
        per_entry, _ = timed(lambda: [translator.translate([t]) for t in texts])

    print(f"drafting {len(texts)} segments with the tiny test model ({len(report.drafted)} drafted, {len(report.broken)} refused)")
    print(f"{'floor: raw CTranslate2 translate_batch':<44}{floor:8.2f} s")
    print(f"{'pipeline: draft_catalog':<44}{pipeline:8.2f} s")
    print(f"{'per-entry: one call per entry':<44}{per_entry:8.2f} s")
    ratio_floor, speedup = pipeline / floor, per_entry / pipeline
    print(f"pipeline / floor      = {ratio_floor:5.2f}x   (target <= 1.25x) {'met' if ratio_floor <= 1.25 else 'NOT MET'}")
    print(f"per-entry / pipeline  = {speedup:5.2f}x   (target >= 3x)    {'met' if speedup >= 3 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
