"""Putting the staged site in place: `prepare` the staging folder (finishing a publish
that was stopped), `publish` it (hard-link the unchanged files in, exchange the two
folders in one step; or, into a mount point, replace each changed file), or
`discard` it when the build failed."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from .folder import Survey, remove, siblings, target
from .stage import Stage


def prepare(output: Path) -> Path:
    """Make an empty staging folder for output and return it.

    Finishes a publish that stopped between its two renames first, and removes what a
    build that was stopped left.
    """
    folder = target(output)
    staging, old = siblings(folder)
    if old.exists() and not folder.exists():
        old.rename(folder)  # an earlier publish stopped between its two renames
    remove(staging)
    remove(old)
    staging.mkdir(parents=True)
    return staging


def discard(staging: Path) -> None:
    """Remove a staging folder whose build failed; the output was never touched."""
    remove(staging)


def publish(stage: Stage, output: Path, before: Survey) -> int:
    """Put the staged site in place (see the module's docstring); return how many files
    were written.

    before is the survey of the output folder taken before the build. Afterwards the
    output folder holds exactly the stage's files.
    """
    folder = target(output)
    staging, old = siblings(folder)
    if os.path.ismount(folder):
        _replace_each(stage, folder, staging, before)
    else:
        if folder.is_dir():
            _link_unchanged(stage, folder, staging)
        _swap(staging, folder, old)
    return len(stage.written)


def _link_unchanged(stage: Stage, output: Path, staging: Path) -> None:
    """Hard-link each file the build left unchanged from output into staging."""
    made: set[str] = set()
    link: Callable[[str, str], None] = os.link
    for path in stage.records:
        if path in stage.written:
            continue
        parent, _, _ = path.rpartition("/")
        if parent and parent not in made:
            os.makedirs(f"{staging}/{parent}", exist_ok=True)
            made.add(parent)
        source, copy = f"{output}/{path}", f"{staging}/{path}"
        try:
            link(source, copy)
        except OSError as error:
            if error.errno not in _NO_LINKS:
                raise
            link = _copy  # a file system without hard links: copy, keeping the mtime
            link(source, copy)


_NO_LINKS = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}


def _copy(source: str, copy: str) -> None:
    shutil.copy2(source, copy)


def _swap(staging: Path, output: Path, old: Path) -> None:
    """Make staging the output in one step for readers; the old site goes."""
    if not output.exists():
        staging.rename(output)
        return
    if _exchange(staging, output):
        remove(staging)  # it holds the old site now
        return
    output.rename(old)  # a build stopped here finds old and no output: prepare puts it back
    staging.rename(output)
    remove(old)


def _exchange(first: Path, second: Path) -> bool:
    """Exchange two folders atomically (Linux's renameat2); False where the system cannot."""
    function = getattr(_LIBC, "renameat2", None) if _LIBC is not None else None
    if function is None:
        return False
    done = function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), 2)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the file system has no exchange
    raise OSError(code, os.strerror(code), str(second))


_AT_FDCWD = -100
try:
    _LIBC: ctypes.CDLL | None = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover - a system without a C library to ask
    _LIBC = None


def _replace_each(stage: Stage, output: Path, staging: Path, before: Survey) -> None:
    """Publish into a mount point: each changed file replaces its copy, then the files
    the site no longer has go."""
    made: set[Path] = set()
    for path in sorted(stage.written):
        copy = output / path
        if copy.parent not in made:
            if copy.parent.is_file() or copy.parent.is_symlink():
                copy.parent.unlink()
            copy.parent.mkdir(parents=True, exist_ok=True)
            made.add(copy.parent)
        if copy.is_dir() and not copy.is_symlink():
            shutil.rmtree(copy)
        os.replace(staging / path, copy)
    remove(staging)
    gone = [p for p in (*before.current, *before.others) if p not in stage.records]
    _prune(output, gone)


def _prune(output: Path, gone: list[str]) -> None:
    """Remove the files the site no longer has, then the folders they leave empty."""
    folders: set[Path] = set()
    for path in gone:
        removed = output / path
        try:
            removed.unlink()
        except OSError:
            continue
        folders.update(p for p in removed.parents if output in p.parents)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        try:
            folder.rmdir()  # only when empty
        except OSError:
            continue
