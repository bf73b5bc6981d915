"""The only writer of the output: stage what changed beside the output folder, then publish it.

While the site renders, every file goes through a `Stage`: it is hashed, and only a
file whose bytes differ from the output's current copy (as the last build's manifest
recorded it and the disk still shows it) is written, into a staging folder beside
the output (`.public.staging`). Nothing inside the output folder is touched until
every page has rendered, so a build that fails leaves the previous output exactly
as it was.

`publish` then puts the staged files in place, in one of two ways:

* **Swap** (a clean build, or when every file changed): the staging folder holds the
  whole site and replaces the output folder with two renames, so readers see the old
  site or the new one, never a mix.
* **In place** (some files unchanged): each changed file replaces its old copy with one
  rename, files the site no longer has are removed, and unchanged files are not
  touched at all: their inode and mtime stay, so rsync, CDNs and the next no-change
  check see them as they were. A reader sees every file whole, old or new; for the
  moment the renames take, the site can show some new pages beside old ones (a link
  from a new page to a page being added a millisecond later). A crash in that moment
  leaves whole files of both builds, and the next build, seeing them differ from
  the manifest, rewrites them.

The trade-off is deliberate: hard-linking every unchanged file into a fresh folder
and swapping it would keep the swap's all-or-nothing view, but costs one link per
file (tens of thousands on a large program) on every build in which one campaign
changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Record:
    """One output file as written: where, how big, its content digest and its mtime."""

    path: str  # relative to the output folder, "/"-separated
    size: int
    digest: str
    mtime_ns: int


def entry(size: int, mtime_ns: int, digest: str) -> str:
    """Return a file's record as the manifest keeps it: one short string, "size mtime digest".

    A large site has tens of thousands of files; one string each keeps that small.
    """
    return f"{size} {mtime_ns} {digest}"


def record(path: str, text: str) -> Record:
    """Return the Record of the file at path from its entry."""
    size, mtime, digest = text.split(" ")
    return Record(path, int(size), digest, int(mtime))


def digest_of(data: bytes) -> str:
    """Return the content digest the manifest keeps for a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def siblings(output: Path) -> tuple[Path, Path]:
    """Return the staging and old-site folders beside output."""
    return (output.with_name(f".{output.name}.staging"), output.with_name(f".{output.name}.old"))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


@dataclass(frozen=True)
class Survey:
    """What the output folder holds before a build: the recorded files still unchanged, and
    every other entry (edited files, files put there by hand, symbolic links)."""

    current: dict[str, str]  # path → entry
    others: list[str]


