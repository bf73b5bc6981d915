"""The output folder: which folder may be one (`refusal`, the `MARKER` file), where its
staging and old-site folders go, what it holds before a build (`survey`), and the
build lock that makes builds into it take turns."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .stage import Entry

MARKER = ".xpromo-output"
MARKER_TEXT = b"This folder is the output of xpromo build: each build replaces everything in it.\n"
INSIDE = ".xpromo-staging"  # the staging folder inside an output folder that is a mount point


def siblings(output: Path) -> tuple[Path, Path]:
    """Return the staging and old-site folders of output (its target, see `target`)."""
    if os.path.ismount(output):
        return (output / INSIDE, output.with_name(f".{output.name}.old"))
    return (output.with_name(f".{output.name}.staging"), output.with_name(f".{output.name}.old"))


def target(output: Path) -> Path:
    """Return the folder the site is written into: output, or where it leads if it is a
    symbolic link (the link itself stays)."""
    output = output.absolute()
    return Path(os.path.realpath(output)) if output.is_symlink() else output


def refusal(output: Path, recorded: Callable[[], bool]) -> str | None:
    """Return why output may not become the site (a build replaces all it holds), or None.

    It may when it is missing, empty, holds the MARKER of an earlier build, or is the
    one the last build's manifest recorded (recorded(), asked only when the folder has
    no marker: outputs made before the marker existed).
    """
    folder = target(output)
    if not folder.exists():
        return None
    if not folder.is_dir():
        return "is a file, not a folder"
    try:
        with os.scandir(folder) as entries:
            names = {entry.name for entry in entries} - {INSIDE}
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if not names:
        return None
    marker = folder / MARKER
    if MARKER in names and marker.is_file() and not marker.is_symlink():
        return None
    if recorded():
        return None
    return f"holds files xpromo did not write (it has no {MARKER} file)"


def remove(path: Path) -> None:
    """Remove a file, link or folder tree at path, if there is one."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


@dataclass(frozen=True)
class Survey:
    """What the output folder holds before a build: the recorded files still unchanged, and
    every other entry (edited files, files put there by hand, symbolic links)."""

    current: dict[str, Entry]  # path → its entry
    others: list[str]


def survey(output: Path, recorded: Mapping[str, Entry]) -> Survey:
    """Walk the output folder (its target) once and sort what it holds (see Survey).

    recorded maps paths to their Entry. A file counts as current when its size
    and mtime are the recorded ones; anything else is written again if the site has
    it, and removed if not.
    """
    current: dict[str, Entry] = {}
    others: list[str] = []
    stack = [(str(target(output)), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for found in entries:
            name = prefix + found.name
            if name == INSIDE:
                continue
            if found.is_dir(follow_symlinks=False):
                stack.append((found.path, name + "/"))
                continue
            known = recorded.get(name)
            unchanged = known is not None and not found.is_symlink()
            if (
                known is not None
                and unchanged
                and known.unchanged(found.stat(follow_symlinks=False))
            ):
                current[name] = known
                continue
            others.append(name)
    return Survey(current, others)


@contextmanager
def lock(cache: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold the build lock of the cache folder: builds sharing it (and so their output
    folders) take turns. waiting is called once when another build holds it."""
    cache.mkdir(parents=True, exist_ok=True)
    handle = os.open(cache / "lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock
