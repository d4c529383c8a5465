"""GNU gettext's PO layout, written without a ``msgcat`` process.

:func:`gnu_text` writes a catalog the way GNU gettext 0.21's write-po.c does (what ``msgcat``
and ``msgmerge`` write): comments, ``#:`` references wrapped at 79 columns, flags in GNU's order
(unknown flags dropped, as GNU's reader drops them), previous sources, and strings wrapped at 79
columns.  The line breaks of a string are computed by the very function GNU's writer calls,
``ulc_width_linebreaks`` of GNU libunistring, loaded with ctypes -- so the Unicode line-breaking
rules and character widths are GNU's own, for every script.

It returns ``None`` for what it does not handle -- no libunistring, a charset other than UTF-8
with non-ASCII text, control characters GNU escapes only as warnings, a line break that could
fall inside a format directive (GNU forbids those, and telling directives apart needs GNU's
format parsers), file names with spaces -- and the caller then writes through ``msgcat``.
Tests compare it with ``msgcat`` byte for byte on every catalog of the repository, the real-world
merge corpus and generated catalogs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import operator
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import polib

from . import merge as merge_module
from .merge import Entry, gnu_flags

PAGE_WIDTH = 79
_UC_BREAK_UNDEFINED, _UC_BREAK_PROHIBITED, _UC_BREAK_POSSIBLE = 0, 1, 2
_LINEBREAKS = None
_LOADED = False


def _linebreaks_function():
    global _LINEBREAKS, _LOADED
    if not _LOADED:
        _LOADED = True
        for name in ("libunistring.so.2", ctypes.util.find_library("unistring")):
            if not name:
                continue
            try:
                lib = ctypes.CDLL(name)
            except OSError:
                continue
            function = getattr(lib, "ulc_width_linebreaks_v2", None) or getattr(lib, "ulc_width_linebreaks", None)
            if function is not None:
                function.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                     ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
                function.restype = ctypes.c_int
                _LINEBREAKS = function
                break
    return _LINEBREAKS


def available() -> bool:
    """Whether GNU libunistring could be loaded (else every write goes through msgcat)."""
    return _linebreaks_function() is not None


_GC_LOCK = threading.Lock()
_GC_HOLDERS = 0
_GC_WAS_ENABLED = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a catalog is read, merged or written.

    A catalog is hundreds of thousands of small containers (entries, their dicts and lists)
    that hold no reference cycles; the collector would walk all of them again and again as they
    are made (a third of the reading time).  Nested and concurrent uses (threads) are counted:
    the collector runs again when the last one ends, if it ran before the first began."""
    global _GC_HOLDERS, _GC_WAS_ENABLED
    with _GC_LOCK:
        if _GC_HOLDERS == 0:
            _GC_WAS_ENABLED = gc.isenabled()
            gc.disable()
        _GC_HOLDERS += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_HOLDERS -= 1
            if _GC_HOLDERS == 0 and _GC_WAS_ENABLED:
                gc.enable()


class Unsupported(Exception):
    """Something this writer leaves to msgcat."""


_ESCAPE = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
           "\\": "\\\\", '"': '\\"'}
_ESCAPES = str.maketrans(_ESCAPE)
_CONTINUATION = bytes(_UC_BREAK_PROHIBITED if 0x80 <= b < 0xC0 else 0 for b in range(256))
_ESCAPED = re.compile(rb"\\.")
_NEEDS_CARE = re.compile(r'[\x00-\x1f\x7f\\"]')
_COMMENT_BACKSLASH = re.compile(r"(?m)^(#[^\n]*\\)$")
_PORTION = re.compile(r"[^\n]*\n|[^\n]+")
_CONTROL = re.compile(r"[\x00-\x06\x0e-\x1f\x7f]")
# directive-like spans GNU's format parsers could forbid breaks in: %... up to its conversion
# letter (a Python %(name)s included), {...}
_DIRECTIVE = re.compile(r"%(?:\([^)]*\))?[^A-Za-z%]{0,20}[A-Za-z%]?|\{[^{}]{0,200}\}?")
# formats whose directives all start with % or {
_PERCENT_OR_BRACE_FORMATS = {"c-format", "objc-format", "python-format", "python-brace-format", "java-printf-format",
                             "javascript-format", "perl-format", "perl-brace-format", "php-format", "awk-format",
                             "lua-format", "qt-format", "qt-plural-format", "kde-format", "boost-format",
                             "csharp-format", "java-format", "object-pascal-format", "tcl-format", "ycp-format"}


