"""``handouts status``: entries by state, per language and document, required entries first.

The counts come from the release decision (:mod:`pipeline.release`), so each document's line
also says what a build would do with it: release it, hold it back, or preview it.
"""

from __future__ import annotations

import json

from .checks import Glossary
from .config import Project
from .release import judge_languages, judge_pair, read_documents
from .model import STATES, State, tally


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
    return {"states": list(STATES), "languages": result}


def format_status_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


BUILD_WORDS = {"release": "released", "held": "HELD BACK", "preview": "preview only", None: ""}


def format_status_text(data: dict) -> str:
    labels = {**{s: str(s) for s in STATES}, State.UNTRANSLATED: "untransl."}
    header = f"  {'document':<24}{'entries':>8}" + "".join(f"{labels[s]:>11}" for s in data["states"]) + "  build"
    lines = []
    for lang in data["languages"]:
        lines.append(f"{lang['language']} ({lang['status']})  {lang['catalog']}")
        lines.append(header)
        for doc in lang["documents"]:
            for scope in ("required", "all"):
                counts = doc[scope]
                total = sum(counts.values())
                if scope == "required" and not total:
                    continue
                name = f"{doc['document']} ({scope})" if scope == "required" else doc["document"]
                build = BUILD_WORDS[doc["build"]] if scope == "all" else ""
                lines.append(f"  {name:<24}{total:>8}" + "".join(f"{counts[s]:>11}" for s in data["states"])
                             + (f"  {build}" if build else ""))
            for item in doc["required_pending"]:
                why = item["state"] if item["state"] != State.APPROVED else item["reason"]
                lines.append(f"    {lang['catalog']}:{item['line']}: required, {why}: {item['msgid'][:60]!r}")
        lines.append("")
    return "\n".join(lines)
