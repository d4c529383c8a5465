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

from .catalog import load_po, modify_catalog
from .checks import Glossary
from .config import Project
from .extract import is_required
from .review import (
    approval_confirmation,
    approve,
    check_reviewer,
    entry_documents,
    entry_section,
    entry_state,
    entry_summary,
    live_entries,
    unapprove,
)

PENDING = ("draft", "fuzzy", "review", "stale")


def _send_back(entry) -> None:
    unapprove(entry)
    if "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
KEYS = "[a]pprove  [e]dit  [f]uzzy  [s]kip  [q]uit"


def _ask(prompt: str) -> str:
    print(prompt, end="", flush=True)
    line = sys.stdin.readline()
    if not line:  # end of input: treat as quit
        return "q"
    return line.strip()


def edit_text(text: str, source: str) -> str | None:
    """Edit a translation with $VISUAL/$EDITOR, or inline when neither is set."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        answer = _ask("New translation (empty line keeps it): ")
        return answer or None
    with tempfile.NamedTemporaryFile("w+", suffix=".txt", encoding="utf-8", delete=False) as fh:
        fh.write(text + "\n\n# Source (lines starting with # are ignored):\n# " + source + "\n")
        name = fh.name
    try:
        subprocess.run([*shlex.split(editor), name], check=False)
        with open(name, encoding="utf-8") as fh:
            edited = " ".join(l.strip() for l in fh if l.strip() and not l.startswith("#"))
    finally:
        os.unlink(name)
    return edited if edited and edited != text else None


class ChangedOnDisk(Exception):
    """The entry changed in the file since it was shown (a translator saved, another reviewer)."""


def _snapshot(entry) -> tuple:
    return (entry.msgstr, tuple(entry.flags), entry.tcomment, entry.msgid)


def _act(path, shown: str, entry, action) -> object:
    """Apply ``action`` to the entry as it now is in the file, if it is still what was shown.

    Returns the fresh entry after the action.
    """
    seen = _snapshot(entry)

    def change(po):
        fresh = next((e for e in po if not e.obsolete and (e.msgctxt, e.msgid) == (entry.msgctxt, entry.msgid)), None)
        if fresh is None or _snapshot(fresh) != seen:
            raise ChangedOnDisk(fresh)
        action(fresh)
        return fresh

    return modify_catalog(path, shown, change)


def review_session(project: Project, language: str, reviewer: str, *, documents=(), required_only=False) -> int:
    check_reviewer(reviewer)  # refuse a name that would break the record before anything is shown
    path = project.catalog_path(language)
    shown = project.relative(path)
    glossary = Glossary.load(project.glossary_path)
    folder = project.relative(project.documents)
    po = load_po(path, shown)
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
                    entry = _act(path, shown, entry, lambda e: approve(e, reviewer, dt.datetime.now(dt.timezone.utc)))
                    approved += 1
                    print(f"  approved by {reviewer}")
                    break
                if answer == "e":
                    new = edit_text(entry.msgstr, entry.msgid)
                    if new is not None:
                        entry = _act(path, shown, entry, lambda e: setattr(e, "msgstr", new))
                        print("  saved; approve it when it reads right")
                    continue
                if answer == "f":
                    entry = _act(path, shown, entry, _send_back)
                    print("  marked fuzzy: back to the translator")
                    break
            except ChangedOnDisk as changed:
                if changed.args[0] is None:
                    print("  this entry is no longer in the catalog (someone ran update?); skipping")
                    break
                entry = changed.args[0]
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
