"""Back-translation aid: each translation translated back to English with a reverse Argos
package (target -> English), shown beside the source with a chrF similarity score.

It is an aid for reviewers: it never approves and never blocks.  Back-translations are made in
one batch per language and cached by the digest of (source, translation), so unchanged entries
are not translated again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING
from pathlib import Path

from .catalog import write_if_changed
from .model import pair_digest
from .models import ModelError, PackageInfo, find_package

if TYPE_CHECKING:
    from .draft import ArgosTranslator

DEFAULT_THRESHOLD = 50.0  # chrF below this flags an entry for the reviewer's attention


@dataclass(frozen=True)
class BackTranslation:
    text: str
    chrf: float


def _key(source: str, translation: str) -> str:
    return pair_digest(source, translation)


def chrf(hypothesis: str, reference: str) -> float:
    from sacrebleu.metrics import CHRF

    return round(CHRF().sentence_score(hypothesis, [reference]).score, 1)


class BackTranslator:
    """Back-translations of one language, from the cache or the reverse package."""

    def __init__(self, packages_dir: Path, source_language: str, language: str, cache_dir: Path):
        self.language = language
        self.cache_path = cache_dir / f"backtranslations.{language}.json"
        self.package: PackageInfo | None
        try:
            self.package = find_package(packages_dir, language, source_language)
        except ModelError:
            self.package = None
        self._translator: ArgosTranslator | None = None
        try:
            self.cache: dict[str, dict] = json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            self.cache = {}

    @property
    def available(self) -> bool:
        return self.package is not None

    def cached(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], BackTranslation]:
        """The back-translations already made (the cache), translating nothing."""
        if self.package is None:
            return {}
        hits = {p: self.cache.get(_key(*p)) for p in pairs if p[1]}
        return {p: BackTranslation(**hit) for p, hit in hits.items() if hit is not None}

    def translate(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], BackTranslation]:
        """(source, translation) -> back-translation, for every pair with a translation."""
        pairs = [p for p in pairs if p[1]]
        if self.package is None or not pairs:
            return {}
        missing = [p for p in dict.fromkeys(pairs) if _key(*p) not in self.cache]
        if missing:
            if self._translator is None:
                from .draft import ArgosTranslator

                self._translator = ArgosTranslator(self.package)
            outputs = self._translator.translate([translation for _source, translation in missing])
            for (source, translation), back in zip(missing, outputs):
                self.cache[_key(source, translation)] = {"text": back, "chrf": chrf(back, source)}
            write_if_changed(self.cache_path, json.dumps(self.cache, ensure_ascii=False, sort_keys=True, indent=0))
        return {p: BackTranslation(**self.cache[_key(*p)]) for p in pairs}
