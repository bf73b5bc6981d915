"""YAML parser errors as located diagnostics: unclosed brackets and quotes placed where
they opened, hints for the common mistakes, control characters named."""

from __future__ import annotations

import yaml

from ..errors import Diagnostic, Location, XpromoError

_HINTS = (
    (
        "cannot start any token",
        "indent with spaces, not tabs, and quote values that start with @ or `",
    ),
    (
        "mapping values are not allowed",
        "quote text that contains ': ', for example title: \"Backup: the webinar\"",
    ),
    (
        "could not find expected ':'",
        "each line of a mapping needs 'key: value'; check the "
        "line above for a missing colon or an unclosed quote",
    ),
    ("did not find expected key", "check the indentation of this line against the keys above it"),
    (
        "found undefined alias",
        "define the &anchor before using *alias, or quote a value that starts with *",
    ),
    ("found unexpected end of stream", "a quoted value is not closed"),
    ("tab", "indent with spaces, not tabs"),
    (
        "expected alphabetic or numeric character",
        "a value that starts with * or & is read as a YAML alias or anchor: put it in quotes",
    ),
    ("single document", "the file holds one YAML document: remove the second '---' line"),
)


# What the parser was reading when it gave up, for the constructs that open with one
# character and must close with another: the error is placed where they opened.
_UNCLOSED = {
    "while parsing a flow sequence": ("this '[' is never closed", "close it with ']'"),
    "while parsing a flow mapping": ("this '{' is never closed", "close it with '}'"),
    "while scanning a quoted scalar": (
        "this quoted text is never closed",
        "end it with the quote it starts with",
    ),
}


def syntax_error(error: yaml.MarkedYAMLError, path: str, line_offset: int) -> XpromoError:
    """The parser's error as a located diagnostic, with a hint for the common ones."""
    context = (error.context or "").strip()
    opened, problem_mark = error.context_mark, error.problem_mark
    if context in _UNCLOSED and opened is not None and problem_mark is not None:
        message, close = _UNCLOSED[context]
        gave_up = problem_mark.line + 1 + line_offset, problem_mark.column + 1
        problem = (error.problem or "").strip()
        hint = f"{close}; the parser gave up at line {gave_up[0]}, column {gave_up[1]}"
        hint += f" ({problem})" if problem else ""
        location = Location(path, opened.line + 1 + line_offset, opened.column + 1)
        return XpromoError([Diagnostic(location, f"invalid YAML: {message}", hint)])
    mark = problem_mark or opened
    line: int = (mark.line + 1 + line_offset) if mark else 1 + line_offset
    col = (mark.column + 1) if mark else 1
    problem = (error.problem or error.context or "invalid YAML").strip()
    if error.context and error.problem and error.context.startswith("expected"):
        problem = f"{error.context.strip()}, {problem}"
    known = next((h for needle, h in _HINTS if needle in problem), None)
    return XpromoError([Diagnostic(Location(path, line, col), f"invalid YAML: {problem}", known)])


def reader_error(
    error: yaml.reader.ReaderError, text: str, path: str, line_offset: int
) -> XpromoError:
    """A character YAML does not allow (a control character), located where it is."""
    before = text[: error.position]
    line = before.count("\n") + 1 + line_offset
    col = len(before) - (before.rfind("\n") + 1) + 1
    character = error.character if isinstance(error.character, str) else chr(error.character)
    return XpromoError(
        [
            Diagnostic(
                Location(path, line, col),
                f"invalid YAML: the control character U+{ord(character):04X} is not allowed",
                "delete it: it often comes along when text is copied from a PDF or a "
                "word processor",
            )
        ]
    )
