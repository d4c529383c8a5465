"""Reading and writing catalogs.

The in-memory type is :class:`polib.POFile` throughout.  Its text is always written in GNU
gettext's own layout, produced by GNU ``msgcat`` itself: polib and Babel wrap lines and order
header fields their own way (a polib load-and-save of a ``msgmerge``-written catalog re-wraps
most long entries), so a file written by them would churn on every ``msgmerge`` or Poedit save.
Passing the text through ``msgcat`` makes every catalog a fixed point of the reference tools:
``msgcat FILE`` gives back the same bytes.

Files are written only when their content changed, atomically (temporary file in the same
folder, ``fsync``, rename), so Make, diffs and translators' editors stay quiet and a crash never
leaves half a catalog.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import polib
from filelock import FileLock, Timeout

from . import gnupo
from .errors import CatalogError, ToolError
from .files import read_text, write_if_changed
from .model import find_entry, plural_count, plural_forms_problem, view_digest

if TYPE_CHECKING:
    from .config import Project

_POLIB_LINE = re.compile(r"\(line (\d+)\)")
_GETTEXT_LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?:\d+:)? (?P<msg>.*)$", re.M)


def gettext_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ToolError(f"GNU gettext's {name} is not installed (Debian/Ubuntu: apt-get install gettext)")
    return path


def gettext_process(args: list[str], text: str | None) -> subprocess.CompletedProcess:
    """The one door to GNU gettext's tools: run one, feeding ``text`` on stdin, in the C locale
    (messages in English, as this module parses them)."""
    try:
        return subprocess.run(
            [gettext_tool(args[0]), *args[1:]],
            input=text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            env={**os.environ, "LC_ALL": "C.UTF-8", "LANGUAGE": ""},
        )
    except OSError as exc:
        raise ToolError(f"cannot run GNU gettext's {args[0]}: {exc.strerror or exc}") from None


def run_gettext(args: list[str], text: str | None, where: str) -> str:
    """Run a GNU gettext tool, feeding ``text`` on stdin; return stdout or raise with its message."""
    proc = gettext_process(args, text)
    if proc.returncode != 0:
        message = proc.stderr.strip()
        match = _GETTEXT_LINE.search(message)
        if match:
            raise CatalogError(match["msg"].strip(), where, int(match["line"]))
        raise CatalogError(message or f"{args[0]} failed with exit code {proc.returncode}", where)
    return proc.stdout


def canonical_text(text: str, where: str) -> str:
    """``text`` in GNU gettext's layout (what ``msgcat`` writes)."""
    return run_gettext(["msgcat", "--force-po", "-o", "-", "-"], text, where)


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None


def check_syntax(text: str, path: str) -> None:
    """GNU msgfmt as the judge of the file format: quoting, keywords, duplicates."""
    proc = gettext_process(["msgfmt", "-o", os.devnull, "-"], text)
    if proc.returncode == 0:
        return
    for match in _GETTEXT_LINE.finditer(proc.stderr):
        message, line = match["msg"].strip(), int(match["line"])
        if message.startswith("warning:"):
            continue
        if message == "end-of-line within string":
            line -= 1  # GNU's lexer has already counted the newline that ends the broken line
        message = message.rstrip(".") + (" (an earlier entry has the same msgctxt and msgid)" if "duplicate" in message else "")
        raise CatalogError(message, path, line)
    raise CatalogError(proc.stderr.strip() or "msgfmt rejected the file", path)


