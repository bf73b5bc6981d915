"""Size limits for every file the build reads, so no submitted file can take it down.

Each limit is far above what a real program needs; a larger file is refused before it is
read. The numbers are part of the file contract (docs/REFERENCE.md, "Limits").
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

MB = 1_000_000

MAX_SOURCE_BYTES = 1 * MB  # partners.yaml, each campaign and page file
MAX_TOKENS_BYTES = 1 * MB  # a design tokens file
MAX_SVG_BYTES = 1 * MB  # an SVG logo or image
MAX_RASTER_BYTES = 10 * MB  # a PNG, JPEG or WebP logo or image
MAX_LOGO_PIXELS = 4096 * 4096  # a logo is shown a few hundred pixels wide
MAX_IMAGE_PIXELS = 40_000_000  # an image in campaign copy
MAX_YAML_VALUES = 100_000  # values a YAML file may expand to (stops alias bombs)
MAX_DEPTH = 64  # nesting of YAML, JSON and SVG
# a campaign's share image is "<slug>-<partner id>.<hash>.png": with the longest partner id
# (64) it stays within the 255 bytes a file name may have
MAX_SLUG_CHARACTERS = 255 - len("-.0123456789.png") - 64
MAX_CAMPAIGN_PARTNERS = 50  # each one's page links to every other: the work is its square


def format_size(size: int) -> str:
    """Return a byte count as people read it, rounded up: '1.4 MB', '800 kB', '12 bytes'."""
    if size >= MB:
        return f"{math.ceil(size / MB * 10) / 10:.1f}".removesuffix(".0") + " MB"
    if size >= 1000:
        return f"{math.ceil(size / 1000)} kB"
    return f"{size} bytes"


def size_problem(path: Path, limit: int) -> str | None:
    """Return 'the file is too large (...)' when path holds more than limit bytes, else None."""
    size = path.stat().st_size
    if size <= limit:
        return None
    return f"the file is too large ({format_size(size)}; at most {format_size(limit)})"


class FileProblem(Exception):
    """A file the build must read is not one it can: not a regular file, or too large.

    The message reads after the file's name ("is a named pipe, not a file"); callers
    locate it at the file.
    """

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


_KINDS = {
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFDIR: "a folder",
}


# The files read while recording() is active: absolute paths, as they were opened
_READS: ContextVar[set[str] | None] = ContextVar("reads", default=None)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the path of every file read_file reads within the block (the build's own
    inputs, for the no-change check: see manifest.py)."""
    reads: set[str] = set()
    token = _READS.set(reads)
    try:
        yield reads
    finally:
        _READS.reset(token)


def read_file(path: Path, limit: int | None = None) -> bytes:
    """Return the bytes of the regular file at path, of at most limit bytes.

    Never waits: the file is opened without blocking and checked before it is read, so
    a named pipe or a device in the program's folder is refused, not read forever.
    Raises FileProblem for those and for a file over limit; OSError as open() does.
    """
    reads = _READS.get()
    if reads is not None:
        reads.add(os.path.abspath(path))
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            kind = _KINDS.get(stat.S_IFMT(status.st_mode), "not a regular file")
            raise FileProblem(
                f"this is {kind}, not a file", "put a regular file here, or remove this one"
            )
        if limit is not None and status.st_size > limit:
            raise FileProblem(
                f"the file is too large ({format_size(status.st_size)}; "
                f"at most {format_size(limit)})",
                "split it up, or remove what it does not need",
            )
        with os.fdopen(handle, "rb", closefd=False) as file:
            data = file.read() if limit is None else file.read(limit + 1)
        if limit is not None and len(data) > limit:  # it grew since: as large as it is now
            raise FileProblem(
                f"the file is too large (over {format_size(limit)})",
                "split it up, or remove what it does not need",
            )
        return data
    finally:
        os.close(handle)