_WIDE = re.compile("[\u1100-\U0010ffff]")
_SOURCE_NAMES = frozenset({"msgid", "msgctxt", "msgid_plural"})
# laid-out source strings that needed breaks or escapes, remembered across the catalogs of a run
_LAYOUTS: dict[tuple, str] = {}
_LAYOUTS_MAX = 65536
_POSSIBLE = bytes([_UC_BREAK_POSSIBLE])


def _max_width(text: str) -> int:
    """An upper bound of the columns GNU's uc_width gives ``text`` (at most 2 a character)."""
    return len(text) + len(_WIDE.findall(text))


class Writer:
    def __init__(self, charset: str):
        self.encoding = "UTF-8" if charset.lower().replace("_", "-") in ("utf-8", "utf8") else None
        self.out: list[str] = []
        self._result = ctypes.create_string_buffer(4096)  # libunistring's answers, reused
        self._capacity = 4096
        self._function = _linebreaks_function()
        self._charset = b"UTF-8" if self.encoding else b"ASCII"

    def wrap(self, prefix: str, name: str, value: str, no_wrap: bool, formats: list[str]) -> None:
        """write-po.c's ``wrap`` (non-indented style)."""
        out = self.out
        if _NEEDS_CARE.search(value) is None:  # no escape, no control character, one line: the common case
            room = PAGE_WIDTH - len(prefix) - len(name) - 3
            if len(value) <= room:
                if value.isascii():
                    out.append(f'{prefix}{name} "{value}"\n')
                    return
                if self.encoding is None:
                    raise Unsupported("non-ASCII text in a catalog that does not declare UTF-8")
                if _max_width(value) <= room:
                    out.append(f'{prefix}{name} "{value}"\n')
                    return
        elif self.encoding is None and not value.isascii():
            raise Unsupported("non-ASCII text in a catalog that does not declare UTF-8")
        elif _CONTROL.search(value):
            raise Unsupported("control characters")
        elif "\n" not in value[:-1]:  # one portion
            escaped = value.translate(_ESCAPES)
            room = PAGE_WIDTH - len(prefix) - len(name) - 3
            if len(escaped) <= room and (escaped.isascii() or _max_width(escaped) <= room):
                out.append(f'{prefix}{name} "{escaped}"\n')
                return
        if self.encoding is None and not value.isascii():
            raise Unsupported("non-ASCII text in a catalog that does not declare UTF-8")
        if name not in _SOURCE_NAMES:
            out.append(self._layout(prefix, name, value, no_wrap, formats))
            return
        # a source string: the same in every language's catalog (update writes them one after another)
        key = (prefix, name, value, no_wrap, tuple(formats), self.encoding)
        text = _LAYOUTS.get(key)
        if text is None:
            text = self._layout(prefix, name, value, no_wrap, formats)
            if len(_LAYOUTS) >= _LAYOUTS_MAX:
                _LAYOUTS.clear()
            _LAYOUTS[key] = text
        out.append(text)

    def _layout(self, prefix: str, name: str, value: str, no_wrap: bool, formats: list[str]) -> str:
        """The lines of a string that needs line breaks or escapes."""
        out: list[str] = []
        portions = _PORTION.findall(value) or [""]
        after_break = len(prefix) + 1
        width = (0x7FFFFFFF if no_wrap else PAGE_WIDTH) - 1 - after_break
        first = True
        for number, portion in enumerate(portions):
            text = portion.translate(_ESCAPES) if _NEEDS_CARE.search(portion) else portion
            data = text.encode("utf-8")
            more = number + 1 < len(portions)
            if first and data:
                # GNU: an empty first line ('msgid ""') when the string has more than one portion,
                # or its first line would need a break.  The breaks after 'msgid ""' are computed
                # first: if they hold one, the first line would need one too (its text starts
                # further right, with the same break opportunities), so that call is the only one.
                startcol = len(prefix) + 1 - after_break
                breaks = self._breaks(data, width, startcol)
                first_startcol = len(prefix) + len(name) + 2 - after_break
                if more or first_startcol > width or _POSSIBLE in breaks \
                        or _POSSIBLE in self._breaks(data, width, first_startcol):
                    out.append(f'{prefix}{name} ""\n')
                    first = False
                else:
                    breaks = b""  # all on the first line
            else:
                startcol = (len(prefix) + len(name) + 1 if first else len(prefix)) + 1 - after_break
                breaks = self._breaks(data, width, startcol) if data else b""
            line = [prefix, f'{name} "' if first else '"']
            first = False
            if _POSSIBLE in breaks:
                if formats:
                    self._check_directives(text, data, breaks, formats)
                start = 0
                index = breaks.find(_POSSIBLE)
                joint = f'"\n{prefix}"'
                while index >= 0:
                    line.append(data[start:index].decode("utf-8"))
                    line.append(joint)
                    start = index
                    index = breaks.find(_POSSIBLE, index + 1)
                line.append(data[start:].decode("utf-8"))
            else:
                line.append(text)
            line.append('"\n')
            out.append("".join(line))
        return "".join(out)


    def _breaks(self, data: bytes, width: int, startcol: int) -> bytes:
        function = self._function
        if function is None:
            raise Unsupported("GNU libunistring is not available")
        overrides = data.translate(_CONTINUATION)  # no break inside a UTF-8 character
        if b"\\" in data:
            changed = bytearray(overrides)
            for match in _ESCAPED.finditer(data):  # nor after the backslash of an escape
                changed[match.start() + 1] = _UC_BREAK_PROHIBITED
            if data.endswith(b"\\n"):  # nor right before the "\n" at the end
                changed[len(data) - 2] = _UC_BREAK_PROHIBITED
            overrides = bytes(changed)
        size = len(data)
        if size > self._capacity:
            self._capacity = 2 * size
            self._result = ctypes.create_string_buffer(self._capacity)
        result = self._result
        function(data, size, width, startcol, 0, overrides, self._charset, result)
        return ctypes.string_at(result, size)

    @staticmethod
    def _check_directives(text: str, data: bytes, breaks: bytes, formats: list[str]) -> None:
        """Refuse a break GNU might forbid: inside a format directive."""
        if any(f not in _PERCENT_OR_BRACE_FORMATS for f in formats):
            raise Unsupported("line break in a string of a format this writer does not parse")
        spans = [(match.start(), match.end()) for match in _DIRECTIVE.finditer(text)]
        if not spans:
            return
        ascii_text = len(data) == len(text)
        index = breaks.find(_POSSIBLE)
        while index >= 0:
            at = index if ascii_text else len(data[:index].decode("utf-8"))
            if any(start < at <= end for start, end in spans):  # a break after a directive's first character
                raise Unsupported("line break next to a format directive")
            index = breaks.find(_POSSIBLE, index + 1)


