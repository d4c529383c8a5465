"""A synthetic catalog corpus for the merge benchmark (and the merge quality test).

``make_corpus(n, seed)`` gives the text of an n-entry Spanish catalog and of a new template in
which about 10% of the source sentences were lightly edited (a word changed, added or dropped),
5% removed and 5% added -- the shape of a month's edits to a handout library.
"""

from __future__ import annotations

import random

WORDS = (
    "the patient should keep dressing dry clean wound area for two three days after procedure call "
    "clinic if pain swelling redness fever gets worse take tablets with food water rest knee shoulder "
    "hip joint injection stem cells exosomes therapy research safety risks may include soreness "
    "allergic reaction immune response outcomes are not guaranteed providers must follow guidance "
    "appointment morning evening weeks months physical therapy exercise gentle walking avoid heavy "
    "lifting driving bathing showering ice heat compression elevation medicine dose doctor nurse team"
).split()
SPANISH = (
    "el la los las paciente debe mantener vendaje seco limpio herida zona durante dos tres días después "
    "del procedimiento llame clínica si dolor hinchazón enrojecimiento fiebre empeora tome tabletas con "
    "comida agua descanso rodilla hombro cadera articulación inyección células madre exosomas terapia"
).split()
HEADER = """msgid ""
msgstr ""
"Project-Id-Version: bench 1\\n"
"POT-Creation-Date: {date}\\n"
"PO-Revision-Date: 2026-01-01 00:00+0000\\n"
"Language: es\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"""


def _quote(text: str) -> str:
    return '"' + text.replace("\\\\", "\\\\\\\\").replace('"', '\\\\"') + '"'


def _sentence(rng: random.Random, words=WORDS, short: bool = False) -> str:
    if short:  # a UI label: 1-4 words, no full stop
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 4))).capitalize()
    return " ".join(rng.choice(words) for _ in range(rng.randint(6, 22))).capitalize() + "."


def _edit(rng: random.Random, sentence: str) -> str:
    short = not sentence.endswith(".")
    words = sentence.rstrip(".").split()
    op = rng.choice(["change", "add", "drop"])
    at = rng.randrange(len(words))
    if op == "change":
        words[at] = rng.choice(WORDS)
    elif op == "add":
        words.insert(at, rng.choice(WORDS))
    elif len(words) > (1 if short else 3):
        del words[at]
    return " ".join(words).capitalize() + ("" if short else ".")


def make_corpus(n: int, seed: int = 0, short: bool = False) -> tuple[str, str]:
    """(old catalog text, new template text); ``short``: UI labels of 1-4 words instead of
    sentences of 6-22."""
    rng = random.Random(seed)
    sources: list[str] = []
    seen: set[str] = set()
    while len(sources) < n:
        s = _sentence(rng, short=short)
        if s not in seen:
            seen.add(s)
            sources.append(s)
    catalog = [HEADER.format(date="2026-01-01 00:00+0000")]
    for i, source in enumerate(sources):
        catalog.append(f"\n#: doc{i // 50}.md:{i % 50 + 1}\nmsgid {_quote(source)}\nmsgstr {_quote(_sentence(rng, SPANISH))}\n")
    template = [HEADER.format(date="2026-02-01 00:00+0000").replace('"Language: es\\n"\n', "")]
    kept = 0
    for i, source in enumerate(sources):
        roll = rng.random()
        if roll < 0.05:
            continue  # removed
        if roll < 0.15:
            source = _edit(rng, source)
            if source in seen:
                continue
            seen.add(source)
        template.append(f"\n#: doc{i // 50}.md:{i % 50 + 1}\nmsgid {_quote(source)}\nmsgstr \"\"\n")
        kept += 1
        if rng.random() < 0.05:  # added
            new = _sentence(rng, short=short)
            if new not in seen:
                seen.add(new)
                template.append(f"\n#: doc{i // 50}.md:{i % 50 + 1}\nmsgid {_quote(new)}\nmsgstr \"\"\n")
    return "".join(catalog), "".join(template)
