"""The one door to the file system for the project's own files: documents, templates,
catalogs, the glossary, the mapping, generated outputs.

* :func:`read_text` reads a UTF-8 file.  Only regular files are opened: a folder, a pipe (which
  would block forever) or a device is refused first.  A decoding error names the file and the
  1-based line of the first bad byte; any ``OSError`` becomes a message naming the file.
* :func:`write_if_changed` writes atomically (a temporary file in the same folder, ``fsync``,
  rename), and only when the content changed, so Make, diffs and translators' editors stay quiet
  and a crash never leaves half a file.  A full disk, a read-only file or folder, a folder where
  the file should be: a message naming the file, nothing half-written.

Errors are :class:`pipeline.errors.PipelineError` (or the subclass the caller names), which the
command line prints as ``path:line: error: ...`` with exit code 2.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

from .errors import PipelineError


def _shown(path: Path, shown: str | None) -> str:
    return shown if shown is not None else str(path)


def read_bytes(path: Path, shown: str | None = None, error: type[PipelineError] = PipelineError) -> bytes:
    """The bytes of a regular file (see the module's docstring)."""
    where = _shown(path, shown)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise error("no such file", where) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", where) from None
    if stat.S_ISDIR(mode):
        raise error("is a folder, not a file", where)
    if not stat.S_ISREG(mode):
        raise error("not a regular file (a pipe, socket or device): refused", where)
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or exc}", where) from None


def decode(data: bytes, shown: str, error: type[PipelineError] = PipelineError) -> str:
    """UTF-8 text; a decoding error names the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(f"not valid UTF-8 ({exc.reason} at byte {exc.start})", shown, line) from None


def read_text(path: Path, shown: str | None = None, error: type[PipelineError] = PipelineError) -> str:
    """A UTF-8 text file (see the module's docstring)."""
    return decode(read_bytes(path, shown, error), _shown(path, shown), error)


def file_sha256(path: Path, shown: str | None = None) -> str:
    """SHA-256 of a file's bytes (outputs, catalogs and documents in the release manifest)."""
    return hashlib.sha256(read_bytes(path, shown)).hexdigest()


def write_if_changed(path: Path, content: str | bytes, shown: str | None = None) -> bool:
    """Atomically replace ``path`` with ``content`` unless it already holds exactly that.

    Returns whether the file was written.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    where = _shown(path, shown)
    try:
        if os.path.isdir(path):
            raise PipelineError("is a folder, not a file: cannot write it", where)
        try:
            if path.read_bytes() == data:
                return False
        except FileNotFoundError:
            pass
        else:
            if not path.stat().st_mode & 0o222:  # the rename would replace it regardless: respect the mode
                raise PipelineError("the file is read-only: not changed", where)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise PipelineError(f"cannot write: {exc.strerror or exc}", where) from None
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
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PipelineError(f"cannot write: {exc.strerror or exc}; the file was left as it was", where) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