def _comments(out: list[str], prefix: str, text: str) -> None:
    if "\n" not in text:
        out.append(f"{prefix} {text}\n" if text else f"{prefix}\n")
        return
    for line in text.split("\n"):
        out.append(f"{prefix} {line}\n" if line else f"{prefix}\n")


_PLAIN_REFERENCES = re.compile(r"[^\s:]+(?::(?:0|[1-9][0-9]*))?(?: [^\s:]+(?::(?:0|[1-9][0-9]*))?)*")


def _references(out: list[str], occurrences: list[tuple[str, str]]) -> None:
    if not occurrences:
        return
    try:
        joined = " ".join([f"{file}:{line}" if line != "" else file for file, line in occurrences])
    except TypeError:
        joined = ""
    if (joined and len(joined) <= PAGE_WIDTH - 3 and joined.isascii() and _PLAIN_REFERENCES.fullmatch(joined)
            and not joined.startswith("./") and " ./" not in joined
            and len(set(occurrences)) == len(occurrences)):
        out.append(f"#: {joined}\n")  # one line, nothing to drop or rewrite: the common case
        return
    parts = ["#:"]
    column = 2
    seen = set()
    for file, line in occurrences:
        if (file, line) in seen:
            continue
        seen.add((file, line))
        while file.startswith("./"):
            file = file[2:]
        if " " in file or "\t" in file or "\n" in file:
            raise Unsupported("a file name with white space")
        if line != "" and not str(line).isdigit():
            raise Unsupported("a reference whose line is not a number")
        reference = f"{file}:{int(line)}" if line != "" else file
        size = len(reference.encode("utf-8")) + 1
        if column > 2 and column + size > PAGE_WIDTH:
            parts.append("\n#:")
            column = 2
        parts.append(" " + reference)
        column += size
    out.append("".join(parts) + "\n")


_GNU_FLAGS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _shown_flags(flags: list[str]) -> tuple[str, ...]:
    """:func:`pipeline.merge.gnu_flags` of an entry's flags, remembered."""
    key = tuple(flags)
    found = _GNU_FLAGS.get(key)
    if found is None:
        found = tuple(gnu_flags(flags, "fuzzy" in flags))
        if len(_GNU_FLAGS) < 4096:
            _GNU_FLAGS[key] = found
    return found


_NO_FORMATS: list[str] = []


