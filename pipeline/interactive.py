"""``handouts review LANG``: walk the pending entries of one language in the terminal.

Reads single-letter answers from standard input, so it works in any terminal and can be driven
by a script.  Each entry is shown as the command line's ``approve`` shows it (the source's
changes as a word diff, the translation, its origin, the check findings); approving an entry
with check errors takes a typed "yes" (:func:`pipeline.review.approval_confirmation`).  Every
action is written to the catalog at once (atomically), so quitting -- or an interrupted session
-- loses nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import sys
import tempfile

from .catalog import Conflict, LanguageCatalog
from .checks import Glossary
from .config import Project
from .model import (
    PENDING,
    approve,
    check_reviewer,
    entry_documents,
    entry_section,
    entry_state,
    is_required,
    live_entries,
    plural_examples,
    send_back,
    set_text,
    translation_forms,
    view_digest,
)
from .review import approval_confirmation, entry_summary

KEYS = "[a]pprove  [e]dit  [f]uzzy  [s]kip  [q]uit"


def _ask(prompt: str) -> str:
    print(prompt, end="", flush=True)
    line = sys.stdin.readline()
    if not line:  # end of input: treat as quit
        return "q"
    return line.strip()


def edit_text(text: str, source: str, label: str = "translation") -> str | None:
    """Edit one translation form with $VISUAL/$EDITOR, or inline when neither is set."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        answer = _ask(f"New {label} (empty line keeps it): ")
        return answer or None
    with tempfile.NamedTemporaryFile("w+", suffix=".txt", encoding="utf-8", delete=False) as fh:
        fh.write(text + f"\n\n# {label}; source (lines starting with # are ignored):\n# " + source + "\n")
        name = fh.name
    try:
        subprocess.run([*shlex.split(editor), name], check=False)
        with open(name, encoding="utf-8") as fh:
            edited = " ".join(l.strip() for l in fh if l.strip() and not l.startswith("#"))
    finally:
        os.unlink(name)
    return edited if edited and edited != text else None


def edit_forms(entry, plural_forms: str | None) -> list[str] | None:
    """Edit every translation form of the entry (one, or one per plural form, each labelled
    with the numbers it is used for); ``None`` when nothing changed."""
    texts = translation_forms(entry)
    if not entry.msgid_plural:
        new = edit_text(texts[0], entry.msgid)
        return None if new is None else [new]
    examples = plural_examples(plural_forms, len(texts))
    edited = [edit_text(text, entry.msgid if k == 0 else entry.msgid_plural,
                        f"form [{k}] (used for {examples[k]})") or text
              for k, text in enumerate(texts)]
    return None if edited == texts else edited


def review_session(project: Project, language: str, reviewer: str, *, documents=(), required_only=False) -> int:
    check_reviewer(reviewer)  # refuse a name that would break the record before anything is shown
    catalog = LanguageCatalog(project, language)
    shown = catalog.shown
    glossary = Glossary.load(project.glossary_path)
    folder = project.relative(project.documents)
    po = catalog.load()
    plural_forms = po.metadata.get("Plural-Forms")

    def act(entry, change):
        """``change`` applied to the entry as it is on disk, if it is still what was shown."""
        return catalog.modify_entry((entry.msgctxt, entry.msgid), view_digest(entry),
                                    lambda fresh: (change(fresh), fresh)[1])

    pending = [
        e for e in live_entries(po)
        if entry_state(e) in PENDING
        and (not documents or set(entry_documents(e, folder)) & set(documents))
        and (not required_only or is_required(e))
    ]
    pending.sort(key=lambda e: not is_required(e))  # required first, catalog order otherwise
    if not pending:
        print(f"{shown}: nothing to review")
        return 0
    approved = 0
    for index, entry in enumerate(pending, start=1):
        while True:
            state = entry_state(entry)
            section = entry_section(entry)
            print()
            print(f"[{index}/{len(pending)}] {shown}:{entry.linenum}  {', '.join(entry_documents(entry, folder))}"
                  + (f" > {section}" if section else "") + ("  REQUIRED" if is_required(entry) else ""))
            print(f"  state:       {state}")
            confirmation = approval_confirmation(entry, language, glossary)
            for label, text in entry_summary(entry, confirmation):
                print(f"  {label + ':':<13}{text}")
            answer = _ask(f"{KEYS} > ").lower()[:1]
            try:
                if answer == "a" and confirmation.errors and _ask(
                        "  this entry has check errors (shown above); type 'yes' to approve it anyway: "
                ).strip().lower() != "yes":
                    print("  not approved")
                    continue
                if answer == "a":
                    entry = act(entry, lambda e: approve(e, reviewer, dt.datetime.now(dt.timezone.utc)))
                    approved += 1
                    print(f"  approved by {reviewer}")
                    break
                if answer == "e":
                    new = edit_forms(entry, plural_forms)
                    if new is not None:
                        entry = act(entry, lambda e: set_text(e, new))
                        print("  saved; approve it when it reads right")
                    continue
                if answer == "f":
                    entry = act(entry, send_back)
                    print("  marked fuzzy: back to the translator")
                    break
            except Conflict as changed:
                if changed.fresh is None:
                    print("  this entry is no longer in the catalog (someone ran update?); skipping")
                    break
                entry = changed.fresh
                print("  the catalog changed on disk since this entry was shown; nothing was written. Current version:")
                continue
            if answer == "s":
                break
            if answer == "q":
                print(f"{shown}: {approved} approved; stopped at {index} of {len(pending)}")
                return 0
            print(f"  unknown key {answer!r}: {KEYS}")
    print(f"{shown}: {approved} approved; {len(pending)} reviewed")
    return 0