def check_header(po: polib.POFile, text: str, path: str, *, strict: bool = True) -> None:
    """UTF-8 declared, and a sound ``Plural-Forms`` that every plural entry agrees with.

    Refused: no nplurals, no plural expression, one that does not parse or gives a form outside
    0..nplurals-1 (:func:`pipeline.model.plural_forms_problem`), and -- when ``strict`` -- a live
    entry whose number of forms is not the header's nplurals (:func:`plural_form_problems`; what
    ``msgfmt --check`` refuses, and GNU msgmerge accepts).  A sound header whose count differs
    from what the language usually has is not refused here: :func:`plural_forms_warning` words it
    for the gate."""
    content_type = po.metadata.get("Content-Type", "")
    match = re.search(r"charset=([\w.-]+)", content_type, re.I)
    if not match:
        raise CatalogError("the header declares no charset: add \"Content-Type: text/plain; charset=UTF-8\\n\"",
                           path, _line_of(text, "Content-Type:") or _line_of(text, 'msgid ""') or 1)
    template_placeholder = match.group(1) == "CHARSET" and po.metadata_is_fuzzy  # xgettext's .pot
    if not template_placeholder and match.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise CatalogError(f"charset {match.group(1)}: catalogs must be UTF-8", path, _line_of(text, "charset="))
    plural = po.metadata.get("Plural-Forms")
    if plural and not (po.metadata_is_fuzzy and "INTEGER" in plural):  # a template's placeholder
        problem = plural_forms_problem(plural)
        if problem:
            language = po.metadata.get("Language", "").strip()
            rule = (msginit_plural_forms(language) or babel_plural_forms(language)) if language else None
            hint = f"; the rule for {language!r} is \"{rule}\"" if rule else ""  # as msgfmt --check suggests
            raise CatalogError(problem + hint, path, _line_of(text, "Plural-Forms:"))
    if strict:
        for entry, message in plural_form_problems(po):
            raise CatalogError(message, path, entry.linenum)


def header_nplurals(po: polib.POFile) -> int | None:
    """The nplurals of a catalog's sound ``Plural-Forms`` header; ``None`` without one (a
    template's placeholder, or no field at all)."""
    plural = po.metadata.get("Plural-Forms")
    if not plural or (po.metadata_is_fuzzy and "INTEGER" in plural) or plural_forms_problem(plural):
        return None
    return plural_count(plural)


def plural_form_problems(po: polib.POFile) -> list[tuple[polib.POEntry, str]]:
    """The live plural entries whose number of forms is not the header's nplurals, each with its
    message (``entry has 3 plural forms; the header says nplurals=2``), in the catalog's order.

    ``msgfmt --check`` refuses such a catalog, and so does the strict reader (what the gate and the
    build read); GNU ``msgmerge`` accepts it and keeps each entry's forms as they are, and so does
    ``update``, which reads leniently and warns of these entries in what it wrote.  Obsolete
    entries are not judged (msgfmt does not judge them either: they are never compiled)."""
    nplurals = header_nplurals(po)
    if nplurals is None:
        return []
    problems = []
    for entry in po:
        if entry.msgid_plural and not entry.obsolete and len(entry.msgstr_plural) != nplurals:
            count = len(entry.msgstr_plural)
            message = f"entry has {count} plural form{'' if count == 1 else 's'}; the header says nplurals={nplurals}"
            problems.append((entry, message))
    return problems


# -- the plural rules of a language --------------------------------------------------------------
#
# A new catalog gets GNU gettext's own formula (gettext-tools/src/plural-table.c), as GNU msginit
# writes it -- the conventional formulas translators' tools know -- and Babel's locale data
# (derived from CLDR) for a language that table does not list.  README: "Plural rules".

# A template header with no Plural-Forms: msginit adds one only for a language it knows.
_MSGINIT_TEMPLATE = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'


@functools.lru_cache(maxsize=64)
def msginit_plural_forms(language: str) -> str | None:
    """The ``Plural-Forms`` GNU ``msginit`` writes for ``language``, or ``None`` when it knows
    no rule for it (or gives one that is not sound).  msginit reads a header-only template on
    stdin and writes to stdout; ``--no-translator`` keeps it from asking for, or looking up, the
    translator's name and address."""
    if not language.replace("_", "").isalnum():  # never an option or a path
        return None
    proc = gettext_process(["msginit", "--no-translator", "-l", language, "-i", "-", "-o", "-"], _MSGINIT_TEMPLATE)
    if proc.returncode != 0:
        return None
    try:
        plural = polib.pofile(proc.stdout, wrapwidth=0).metadata.get("Plural-Forms", "").strip()
    except (OSError, ValueError):
        return None
    if not plural or "INTEGER" in plural or "EXPRESSION" in plural or plural_forms_problem(plural):
        return None
    return plural


