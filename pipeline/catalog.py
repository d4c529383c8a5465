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

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import polib

from .errors import CatalogError, ToolError

_POLIB_LINE = re.compile(r"\(line (\d+)\)")
_GETTEXT_LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?:\d+:)? (?P<msg>.*)$", re.M)


def gettext_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ToolError(f"GNU gettext's {name} is not installed (Debian/Ubuntu: apt-get install gettext)")
    return path


def run_gettext(args: list[str], text: str | None, where: str) -> str:
    """Run a GNU gettext tool, feeding ``text`` on stdin; return stdout or raise with its message."""
    proc = subprocess.run(
        [gettext_tool(args[0]), *args[1:]],
        input=text,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "LC_ALL": "C.UTF-8", "LANGUAGE": ""},
    )
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


def read_po(text: str, path: str) -> polib.POFile:
    """Parse catalog text.  ``path`` is only used in error messages."""
    try:
        po = polib.pofile(text, wrapwidth=0)
    except (OSError, ValueError) as exc:
        message = str(exc)
        match = _POLIB_LINE.search(message)
        line = int(match.group(1)) if match else None
        message = _POLIB_LINE.sub("", message).replace("Syntax error in po file", "syntax error").strip(" :")
        raise CatalogError(message, path, line) from None
    po.path = path  # for messages; polib's own fpath is None when parsed from text
    return po


def load_po(path: Path, shown: str | None = None) -> polib.POFile:
    shown = shown or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError("no such catalog", shown) from None
    except UnicodeDecodeError as exc:
        raise CatalogError(f"not UTF-8 ({exc.reason} at byte {exc.start})", shown) from None
    return read_po(text, shown)


def po_to_text(po: polib.POFile, where: str) -> str:
    """Serialize in GNU layout."""
    return canonical_text(str(po), where)


def write_if_changed(path: Path, content: str | bytes) -> bool:
    """Atomically replace ``path`` with ``content`` unless it already holds exactly that.

    Returns whether the file was written.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def save_po(po: polib.POFile, path: Path, shown: str) -> bool:
    """Write a catalog in GNU layout if its text changed; return whether it was written."""
    return write_if_changed(path, po_to_text(po, shown))
