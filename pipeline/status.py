"""``handouts status``: entries by state, per language and document, required entries first.

The counts come from the release decision (:mod:`pipeline.release`), so each document's line
also says what a build would do with it: release it, hold it back, or preview it.

Then the English source's readability (:mod:`pipeline.readability`), a line per document: its
Flesch-Kincaid grade, words per sentence, share of long words, long sentences, and how many of
its blocks judged on their own read above the grade ``[tool.handouts.readability]`` sets.
"""

from __future__ import annotations

import json

from .checks import Glossary
from .config import Project
from .model import STATES, State, tally
from .readability import FORMULA, readability_report
from .release import judge_languages, judge_pair, read_documents


def project_status(project: Project, languages: list[str] | None = None) -> dict:
    selected = languages or project.languages()
    judged = judge_languages(project, selected, Glossary.load(project.glossary_path), jobs=1)
    documents = {d.slug: d for d in read_documents(project)}
    result = []
    for language in selected:
        lang = judged[language]
        by_document: dict[str, list] = {}
        for verdict in lang.verdicts:
            for slug in verdict.documents:
                by_document.setdefault(slug, []).append(verdict)
        rows = []
        for slug, items in sorted(by_document.items()):
            required = [v for v in items if v.required]
            rows.append(
                {
                    "document": slug,
                    "build": judge_pair(documents[slug], lang).kind if slug in documents else None,
                    "required": tally(v.state for v in required),
                    "all": tally(v.state for v in items),
                    "required_pending": [
                        {"line": v.line, "state": v.state, "reason": v.reason, "msgid": v.msgid}
                        for v in required
                        if not v.publishable
                    ],
                }
            )
        result.append({"language": language, "status": lang.status, "catalog": lang.path, "documents": rows})
    readability = readability_report(project, list(documents.values()))
    return {"states": list(STATES), "languages": result,
            "readability": readability.as_dict() if readability is not None else None}


def format_status_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


BUILD_WORDS = {"release": "released", "held": "HELD BACK", "preview": "preview only", None: ""}


def format_status_text(data: dict) -> str:
    labels = {**{s: str(s) for s in STATES}, State.UNTRANSLATED: "untransl."}
    names = [d["document"] + " (required)" for lang in data["languages"] for d in lang["documents"]]
    width = max([24, *(len(n) + 2 for n in names)])  # long document names keep the columns aligned
    header = f"  {'document':<{width}}{'entries':>8}" + "".join(f"{labels[s]:>11}" for s in data["states"]) + "  build"
    legend = (f"  {'':<{width}}(a '(required)' row counts a document's required entries; the row below it "
              "counts all its entries, the required ones included)")
    lines = []
    for lang in data["languages"]:
        lines.append(f"{lang['language']} ({lang['status']})  {lang['catalog']}")
        lines.append(header)
        if any(sum(doc["required"].values()) for doc in lang["documents"]):
            lines.append(legend)
        for doc in lang["documents"]:
            for scope in ("required", "all"):
                counts = doc[scope]
                total = sum(counts.values())
                if scope == "required" and not total:
                    continue
                name = f"{doc['document']} ({scope})" if scope == "required" else doc["document"]
                build = BUILD_WORDS[doc["build"]] if scope == "all" else ""
                lines.append(f"  {name:<{width}}{total:>8}" + "".join(f"{counts[s]:>11}" for s in data["states"])
                             + (f"  {build}" if build else ""))
            for item in doc["required_pending"]:
                why = item["state"] if item["state"] != State.APPROVED else item["reason"]
                lines.append(f"    {lang['catalog']}:{item['line']}: required, {why}: {item['msgid'][:60]!r}")
        lines.append("")
    if data.get("readability"):
        lines.extend(format_readability_text(data["readability"]))
    return "\n".join(lines)


def format_readability_text(readability: dict) -> list[str]:
    """The source documents' readability, a line per document (after the languages)."""
    top = readability["max_grade"]
    lines = [
        (f"{readability['language']} (source): readability of the documents, {FORMULA} grade "
         f"(a warning above {top:g})"),
        (f"  {'document':<24}{'grade':>7}{'words/sentence':>16}{'long words':>12}{'long sentences':>16}"
         f"{'blocks above ' + format(top, 'g'):>18}"),
    ]
    for doc in readability["documents"]:
        lines.append(f"  {doc['document']:<24}{doc['grade']:>7.1f}{doc['words_per_sentence']:>16.1f}"
                     f"{doc['long_word_share']:>12.0%}{len(doc['long_sentences']):>16}"
                     f"{str(doc['blocks_above']) + ' of ' + str(doc['blocks_judged']):>18}"
                     + (f"  warning: above grade {top:g}" if doc["above"] else ""))
    if not readability["documents"]:
        lines.append("  (no documents)")
    lines.append(f"  long words: {readability['long_word_syllables']}+ syllables; long sentences: more than "
                 f"{readability['long_sentence']} words; blocks judged on their own: those of "
                 f"{readability['min_words']}+ words ('handouts check' lists those above)")
    lines.append("")
    return lines