def babel_plural_forms(language: str) -> str | None:
    """``Plural-Forms`` from Babel's locale data (CLDR-derived), or ``None`` when Babel's table
    has no entry for the language (:func:`babel.messages.plurals.get_plural` would then give
    English's rule, a default rather than knowledge)."""
    from babel import Locale, UnknownLocaleError
    from babel.messages.plurals import PLURALS, get_plural

    try:
        locale = Locale.parse(language)
    except (ValueError, LookupError, UnknownLocaleError):  # hmn, chk, mh: CLDR lacks them
        return None
    if str(locale) not in PLURALS and locale.language not in PLURALS:
        return None
    return str(get_plural(locale))


def language_plural_forms(language: str) -> str:
    """The ``Plural-Forms`` a new catalog gets: msginit's (GNU gettext's table), else Babel's,
    else English's rule (what Babel gives for a language it has no rule for)."""
    from babel.messages.plurals import get_plural

    return msginit_plural_forms(language) or babel_plural_forms(language) or str(get_plural(language))


def plural_forms_warning(language: str, plural_forms: str | None) -> str | None:
    """The one judgement of a sound ``Plural-Forms`` against its language: a message when its
    nplurals is neither GNU gettext's (msginit's) nor Babel's (CLDR) count for the language,
    else ``None``.  Such a catalog works -- msgfmt, msgmerge and this pipeline follow its own
    header -- so it is a warning (``handouts check``), never a refusal; many projects ship, say,
    Chinese with nplurals=2."""
    if not plural_forms or "INTEGER" in plural_forms or plural_forms_problem(plural_forms):
        return None
    count = plural_count(plural_forms)
    babel = plural_count(babel_plural_forms(language))
    if count == babel:
        return None
    gnu = plural_count(msginit_plural_forms(language))  # only asked when Babel disagrees
    if count == gnu or (babel is None and gnu is None):
        return None
    def forms(n: int) -> str:
        return f"{n} plural form{'' if n == 1 else 's'}"

    gnu_table, babel_data = "GNU gettext's table (msginit)", "Babel's locale data (CLDR)"
    if gnu is not None and babel is not None:
        usual = (f"{forms(gnu)} in {gnu_table} and {babel_data}" if gnu == babel
                 else f"{forms(gnu)} in {gnu_table} and {babel} in {babel_data}")
    else:
        usual = f"{forms(gnu)} in {gnu_table}" if gnu is not None else f"{forms(babel or 0)} in {babel_data}"
    return (f"Plural-Forms says nplurals={count}, but {language!r} has {usual}: the catalog works as its "
            "header says; check that its forms are the ones this language's translators expect")


def header_line(path: Path, shown: str, field: str) -> int | None:
    """The line of a catalog file on which the header field ``field`` (e.g. ``Plural-Forms``) starts."""
    return _line_of(read_text(path, shown, CatalogError), f'"{field}:')


def read_po(text: str, path: str, *, strict: bool = True) -> polib.POFile:
    """Parse catalog text, refusing what translators' tools and GNU gettext would mangle or
    reject.  ``path`` is only used in error messages.

    ``strict`` (the default: what the gate, the build and every command that publishes from or
    edits a catalog read) also refuses a live plural entry whose number of forms is not the
    header's nplurals, as ``msgfmt --check`` does.  ``strict=False`` is for merging (``update``
    reads catalogs, templates and compendia so): it accepts every catalog GNU ``msgmerge``
    accepts in that respect -- :func:`plural_form_problems` lists such entries.  Syntax errors,
    charsets and unsound plural expressions are refused in both modes."""
    if text.startswith("\ufeff"):
        raise CatalogError("the file starts with a byte order mark (BOM); save it as UTF-8 without BOM", path, 1)
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raise CatalogError("Windows line endings (CR LF); save the file with LF line endings", path, line)
    po = gnupo.parse(text)  # a strictly well-formed file needs no msgfmt judge and no second parse
    if po is None:
        check_syntax(text, path)
        try:
            po = polib.pofile(text, wrapwidth=0)
        except (OSError, ValueError) as exc:
            message = str(exc)
            match = _POLIB_LINE.search(message)
            message = _POLIB_LINE.sub("", message).replace("Syntax error in po file", "syntax error").strip(" :")
            raise CatalogError(message, path, int(match.group(1)) if match else None) from None
    po.path = path  # for messages; polib's own fpath is None when parsed from text
    check_header(po, text, path, strict=strict)
    return po