def _entry(writer: Writer, entry: polib.POEntry) -> None:
    out = writer.out
    wrap = writer.wrap
    plural = entry.msgid_plural
    if plural:
        forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
        if not forms:
            raise Unsupported("a plural entry without forms")
        first = forms[0]
    else:
        first = entry.msgstr
    obsolete = entry.obsolete
    if obsolete and not first:
        return
    flags = _shown_flags(entry.flags) if entry.flags else ()
    if flags:
        no_wrap = "no-wrap" in flags
        formats = [f for f in flags if f.endswith("-format") and not f.startswith("no-")]
    else:
        no_wrap, formats = False, _NO_FORMATS
    if out:
        out.append("\n")
    if entry.tcomment:
        _comments(out, "#", entry.tcomment)
    if entry.comment:
        _comments(out, "#.", entry.comment)
    if entry.occurrences:
        _references(out, entry.occurrences)
    if flags:
        shown = flags if first else [f for f in flags if f != "fuzzy"]
        if shown:
            out.append("#, " + ", ".join(shown) + "\n")
    if entry.previous_msgid is not None or entry.previous_msgctxt is not None or entry.previous_msgid_plural:
        prev = "#~| " if obsolete else "#| "
        for name, value in (("msgctxt", entry.previous_msgctxt), ("msgid", entry.previous_msgid),
                            ("msgid_plural", entry.previous_msgid_plural or None)):
            if value is not None:
                wrap(prev, name, value, no_wrap, formats)
    prefix = "#~ " if obsolete else ""
    if entry.msgctxt is not None:
        wrap(prefix, "msgctxt", entry.msgctxt, no_wrap, formats)
    msgid = entry.msgid  # the one-line shortcut of Writer.wrap, inline for the two usual strings
    if msgid.isascii() and len(msgid) <= 71 - len(prefix) and _NEEDS_CARE.search(msgid) is None:
        out.append(f'{prefix}msgid "{msgid}"\n')
    else:
        wrap(prefix, "msgid", msgid, no_wrap, formats)
    if plural:
        wrap(prefix, "msgid_plural", plural, no_wrap, formats)
        for i, form in enumerate(forms):
            wrap(prefix, f"msgstr[{i}]", form, no_wrap, formats)
    elif first.isascii() and len(first) <= 70 - len(prefix) and _NEEDS_CARE.search(first) is None:
        out.append(f'{prefix}msgstr "{first}"\n')
    else:
        wrap(prefix, "msgstr", first, no_wrap, formats)


def header_msgstr(fields: dict[str, str]) -> str:
    return "".join(f"{name}: {value}\n" for name, value in fields.items())


def gnu_text(header: str, header_fuzzy: bool, fields: dict[str, str] | None,
             entries: list[polib.POEntry]) -> str | None:
    """The catalog as GNU's writer lays it out, or None where msgcat must write it."""
    if _linebreaks_function() is None:
        return None
    charset = "ASCII"
    if fields is not None:
        msgstr = header_msgstr(fields)
        found = re.search(r"charset=([^ \t\n]*)", msgstr)
        if found and found.group(1) != "CHARSET":
            charset = found.group(1)
    writer = Writer(charset)
    try:
        if fields is not None:
            head = polib.POEntry(msgid="", msgstr=msgstr, tcomment=header or "",
                                 flags=["fuzzy"] if header_fuzzy else [])
            _entry(writer, head)
        live = [e for e in entries if not e.obsolete]
        for entry in live:
            if entry.msgid == "" and entry.msgctxt is None:
                return None  # a second header entry: leave it to msgcat
            _entry(writer, entry)
        for entry in entries:
            if entry.obsolete:
                _entry(writer, entry)
    except Unsupported:
        return None
    text = "".join(writer.out)
    # GNU's reader joins a line ending in a backslash with the next one, even in a comment: such
    # a comment line gets a space after the backslash (the pipeline's rule, as before msgcat)
    return _COMMENT_BACKSLASH.sub(r"\1 ", text) if "\\\n" in text else text


def pofile_text(po: polib.POFile) -> str | None:
    """A polib catalog in GNU layout (None: leave it to msgcat)."""
    fields = dict(po.metadata) if (po.metadata or po.metadata_is_fuzzy or po.header) else None
    return gnu_text(po.header, po.metadata_is_fuzzy, fields, list(po))


# -- reading --------------------------------------------------------------------------------------

