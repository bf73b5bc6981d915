"""Locations, diagnostics and the one error type every module raises for bad input.

Exception tree::

    XpromoError                 bad input: carries one or more located Diagnostics
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A place in a source file: path relative to the site root, 1-based line and column."""

    path: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def under(self, folder: str) -> Location:
        """Return this location with its path prefixed by folder (for display)."""
        if not folder or folder == ".":
            return self
        return Location(f"{folder.rstrip('/')}/{self.path}", self.line, self.col)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in the input: where, what, and how to fix it."""

    location: Location
    message: str
    hint: str | None = None
    severity: Severity = Severity.ERROR

    def format(self, folder: str = "") -> str:
        """Return `path:line:col: error: message` plus an indented `hint:` line.

        folder, when given, is put before the path (the site folder as the user named it).
        """
        where = printable(str(self.location.under(folder)))
        text = f"{where}: {self.severity.value}: {printable(self.message)}"
        if self.hint:
            text += f"\n  hint: {printable(self.hint)}"
        return text

    def to_dict(self, folder: str = "") -> dict[str, object]:
        """Return the diagnostic as plain data (for --format json)."""
        location = self.location.under(folder)
        return {
            "severity": self.severity.value,
            "path": location.path,
            "line": location.line,
            "col": location.col,
            "message": self.message,
            "hint": self.hint,
        }

    def format_github(self, folder: str = "") -> str:
        """Return a GitHub Actions workflow command that annotates the file's line."""
        location = self.location.under(folder)
        text = self.message + (f"\nhint: {self.hint}" if self.hint else "")
        return (
            f"::{self.severity.value} file={_escape_property(location.path)},"
            f"line={location.line},col={location.col},title=xpromo::{_escape_data(text)}"
        )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """Return text with control characters and line separators escaped (\\x85, \\n).

    Messages quote what input files say; escaping keeps each diagnostic on its own line,
    so a hostile file cannot forge lines in a terminal or a CI log.
    """
    return _UNPRINTABLE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


class XpromoError(Exception):
    """Bad input: one or more located diagnostics, sorted by place."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(sort_diagnostics(diagnostics))
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self) -> tuple[type[XpromoError], tuple[tuple[Diagnostic, ...]]]:
        return (type(self), (self.diagnostics,))  # whole, when a worker process sends it back


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Return the diagnostics without exact duplicates: errors first, then warnings, each
    group in file order."""
    unique = dict.fromkeys(diagnostics)
    return sorted(unique, key=lambda d: (d.severity is not Severity.ERROR, d.location, d.message))


class Collector:
    """Gathers diagnostics across a phase so one run reports every problem it can find."""

    def __init__(self) -> None:
        self.diagnostics: list[Diagnostic] = []

    def error(self, location: Location, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(location, message, hint))

    def warning(self, location: Location, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(location, message, hint, Severity.WARNING))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    def raise_if_errors(self) -> None:
        """Raise XpromoError holding every problem collected so far, when any is an error.

        The warnings go with the errors, so one run shows every problem it found.
        """
        if self.errors:
            raise XpromoError(self.diagnostics)
