"""Worker processes for the heavy phases: fork, hand each one chunks of work, results in order.

Workers are forked from the building process, so they see everything it holds (the
Site, the Jinja environment) without pickling it; only chunk numbers go out and
results come back. Results arrive in chunk order, so output stays deterministic.
Where fork is missing or unsafe (Windows, macOS, a process running other threads,
such as the preview server), or the work is too small to repay the start-up, the
work runs in this process instead.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

WORKERS_ENV = "XPROMO_WORKERS"  # a fixed number of worker processes (1: none)

_job: tuple[Callable[[Any], Any], Sequence[Any]] | None = None  # what forked workers run


def worker_count(tasks: int, minimum: int) -> int:
    """Return how many processes should share tasks units of work: 1 means this one alone.

    XPROMO_WORKERS, when set to a number, decides; otherwise one per available core
    once there are at least minimum tasks, where fork is safe.
    """
    wanted = os.environ.get(WORKERS_ENV, "").strip()
    if wanted.isdigit():
        count = max(1, int(wanted))
    elif tasks < minimum:
        return 1
    else:
        count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    if not _fork_is_safe():
        return 1
    return count


def _fork_is_safe() -> bool:
    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def _call(index: int) -> Any:
    assert _job is not None
    function, chunks = _job
    return function(chunks[index])


def run(
    function: Callable[[Chunk], Result], chunks: Sequence[Chunk], workers: int
) -> Iterator[Result]:
    """Yield function(chunk) for each chunk, in order, computed by workers processes.

    With one worker (or one chunk) everything runs here. function may be a closure:
    workers inherit it by fork. Exceptions it raises reach the caller.
    """
    global _job
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield function(chunk)
        return
    _job = (function, chunks)
    gc.collect()
    gc.freeze()  # what the workers inherit stays shared: the collector will not touch it
    try:
        with multiprocessing.get_context("fork").Pool(min(workers, len(chunks))) as pool:
            yield from pool.imap(_call, range(len(chunks)))
    finally:
        _job = None
        gc.unfreeze()


def split(items: Sequence[Chunk], workers: int, per_worker: int = 8) -> list[Sequence[Chunk]]:
    """Cut items into contiguous chunks: per_worker chunks a worker, so the load evens out."""
    if not items:
        return []
    if workers <= 1:
        return [items]
    count = max(1, min(len(items), workers * per_worker))
    size = -(-len(items) // count)
    return [items[start : start + size] for start in range(0, len(items), size)]
