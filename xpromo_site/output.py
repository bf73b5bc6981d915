"""The only writer of the output: stage the new site beside the output folder, then swap it in.

While the site renders, every file goes through a `Stage`: it is hashed, and only a
file whose bytes differ from the output's current copy (as the last build's manifest
recorded it and the disk still shows it) is written, into a staging folder beside
the output (`.public.staging`). Nothing inside the output folder is touched until
every page has rendered, so a build that fails leaves the previous output exactly
as it was.

`publish` then makes the staging folder the whole new site, hard-linking each file
that did not change from the output into it (a link, not a copy: the file keeps its
inode and mtime, so rsync, CDNs and the next no-change check see it as it was), and
puts it in place in one step: the two folders are exchanged by one `renameat2`
(`RENAME_EXCHANGE`) where the system has it, else by two renames, which a build
that is stopped between them finishes on its next start (see `prepare`). A reader,
a deploy or a build killed at any moment sees the old site or the new one, never a
mix.

Two kinds of output folder cannot be swapped:

* a **symbolic link** is followed: the site is written into its target (see `target`),
  and the link is left as it was;
* a **mount point** cannot be renamed: the staging folder goes inside it
  (`.xpromo-staging`) and each changed file replaces its copy with one rename. Readers
  see every file whole, old or new; for the moment the renames take, the site can show
  new pages beside old ones.

The output folder is xpromo's: a build replaces everything in it. So it must be
missing, empty, or marked as one that xpromo wrote (`MARKER`, a file every build
writes); `refusal` says why any other folder is not (`-o .git`, `-o docs` holding a
hand-written site). Builds into one output folder take turns (`lock`).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MARKER = ".xpromo-output"
MARKER_TEXT = b"This folder is the output of xpromo build: each build replaces everything in it.\n"
INSIDE = ".xpromo-staging"  # the staging folder inside an output folder that is a mount point


@dataclass(frozen=True, slots=True)
class Record:
    """One output file as written: where, how big, its content digest and its mtime."""

    path: str  # relative to the output folder, "/"-separated
    size: int
    digest: str
    mtime_ns: int


@dataclass(frozen=True, slots=True)
class Entry:
    """What the output keeps of one file it holds: its size, mtime and content digest.

    The manifest stores it as one short string (text, parse): a large site has tens of
    thousands of files.
    """

    size: int
    mtime_ns: int
    digest: str

    def text(self) -> str:
        return f"{self.size} {self.mtime_ns} {self.digest}"

    @classmethod
    def parse(cls, text: str) -> Entry:
        size, mtime, digest = text.split(" ")
        return cls(int(size), int(mtime), digest)

    def unchanged(self, found: os.stat_result) -> bool:
        """True when the file on disk (its stat) is as this entry recorded it."""
        return self.size == found.st_size and self.mtime_ns == found.st_mtime_ns

    def at(self, path: str) -> Record:
        return Record(path, self.size, self.digest, self.mtime_ns)


def digest_of(data: bytes) -> str:
    """Return the content digest the manifest keeps for a file's bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


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


def refusal(output: Path, recorded: bool) -> str | None:
    """Return why output may not become the site (a build replaces all it holds), or None.

    It may when it is missing, empty, holds the MARKER of an earlier build, or is the
    one the last build's manifest recorded (recorded; outputs made before the marker).
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
    if not names or recorded:
        return None
    marker = folder / MARKER
    if MARKER in names and marker.is_file() and not marker.is_symlink():
        return None
    return f"holds files xpromo did not write (it has no {MARKER} file)"


def _remove(path: Path) -> None:
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


class Stage:
    """Receives the output files one by one; writes into the staging folder only what changed.

    current maps each file the output folder holds unchanged to its entry (see survey).
    Several Stages (one per worker process) may write into the same staging folder,
    each its own files.
    """

    def __init__(self, staging: Path, current: Mapping[str, Entry]) -> None:
        self.staging = staging
        self.current = current
        self.records: dict[str, Entry] = {}  # path → its entry
        self.written: dict[str, None] = {}  # paths written into the staging folder, in order
        self._made: set[Path] = set()

    def _same(self, path: str, size: int, digest: str) -> Entry | None:
        old = self.current.get(path)
        if old is not None and old.digest == digest and old.size == size:
            return old
        return None

    def add(self, path: str, data: bytes) -> None:
        """Take the file at path (relative, "/"-separated) with its final bytes."""
        digest = digest_of(data)
        taken = self.records.get(path)
        if taken is not None and taken.digest == digest:
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
        self.records[path] = Entry(len(data), mtime, digest)
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
        self.records[path] = Entry(size, mtime, hashed.hexdigest())
        self.written[path] = None

    def result(self) -> tuple[dict[str, Entry], list[str]]:
        """Return what this Stage took (entries, paths written), for another Stage's merge."""
        return self.records, list(self.written)

    def merge(self, result: tuple[dict[str, Entry], Iterable[str]]) -> None:
        """Take the entries of files another Stage (a worker's) handled."""
        records, written = result
        self.records.update(records)
        self.written.update(dict.fromkeys(written))


def prepare(output: Path) -> Path:
    """Make an empty staging folder for output and return it.

    Finishes a publish that stopped between its two renames first, and removes what a
    build that was stopped left.
    """
    folder = target(output)
    staging, old = siblings(folder)
    if old.exists() and not folder.exists():
        old.rename(folder)  # an earlier publish stopped between its two renames
    _remove(staging)
    _remove(old)
    staging.mkdir(parents=True)
    return staging


def discard(staging: Path) -> None:
    """Remove a staging folder whose build failed; the output was never touched."""
    _remove(staging)


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
        _remove(staging)  # it holds the old site now
        return
    output.rename(old)  # a build stopped here finds old and no output: prepare puts it back
    staging.rename(output)
    _remove(old)


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
    _remove(staging)
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
