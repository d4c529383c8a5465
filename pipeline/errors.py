"""The pipeline's exceptions.  Every error names the file and, where known, the 1-based line,
formatted the way compilers and gettext tools do: ``path:line: error: message``."""

from __future__ import annotations


class PipelineError(Exception):
    """Base class: an error the user can act on (exit code 2 from the CLI)."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}error: {self.message}"


class SourceError(PipelineError):
    """An English source document cannot be read."""


class CatalogError(PipelineError):
    """A ``.po``/``.pot`` file cannot be read or written."""


class ConfigError(PipelineError):
    """The project configuration is missing or wrong."""


class ToolError(PipelineError):
    """An external tool (GNU gettext) is missing or failed."""