def load_po(path: Path, shown: str | None = None, *, strict: bool = True) -> polib.POFile:
    """Read a catalog file (:func:`read_po`; ``strict=False`` for merging)."""
    shown = shown or str(path)
    return read_po(read_text(path, shown, CatalogError), shown, strict=strict)


# GNU's reader joins a line ending in a backslash with the next one, even in a comment, and then
# fails on the result: such a comment line gets a space after the backslash.
_COMMENT_BACKSLASH = re.compile(r"(?m)^(#[^\n]*\\)$")


def po_to_text(po: polib.POFile, where: str) -> str:
    """Serialize in GNU layout: by :mod:`pipeline.gnupo` where it can, else through msgcat."""
    written = gnupo.gnu_text(po.header, bool(po.metadata_is_fuzzy), dict(po.ordered_metadata()), list(po))
    if written is not None:
        return written
    text = str(po)
    if not po.header and text.startswith("#\n"):
        text = text[2:]  # polib writes an empty comment line for an empty header comment
    return canonical_text(_COMMENT_BACKSLASH.sub(r"\1 ", text), where)


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\a": "\\a",
                          "\b": "\\b", "\f": "\\f", "\v": "\\v"})


def quote(text: str) -> str:
    """A PO string literal on one line."""
    return '"' + text.translate(_ESCAPES) + '"'


def _comment_lines(prefix: str, text: str) -> list[str]:
    return [(f"{prefix} {line}" if line else prefix) for line in text.split("\n")]


def entry_lines(entry: polib.POEntry) -> list[str]:
    """One entry in plain PO syntax (GNU layout is the writer's job)."""
    lines = _comment_lines("#", entry.tcomment) if entry.tcomment else []
    if entry.comment:
        lines += _comment_lines("#.", entry.comment)
    lines += [f"#: {file}:{line}" if line != "" else f"#: {file}" for file, line in entry.occurrences]
    if entry.flags:
        lines.append("#, " + ", ".join(entry.flags))
    prev = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgctxt is not None:
        lines.append(f"{prev}msgctxt {quote(entry.previous_msgctxt)}")
    if entry.previous_msgid is not None:
        lines.append(f"{prev}msgid {quote(entry.previous_msgid)}")
    if entry.previous_msgid_plural:
        lines.append(f"{prev}msgid_plural {quote(entry.previous_msgid_plural)}")
    body = []
    if entry.msgctxt is not None:
        body.append(f"msgctxt {quote(entry.msgctxt)}")
    body.append(f"msgid {quote(entry.msgid)}")
    if entry.msgid_plural:
        body.append(f"msgid_plural {quote(entry.msgid_plural)}")
        body += [f"msgstr[{i}] {quote(entry.msgstr_plural[i])}" for i in sorted(entry.msgstr_plural)]
    else:
        body.append(f"msgstr {quote(entry.msgstr)}")
    return lines + (["#~ " + line for line in body] if entry.obsolete else body)


def catalog_text(header: str, header_fuzzy: bool, fields: dict[str, str] | None,
                 entries: list[polib.POEntry]) -> str:
    """A catalog in plain PO syntax: the header comment, the header entry with ``fields`` in
    their order (none when ``fields`` is None), the entries."""
    blocks = []
    if fields is not None:
        lines = _comment_lines("#", header) if header else []
        if header_fuzzy:
            lines.append("#, fuzzy")
        lines += ['msgid ""', "msgstr " + quote("".join(f"{name}: {value}\n" for name, value in fields.items()))]
        blocks.append("\n".join(lines) + "\n")
    for entry in entries:
        blocks.append("\n".join(entry_lines(entry)) + "\n")
    return _COMMENT_BACKSLASH.sub(r"\1 ", "\n".join(blocks))