_STRING = r'"((?:[^"\\\x00-\x1f\x7f]|\\[ntr"\\abfv])*)"'
_LINE = re.compile(
    r"(?P<obs>#~ )?(?:(?P<kw>msgctxt|msgid|msgid_plural|msgstr|msgstr\[(?P<index>[0-9])\]) "
    + _STRING.replace("(", "(?P<value>", 1) + r"|" + _STRING.replace("(", "(?P<cont>", 1) + r")$"
    r"|#~\| (?P<pkw>msgctxt|msgid|msgid_plural) " + _STRING.replace("(", "(?P<pvalue>", 1) + r"$"
    r"|#~\| " + _STRING.replace("(", "(?P<pcont>", 1) + r"$"
    r"|#\| (?P<pkw2>msgctxt|msgid|msgid_plural) " + _STRING.replace("(", "(?P<pvalue2>", 1) + r"$"
    r"|#\| " + _STRING.replace("(", "(?P<pcont2>", 1) + r"$"
)
_UNESCAPE = re.compile(r"\\(.)")
_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_REFERENCE = re.compile(r"[^\s:]+(?::[0-9]+)?")
_FLAG = re.compile(r"[\w.+: -]+")


_QUOTED = re.compile(r'"([^"\\\x00-\x1f\x7f]*(?:\\[ntr"\\abfv][^"\\\x00-\x1f\x7f]*)*)"')
_KEYWORDS = {"msgctxt", "msgid", "msgid_plural", "msgstr"} | {f"msgstr[{i}]" for i in range(10)}
_PREVIOUS = {"msgctxt", "msgid", "msgid_plural"}


def _classify(line: str) -> dict | None:
    """One non-comment line: a keyword line, a continuation, a previous-source line (live or
    obsolete), as the fields of the old one-regex reader."""
    obsolete = line.startswith("#~ ")
    rest = line[3:] if obsolete else line
    if rest[:1] == '"':
        found = _QUOTED.fullmatch(rest)
        return None if found is None else {"kw": None, "cont": found.group(1), "obs": obsolete}
    if line.startswith(("#| ", "#~| ")):
        obsolete = line[1] == "~"
        rest = line[4:] if obsolete else line[3:]
        if rest[:1] == '"':
            found = _QUOTED.fullmatch(rest)
            if found is None:
                return None
            return {"kw": None, "cont": None, "pkw": None, "pkw2": None,
                    "pcont": found.group(1) if obsolete else None, "pcont2": None if obsolete else found.group(1)}
        keyword, _, value = rest.partition(" ")
        found = _QUOTED.fullmatch(value)
        if keyword not in _PREVIOUS or found is None:
            return None
        return {"kw": None, "cont": None, "pkw": keyword if obsolete else None, "pkw2": None if obsolete else keyword,
                "pvalue": found.group(1), "pvalue2": found.group(1), "pcont": None}
    keyword, _, value = rest.partition(" ")
    found = _QUOTED.fullmatch(value)
    if keyword not in _KEYWORDS or found is None:
        return None
    return {"kw": keyword[:6] if keyword[:7] == "msgstr[" else keyword, "index": keyword[7:-1] or None,
            "value": found.group(1), "obs": obsolete}


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(lambda m: _UNESCAPES[m.group(1)], text) if "\\" in text else text


def _new_entry(linenum: int) -> polib.POEntry:
    entry = polib.POEntry.__new__(polib.POEntry)
    entry.__dict__.update({
        "msgid": "", "msgstr": "", "msgid_plural": "", "msgstr_plural": {}, "msgctxt": None, "obsolete": 0,
        "encoding": "utf-8", "comment": "", "tcomment": "", "occurrences": [], "flags": [],
        "previous_msgctxt": None, "previous_msgid": None, "previous_msgid_plural": None, "linenum": linenum,
        "previous_obsolete": None})
    return entry


