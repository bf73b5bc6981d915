"""Where rendered files go: the Sink protocol, Memory (check and tests), OutputFile."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class OutputFile:
    path: str  # relative to the output folder, "/"-separated
    data: bytes


class Sink(Protocol):
    """Receives output files as they are rendered; workers' sinks are merged into the main one."""

    def add(self, path: str, data: bytes) -> None:
        """Take the file at path (relative, "/"-separated) with its final bytes."""

    def add_parts(self, path: str, parts: Iterable[bytes]) -> None:
        """Take a large file at path as consecutive parts, without holding it whole."""

    def result(self) -> Any:
        """Return what this sink took, picklable, for merge."""

    def merge(self, result: Any) -> None:
        """Take what another sink (a worker's) returned from result()."""


class Memory:
    """A Sink keeping every file in memory: for check and for tests."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def add(self, path: str, data: bytes) -> None:
        self.files[path] = data

    def add_parts(self, path: str, parts: Iterable[bytes]) -> None:
        self.files[path] = b"".join(parts)

    def result(self) -> dict[str, bytes]:
        return self.files

    def merge(self, result: dict[str, bytes]) -> None:
        self.files.update(result)
