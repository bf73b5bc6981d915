"""The Stage: output files arrive one by one while pages render, each is hashed, and
only those whose bytes differ from the output's current copy are written into the
staging folder. `Entry` and `Record` are what is kept of each file."""

from __future__ import annotations

import hashlib
import os
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