def _parse_lines(text: str) -> polib.POFile | None:
    """:func:`parse`, line by line: the reader of every file the one-regex reader does not take."""
    entries: list[polib.POEntry] = []
    entry: Any = None
    state = ""  # the last part read of the current entry
    seen: set[tuple[str | None, str]] = set()

    def finish() -> bool:
        if state not in ("str", "strN"):
            return False
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            return False
        seen.add(key)
        entries.append(entry)
        return True

    for number, line in enumerate(text.split("\n"), start=1):
        if not line:
            continue
        if line[-1] in " \t":
            if line != "# ":
                return None  # polib strips what GNU keeps
            line = "#"  # an empty comment line, to GNU and polib alike
        if line[0] == "#" and line[:3] not in ("#~ ", "#| ", "#~|"):
            if state in ("str", "strN"):
                if not finish():
                    return None
                entry, state = None, ""
            elif state not in ("", "comment"):
                return None  # a comment inside an entry
            if line[-1] == "\\":
                return None  # GNU joins such a line with the next
            if entry is None:
                entry = _new_entry(number)
            state = "comment"
            kind = line[:3]
            if line == "#" or kind[:2] == "# ":
                if entry.tcomment == "" and line[2:] == "":
                    return None  # polib drops an empty first comment line, GNU does not
                entry.tcomment = (entry.tcomment + "\n" if entry.tcomment else "") + line[2:]
            elif kind == "#. ":
                entry.comment = (entry.comment + "\n" if entry.comment else "") + line[3:]
                if line[3:] == "":
                    return None
            elif kind == "#: ":
                for token in line[3:].split():
                    if not _REFERENCE.fullmatch(token):
                        return None
                    file, colon, at = token.rpartition(":")
                    entry.occurrences.append((file, at) if colon else (token, ""))
            elif kind == "#, ":
                flags = [flag.strip() for flag in line[3:].split(",")]
                if not all(_FLAG.fullmatch(flag) for flag in flags):
                    return None
                entry.flags += flags
            else:
                return None
            continue
        match = _classify(line)
        if match is None:
            return None
        keyword = match["kw"]
        if keyword:
            value = _unescape(match["value"])
            obsolete = 1 if match["obs"] else 0
            if keyword in ("msgctxt", "msgid") and state in ("str", "strN"):
                if not finish():
                    return None
                entry, state = None, ""
            if entry is None:
                entry = _new_entry(number)
            if keyword == "msgctxt":
                if state not in ("", "comment", "pctx", "pid", "pplural"):
                    return None
                entry.msgctxt, state = value, "ctx"
                entry.obsolete = obsolete
            elif keyword == "msgid":
                if state not in ("", "comment", "ctx", "pctx", "pid", "pplural") or (
                        state == "ctx" and entry.obsolete != obsolete):
                    return None
                entry.msgid, state = value, "id"
                entry.obsolete = obsolete
            elif entry.obsolete != obsolete:
                return None
            elif keyword == "msgid_plural":
                if state != "id":
                    return None
                entry.msgid_plural, state = value, "plural"
            elif match["index"] is None:
                if state != "id":
                    return None
                entry.msgstr, state = value, "str"
            else:
                if state not in ("plural", "strN") or int(match["index"]) != len(entry.msgstr_plural):
                    return None
                entry.msgstr_plural[int(match["index"])], state = value, "strN"
            if state in ("ctx", "id") and entry.previous_obsolete is not None and \
                    entry.previous_obsolete != obsolete:
                return None
            continue
        if match["cont"] is not None:
            if match["obs"] and not entry.obsolete or not match["obs"] and entry is not None and entry.obsolete:
                return None
            value = _unescape(match["cont"])
            if state == "ctx":
                entry.msgctxt += value
            elif state == "id":
                entry.msgid += value
            elif state == "plural":
                entry.msgid_plural += value
            elif state == "str":
                entry.msgstr += value
            elif state == "strN":
                entry.msgstr_plural[len(entry.msgstr_plural) - 1] += value
            else:
                return None
            continue
        keyword = match["pkw"] or match["pkw2"]
        prev_obsolete = 1 if (match["pkw"] or match["pcont"] is not None) else 0
        if keyword:
            value = _unescape(match["pvalue"] if match["pkw"] else match["pvalue2"])
            if state in ("str", "strN"):
                if not finish():
                    return None
                entry, state = None, ""
            if state not in ("", "comment", "pctx", "pid"):
                return None
            if entry is None:
                entry = _new_entry(number)
            if entry.previous_obsolete is not None and entry.previous_obsolete != prev_obsolete:
                return None
            entry.previous_obsolete = prev_obsolete
            if keyword == "msgctxt":
                if state in ("pctx", "pid"):
                    return None
                entry.previous_msgctxt, state = value, "pctx"
            elif keyword == "msgid":
                if state == "pid":
                    return None
                entry.previous_msgid, state = value, "pid"
            else:
                if state != "pid":
                    return None
                entry.previous_msgid_plural, state = value, "pplural"
            continue
        value = _unescape(match["pcont"] if match["pcont"] is not None else match["pcont2"])
        if entry is None or entry.previous_obsolete != prev_obsolete:
            return None
        if state == "pctx":
            entry.previous_msgctxt += value
        elif state == "pid":
            entry.previous_msgid += value
        elif state == "pplural":
            entry.previous_msgid_plural += value
        else:
            return None
    if entry is not None and not finish():
        return None
    for item in entries:
        previous_obsolete = item.__dict__.pop("previous_obsolete")
        if previous_obsolete is not None and previous_obsolete != item.obsolete:
            return None
    return _catalog(entries)


