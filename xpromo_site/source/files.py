"""A source file's text: read within the size limit as UTF-8 (errors located at the
first bad byte), and a Markdown file cut into its YAML front matter and body."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Diagnostic, Location, XpromoError
from ..limits import MAX_SOURCE_BYTES, FileProblem, read_file, size_problem


def read_source(path: Path, rel: str, limit: int = MAX_SOURCE_BYTES) -> str:
    """Return the UTF-8 text of a source file.

    Raises XpromoError located at 1:1 when the file holds more than limit bytes, and at
    the first byte that is not UTF-8.
    """
    too_large = size_problem(path, limit)
    if too_large:
        raise XpromoError(
            [
                Diagnostic(
                    Location(rel, 1, 1),
                    too_large,
                    "split it up, or remove what it does not need (pasted images, repeated text)",
                )
            ]
        )
    try:
        data = read_file(path)
    except FileProblem as problem:
        raise XpromoError(
            [Diagnostic(Location(rel, 1, 1), problem.message, problem.hint)]
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise XpromoError(
            [
                Diagnostic(
                    Location(rel, line, col),
                    f"the file is not UTF-8 text: byte 0x{data[error.start]:02X} here cannot "
                    "be read",
                    "save the file with UTF-8 encoding (most editors offer it under "
                    "'Save with encoding')",
                )
            ]
        ) from None


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """A Markdown file cut in two: YAML header text and body, with their first line numbers."""

    yaml_text: str
    yaml_line_offset: int  # lines before the first YAML line
    body: str
    body_line_offset: int  # lines before the first body line


_FENCE = "---"


def split_front_matter(text: str, path: str) -> FrontMatter:
    """Split `---` delimited YAML front matter from a Markdown body.

    Raises XpromoError when the file does not open with `---` or the header is not
    closed by a `---` (or `...`) line.
    """
    text = text.removeprefix("\ufeff")
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != _FENCE:
        raise XpromoError(
            [
                Diagnostic(
                    Location(path, 1, 1),
                    "the file does not start with front matter",
                    "begin the file with a line '---', then the YAML fields "
                    "(title, type, partners, ...), then another '---' line",
                )
            ]
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (_FENCE, "..."):
            return FrontMatter(
                yaml_text="".join(lines[1:index]),
                yaml_line_offset=1,
                body="".join(lines[index + 1 :]),
                body_line_offset=index + 1,
            )
    raise XpromoError(
        [
            Diagnostic(
                Location(path, 1, 1),
                "the front matter is not closed",
                "add a line '---' after the last YAML field, before the Markdown text",
            )
        ]
    )
