"""``handouts status``: entries by state, per language and document, required entries first."""

from __future__ import annotations

import json

from .catalog import load_po
from .config import Project
from .extract import is_required
from .review import STATES, count_states, entry_documents, entry_state, live_entries


def project_status(project: Project, languages: list[str] | None = None) -> dict:
    folder = project.relative(project.documents)
    result = []
    for language in languages or project.languages():
        path = project.catalog_path(language)
        shown = project.relative(path)
        entries = live_entries(load_po(path, shown))
        by_document: dict[str, list] = {}
        for entry in entries:
            for slug in entry_documents(entry, folder):
                by_document.setdefault(slug, []).append(entry)
        documents = []
        for slug, items in sorted(by_document.items()):
            required = [e for e in items if is_required(e)]
            documents.append(
                {
                    "document": slug,
                    "required": count_states(required),
                    "all": count_states(items),
                    "required_pending": [
                        {"line": e.linenum, "state": entry_state(e), "msgid": e.msgid}
                        for e in required
                        if entry_state(e) != "approved"
                    ],
                }
            )
        result.append({"language": language, "status": project.status(language), "catalog": shown, "documents": documents})
    return {"states": list(STATES), "languages": result}


def format_status_json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def format_status_text(data: dict) -> str:
    labels = {"untranslated": "untransl.", "draft": "draft", "fuzzy": "fuzzy", "review": "review", "approved": "approved", "stale": "stale"}
    header = f"  {'document':<24}{'entries':>8}" + "".join(f"{labels[s]:>11}" for s in data["states"])
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
                lines.append(f"  {name:<24}{total:>8}" + "".join(f"{counts[s]:>11}" for s in data["states"]))
            for item in doc["required_pending"]:
                lines.append(f"    {lang['catalog']}:{item['line']}: required, {item['state']}: {item['msgid'][:60]!r}")
        lines.append("")
    return "\n".join(lines)