def save_po(po: polib.POFile, path: Path, shown: str) -> bool:
    """Write a catalog in GNU layout if its text changed; return whether it was written."""
    return write_if_changed(path, po_to_text(po, shown), shown)


LOCK_TIMEOUT = 120.0  # seconds to wait for another command's write to the same catalog
T = TypeVar("T")


@contextmanager
def locked(path: Path, shown: str | None = None, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Serialise commands that read, change and write the same catalog (``<file>.lock``)."""
    lock = FileLock(f"{path}.lock")
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        raise CatalogError(f"another command has held this catalog's lock for {timeout:g} s; try again",
                           shown or str(path)) from None
    except OSError as exc:
        raise CatalogError(f"cannot take the lock {path}.lock: {exc.strerror or exc}", shown or str(path)) from None
    try:
        yield
    finally:
        lock.release()


def modify_catalog(path: Path, shown: str, change: Callable[[polib.POFile], T]) -> T:
    """Read the catalog as it is now, apply ``change``, write it if it changed -- all under the
    catalog's lock, so a concurrent command's change is never overwritten."""
    with locked(path, shown):
        po = load_po(path, shown)
        result = change(po)
        save_po(po, path, shown)
    return result


class Conflict(CatalogError):
    """The entry changed on disk since it was shown (a translator saved, another reviewer acted,
    ``update`` ran): nothing was written.  ``fresh`` is the entry as it is now (``None`` when it
    is gone from the catalog)."""

    def __init__(self, shown: str, fresh: polib.POEntry | None):
        super().__init__("the entry changed on disk since it was shown; nothing was written" if fresh is not None
                         else "the entry is no longer in the catalog (was 'update' run?); nothing was written", shown)
        self.fresh = fresh


class LanguageCatalog:
    """One language's catalog, the way every command reaches it: its path, the name shown in
    messages, and locked, atomic changes.  The CLI, the terminal review, the workspace, drafting,
    approving and updating all go through it."""

    def __init__(self, project: "Project", language: str):
        self.project = project
        self.language = language
        self.path = project.catalog_path(language)
        self.shown = project.relative(self.path)

    def __repr__(self) -> str:
        return f"LanguageCatalog({self.shown!r})"

    def exists(self) -> bool:
        return self.path.exists()

    def load(self, *, strict: bool = True) -> polib.POFile:
        """The catalog as it is now (:func:`read_po`; ``strict=False`` for merging)."""
        return load_po(self.path, self.shown, strict=strict)

    def modify(self, change: Callable[[polib.POFile], T]) -> T:
        """Lock, load the catalog as it is now, apply ``change``, save if it changed."""
        return modify_catalog(self.path, self.shown, change)

    def modify_entry(self, key: tuple[str | None, str], seen: str | None,
                     change: Callable[[polib.POEntry], T]) -> T:
        """Apply ``change`` to the live entry ``key`` (context, source) if it is still what the
        caller saw (``seen``: its :func:`pipeline.model.view_digest`; ``None`` skips the
        comparison); else raise :class:`Conflict` holding the fresh entry."""
        def apply(po: polib.POFile) -> T:
            fresh = find_entry(po, key)
            if fresh is None or (seen is not None and view_digest(fresh) != seen):
                raise Conflict(self.shown, fresh)
            return change(fresh)

        return self.modify(apply)

    def create(self, text: str) -> None:
        """Write a new catalog; refuse to replace one that exists."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with locked(self.path, self.shown):
            if self.path.exists():
                raise CatalogError("catalog already exists; 'handouts update' keeps it current", self.shown)
            write_if_changed(self.path, text)

    def replace(self, make: Callable[[polib.POFile], str], *, strict: bool = True) -> bool:
        """Under the lock, replace the catalog's text with ``make(catalog)``; return whether the
        file changed (``update``, which reads with ``strict=False``: see :func:`read_po`)."""
        with locked(self.path, self.shown):
            return write_if_changed(self.path, make(self.load(strict=strict)))