def _catalog(entries: list[polib.POEntry]) -> polib.POFile | None:
    """The catalog of the entries read, the first being the header entry; None where polib
    must read it (no header entry first, a second one, a header with other parts)."""
    if not entries or entries[0].msgid != "" or entries[0].msgctxt is not None or entries[0].obsolete:
        return None  # no header entry first: leave it to polib
    head = entries[0]
    if any(e.msgid == "" for e in entries[1:]) or head.comment or head.occurrences or head.msgid_plural \
            or head.previous_msgid is not None or head.previous_msgctxt is not None:
        return None
    po = polib.POFile(wrapwidth=0)
    po.header = head.tcomment
    po.metadata_is_fuzzy = head.flags
    key = None
    for line in head.msgstr.splitlines():  # polib's own reading of the header fields
        try:
            key, value = line.split(":", 1)
            po.metadata[key] = value.strip()
        except (ValueError, KeyError):
            if key is not None:
                po.metadata[key] += "\n" + line.strip()
    po.extend(entries[1:])
    return po


# -- the one-regex reader -------------------------------------------------------------------------
#
# One regular expression matches a whole entry in the layout GNU's writer (and polib, Babel,
# Poedit) use: translator comments, extracted comments, references, flags -- in that order --,
# the previous source, then the keywords, each string on one or more lines; blank lines only
# between entries.  Python then only slices the groups.  A file that strays from that layout
# anywhere is read by the line reader above instead, which accepts the same files and more.

_LIT = r'"[^"\\\x00-\x1f\x7f]*(?:\\[ntr"\\abfv][^"\\\x00-\x1f\x7f]*)*"'


def _strings(prefix: str) -> str:
    """A string on one or more lines, each continuation line starting with ``prefix``."""
    return rf"{_LIT}(?:\n{re.escape(prefix)}{_LIT})*"


_LIVE, _OBS, _PREV, _OBS_PREV = _strings(""), _strings("#~ "), _strings("#| "), _strings("#~| ")
_ENTRY = re.compile(
    r"("  # the whole entry
    # comment lines: none ends in a blank or a backslash (the line reader's business)
    r"(#(?: [^\n]*[^ \t\\\n])?\n(?:#(?: [^\n]*[^ \t\\\n])?\n)*)?"  # translator comments
    r"(#\. [^\n]*[^ \t\\\n]\n(?:#\. [^\n]*[^ \t\\\n]\n)*)?"  # extracted comments
    r"((?:#:(?: [^\s:]+(?::[0-9]+)?)+\n)+)?"  # references
    r"((?:#, [^\n]*[^ \t\\\n]\n)+)?"  # flags
    r"(?:"
    rf"(?:#\| msgctxt ({_PREV})\n)?(?:#\| msgid ({_PREV})\n(?:#\| msgid_plural ({_PREV})\n)?)?"
    rf"(?:msgctxt ({_LIVE})\n)?msgid ({_LIVE})\n"
    rf"(?:msgstr ({_LIVE})\n|msgid_plural ({_LIVE})\n((?:msgstr\[[0-9]\] {_LIVE}\n)+))"
    r"|"
    rf"(?:#~\| msgctxt ({_OBS_PREV})\n)?(?:#~\| msgid ({_OBS_PREV})\n(?:#~\| msgid_plural ({_OBS_PREV})\n)?)?"
    rf"(?:#~ msgctxt ({_OBS})\n)?#~ msgid ({_OBS})\n"
    rf"(?:#~ msgstr ({_OBS})\n|#~ msgid_plural ({_OBS})\n((?:#~ msgstr\[[0-9]\] {_OBS}\n)+))"
    r")\n*)")
_FORMS = re.compile(rf"msgstr\[([0-9])\] ({_LIVE})\n")
_OBS_FORMS = re.compile(rf"#~ msgstr\[([0-9])\] ({_OBS})\n")
_REFERENCES = re.compile(r" ([^\s:]+)(?::([0-9]+))?")
_UNESCAPE_ONE = _UNESCAPES.__getitem__
_FLAG_LINES: dict[str, list[str] | None] = {}
_WHOLE = operator.itemgetter(0)


def _value(literal: str, joint: str) -> str:
    """The text of a string matched with its quotes (continuation lines joined at ``joint``)."""
    if "\n" in literal:
        literal = literal.replace(joint, "")
    literal = literal[1:-1]
    return _UNESCAPE.sub(lambda m: _UNESCAPE_ONE(m.group(1)), literal) if "\\" in literal else literal


def _flag_lines(block: str) -> list[str] | None:
    """The flags of ``#, `` lines, as the line reader takes them (None: it would refuse them)."""
    if block in _FLAG_LINES:
        found = _FLAG_LINES[block]
        return None if found is None else list(found)
    flags: list[str] = []
    for line in block[:-1].split("\n"):
        parts = [flag.strip() for flag in line[3:].split(",")]
        if not all(_FLAG.fullmatch(flag) for flag in parts):
            if len(_FLAG_LINES) < 4096:
                _FLAG_LINES[block] = None
            return None
        flags.extend(parts)
    if len(_FLAG_LINES) < 4096:
        _FLAG_LINES[block] = flags
    return list(flags)


