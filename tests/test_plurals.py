"""Plural entries carried end to end: merged as GNU msgmerge merges them, drafted, checked, edited
and rendered form by form."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipeline.catalog import canonical_text
from pipeline.update import merge_template

MERGE_CASES = Path(__file__).parent / "golden" / "merge-plurals"
CASES = sorted(p.name for p in MERGE_CASES.iterdir() if p.is_dir())


def msgmerge(old: Path, template: Path) -> str:
    """The real GNU ``msgmerge --previous``, written back by msgcat as the pipeline writes."""
    merged = subprocess.run(["msgmerge", "--quiet", "--previous", "-o", "-", str(old), str(template)],
                            capture_output=True, text=True, check=True).stdout
    return canonical_text(merged, "msgmerge")


# -- merge ----------------------------------------------------------------------------------------


def test_every_language_and_case_is_there():
    assert len(CASES) == 15, CASES
    assert {case.rsplit("-", 1)[1] for case in CASES} == {"es", "ru", "vi"}


@pytest.mark.parametrize("case", CASES)
def test_merge_matches_msgmerge_byte_for_byte(case):
    """A new plural entry; a plural entry fuzzy-matching a singular one; a singular that became
    plural and a plural that became singular (same msgid); a changed msgid_plural, a plural entry
    with an empty first form (no fuzzy candidate), a fuzzy entry without a previous source -- in
    languages with 2, 3 and 1 plural forms (tests/golden/merge-plurals/make.py writes them)."""
    folder = MERGE_CASES / case
    ours = merge_template(folder / "old.po", folder / "new.pot", "old.po")
    gnu = msgmerge(folder / "old.po", folder / "new.pot")
    assert ours == gnu
    assert ours.encode("utf-8") == (folder / "expected.po").read_bytes()


def test_a_new_plural_entry_gets_one_empty_form_per_plural_form():
    for language, count in (("es", 2), ("ru", 3), ("vi", 1)):
        folder = MERGE_CASES / f"new-plural-{language}"
        text = merge_template(folder / "old.po", folder / "new.pot", "old.po")
        assert [f'msgstr[{k}] ""' in text for k in range(count + 1)] == [True] * count + [False]