def survey(output: Path, recorded: Mapping[str, str]) -> Survey:
    """Walk the output folder once and sort what it holds (see Survey).

    recorded maps paths to entries (see entry). A file counts as current when its size
    and mtime are the recorded ones; anything else is written again if the site has
    it, and removed if not.
    """
    current: dict[str, str] = {}
    others: list[str] = []
    stack = [(str(output), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for found in entries:
            name = prefix + found.name
            if found.is_dir(follow_symlinks=False):
                stack.append((found.path, name + "/"))
                continue
            text = recorded.get(name)
            if text is not None and not found.is_symlink():
                stat = found.stat(follow_symlinks=False)
                if text.startswith(f"{stat.st_size} {stat.st_mtime_ns} "):
                    current[name] = text
                    continue
            others.append(name)
    return Survey(current, others)


class Stage:
    """Receives the output files one by one; writes into the staging folder only what changed.

    current maps each file the output folder holds unchanged to its entry (see survey).
    Several Stages (one per worker process) may write into the same staging folder,
    each its own files.
    """

    def __init__(self, staging: Path, current: Mapping[str, str]) -> None:
        self.staging = staging
        self.current = current
        self.records: dict[str, str] = {}  # path → entry
        self.written: dict[str, None] = {}  # paths written into the staging folder, in order
        self._made: set[Path] = set()

    def _same(self, path: str, size: int, digest: str) -> str | None:
        old = self.current.get(path)
        if old is not None and old.endswith(digest) and old.startswith(f"{size} "):
            return old
        return None

    def add(self, path: str, data: bytes) -> None:
        """Take the file at path (relative, "/"-separated) with its final bytes."""
        digest = digest_of(data)
        taken = self.records.get(path)
        if taken is not None and taken.endswith(digest):
            return  # the same file again (a share image two pages use)
        old = self._same(path, len(data), digest)
        if old is not None:
            self.records[path] = old
            return
        target = self.staging / path
        if target.parent not in self._made:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made.add(target.parent)
        # os-level calls: creating files dominates a clean build, so no extra syscalls
        handle = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(handle, view) :]
            mtime = os.fstat(handle).st_mtime_ns  # set by the last write
        finally:
            os.close(handle)
        self.records[path] = entry(len(data), mtime, digest)
        self.written[path] = None

    def add_parts(self, path: str, parts: Iterable[bytes]) -> None:
        """Take a large file at path as consecutive parts: written while hashed, never whole.

        When the whole turns out to match the output's copy, the staged file is removed.
        """
        target = self.staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        hashed = hashlib.blake2b(digest_size=16)
        size = 0
        with open(target, "wb") as file:
            for part in parts:
                hashed.update(part)
                size += len(part)
                file.write(part)
            file.flush()
            mtime = os.fstat(file.fileno()).st_mtime_ns
        old = self._same(path, size, hashed.hexdigest())
        if old is not None:
            target.unlink()
            self.records[path] = old
            return
        self.records[path] = entry(size, mtime, hashed.hexdigest())
        self.written[path] = None

    def result(self) -> tuple[dict[str, str], list[str]]:
        """Return what this Stage took (entries, paths written), for another Stage's merge."""
        return self.records, list(self.written)

    def merge(self, result: tuple[dict[str, str], Iterable[str]]) -> None:
        """Take the entries of files another Stage (a worker's) handled."""
        records, written = result
        self.records.update(records)
        self.written.update(dict.fromkeys(written))


def prepare(output: Path) -> Path:
    """Make an empty staging folder beside output and return it.

    Finishes a publish that stopped between its two renames first.
    """
    output = output.absolute()
    staging, old = siblings(output)
    if old.exists() and not output.exists():
        old.rename(output)  # an earlier publish stopped between its two renames
    _remove(staging)
    _remove(old)
    staging.mkdir(parents=True)
    return staging


def discard(staging: Path) -> None:
    """Remove a staging folder whose build failed; the output was never touched."""
    _remove(staging)


def publish(stage: Stage, output: Path, before: Survey) -> int:
    """Put the staged files in place (see the module's docstring); return how many were written.

    before is the survey of the output folder taken before the build. Afterwards the
    output folder holds exactly the stage's files.
    """
    output = output.absolute()
    staging, old = siblings(output)
    written = len(stage.written)
    if not output.is_dir() or written == len(stage.records):
        if output.exists() or output.is_symlink():
            output.rename(old)
        staging.rename(output)
        _remove(old)
        return written
    made: set[Path] = set()
    for path in sorted(stage.written):
        target = output / path
        if target.parent not in made:
            if target.parent.is_file() or target.parent.is_symlink():
                target.parent.unlink()
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(staging / path, target)
    _remove(staging)
    gone = [p for p in (*before.current, *before.others) if p not in stage.records]
    _prune(output, gone)
    return written


def _prune(output: Path, gone: list[str]) -> None:
    """Remove the files the site no longer has, then the folders they leave empty."""
    folders: set[Path] = set()
    for path in gone:
        target = output / path
        try:
            target.unlink()
        except OSError:
            continue
        folders.update(p for p in target.parents if output in p.parents)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        try:
            folder.rmdir()  # only when empty
        except OSError:
            continue