def parse(text: str) -> polib.POFile | None:
    """``text`` read as GNU's reader and polib read it, for files in a strict subset of the PO
    syntax (what GNU's writer writes, and more); None for anything outside it -- the caller then
    asks GNU msgfmt to judge the file and polib to read it.  Every accepted file is one msgfmt
    accepts: well-formed strings with GNU's escapes only, entries in keyword order, plural forms
    numbered from 0, no duplicate (context, source), the header entry first.  Unlike polib, the
    previous source of an obsolete entry (``#~|``) is kept, as GNU keeps it.

    Files in the usual layout are read by one regular expression per entry; any other file (or
    one with trailing blanks on a line, or a line ending in a backslash) by the line reader.
    Python's cyclic garbage collector is paused meanwhile (:func:`gc_paused`).
    """
    with gc_paused():
        return _parse(text)


def clear_caches() -> None:
    """Forget the flag lines read, the flags and source strings written (for benchmarks: each
    catalog from scratch, as a new msgmerge process starts)."""
    _FLAG_LINES.clear()
    _GNU_FLAGS.clear()
    _LAYOUTS.clear()
    merge_module._GNU_FLAGS.clear()


def _parse(text: str) -> polib.POFile | None:
    if not text.endswith("\n"):
        text += "\n"
    if "# \n" in text:  # "# " is an empty comment line to GNU and polib alike
        text = text.replace("\n# \n", "\n#\n").replace("\n# \n", "\n#\n")
        if text.startswith("# \n"):
            text = "#" + text[2:]
    start = len(text) - len(text.lstrip("\n"))
    found = _ENTRY.findall(text, start)
    if sum(map(len, map(_WHOLE, found))) != len(text) - start:
        # the entries do not tile the file: something else is in it (a comment line ending in a
        # blank or a backslash, comments in another order, a blank line inside an entry, ...)
        return _parse_lines(text)
    references_of = _REFERENCES.findall
    entries: list[polib.POEntry] = []
    append = entries.append
    seen: set[tuple[str | None, str]] = set()
    line = 1 + start
    # a group that took no part in the match is "": the strings' groups hold their quotes
    for (whole, tcomment, comment, references, flags, pctx, pid, pplural, ctx, msgid, msgstr, plural, forms,
         opctx, opid, opplural, octx, omsgid, omsgstr, oplural, oforms) in found:
        obsolete = not msgid
        if obsolete:
            pctx, pid, pplural, ctx, msgid, msgstr, plural, forms = (
                opctx, opid, opplural, octx, omsgid, omsgstr, oplural, oforms)
            joint, prev_joint = '"\n#~ "', '"\n#~| "'
        else:
            joint, prev_joint = '"\n"', '"\n#| "'
        if tcomment:
            if tcomment[1] == "\n":
                return _parse_lines(text)  # an empty first comment line: polib drops it, GNU does not
            tcomment = tcomment[2:-1] if tcomment.count("\n") == 1 else \
                "\n".join(part[2:] for part in tcomment[:-1].split("\n"))
        if comment:
            comment = comment[3:-1].replace("\n#. ", "\n")
        if flags:
            flags = _flag_lines(flags)
            if flags is None:
                return _parse_lines(text)
        key = (_value(ctx, joint) if ctx else None,
               msgid[1:-1] if "\\" not in msgid and "\n" not in msgid else _value(msgid, joint))
        if key in seen:
            return None  # a duplicate: msgfmt's error, in GNU's words
        seen.add(key)
        entry = Entry(
            key[1],
            (msgstr[1:-1] if "\\" not in msgstr and "\n" not in msgstr else _value(msgstr, joint)) if msgstr else "",
            _value(plural, joint) if plural else "", {}, key[0], 1 if obsolete else 0, "utf-8", comment, tcomment,
            references_of(references) if references else [], flags or [],
            _value(pctx, prev_joint) if pctx else None, _value(pid, prev_joint) if pid else None,
            _value(pplural, prev_joint) if pplural else None, line)
        if forms:
            plural_forms = entry.msgstr_plural
            for number, (index, literal) in enumerate((_OBS_FORMS if obsolete else _FORMS).findall(forms)):
                if int(index) != number:
                    return _parse_lines(text)
                plural_forms[number] = _value(literal, joint)
        append(entry)
        line += whole.count("\n")
    return _catalog(entries)
