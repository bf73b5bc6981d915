"""Locations, diagnostics and the one error type every module raises for bad input.

Exception tree: what reaches the command line, and what never leaves the package::

    XpromoError                 bad input: carries one or more located Diagnostics
                                (exit 1)
    FolderError                 the user's environment: a folder the build must write
                                refused (read-only, full disk, no permission) (exit 1)
    scaffold.ScaffoldError      a request `xpromo new` cannot carry out (usage, exit 2)

    Internal, each turned into a located XpromoError where the input is known:
    limits.FileProblem          a file that is not a regular file, or too large
    images.ImageProblem         a file that cannot be published as an image
    svg.SvgError                an SVG that cannot be made safe
    workers.WorkerError         a worker process that died or sent what cannot be read
    workers.TimedOut            a bounded call (a logo's rasterising) that ran too long

Anything else that escapes is a bug: the command line prints it as an internal error
(exit 70).
"""

from __future__ import annotations

import errno
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
        """Return a GitHub Actions workflow command that annotates the file's line.

        What the message quotes is escaped as in text (see printable): a partner's value
        cannot send a terminal sequence (an OSC 8 link) or reorder the log's text.
        """
        location = self.location.under(folder)
        text = printable(self.message) + (f"\nhint: {printable(self.hint)}" if self.hint else "")
        return (
            f"::{self.severity.value} file={_escape_property(printable(location.path))},"
            f"line={location.line},col={location.col},title=xpromo::{_escape_data(text)}"
        )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


# C0 and C1 controls (ESC starts terminal sequences), line separators, and the
# bidirectional formatting characters that reorder how a line reads (U+202E, "Trojan Source")
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """Return text with control, line-separator and bidi characters escaped (\\x85, \\u202e).

    Messages quote what input files say; escaping keeps each diagnostic on its own line
    and in its own order, so a hostile file cannot forge lines, send terminal sequences
    or reverse text in a terminal or a CI log.
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


# What the operating system says when the user's disk or folder refuses, not xpromo.
ENVIRONMENT_ERRNOS = frozenset(
    {
        errno.EROFS,
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EACCES,
        errno.EPERM,
        errno.EIO,
        errno.EFBIG,
        errno.EMLINK,
        errno.EBUSY,
        errno.ETXTBSY,
        errno.EMFILE,
        errno.ENFILE,
    }
)


class FolderError(Exception):
    """A folder the build must write refused: the user's environment, not a bug.

    folder is where (as the user can find it), reason what the operating system said.
    """

    def __init__(self, folder: str, reason: str, hint: str) -> None:
        self.folder = folder
        self.reason = reason
        self.hint = hint
        super().__init__(f"{folder}: error: {reason}")

    def __reduce__(self) -> tuple[type[FolderError], tuple[str, str, str]]:
        return (type(self), (self.folder, self.reason, self.hint))

    @classmethod
    def of(cls, error: OSError, folder: str) -> FolderError:
        """Return the FolderError for an OSError met while writing under folder."""
        where = printable(str(error.filename)) if error.filename else folder
        name = errno.errorcode.get(error.errno or 0, "")
        said = f"{error.strerror or error}" + (f" ({name})" if name else "")
        hints = {
            errno.ENOSPC: "free some space on that disk, or build into a folder on another one",
            errno.EDQUOT: "free some of your disk quota, or build into a folder on another disk",
            errno.EROFS: "build into a folder on a writable disk (--output)",
        }
        hint = hints.get(
            error.errno or 0, "check that you may write there, or build into another folder"
        )
        return cls(printable(folder), f"cannot write {where}: {said}", hint)

    def format(self) -> str:
        return f"{self}\n  hint: {self.hint}"
