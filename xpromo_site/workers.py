"""Worker processes for the heavy phases: fork, hand each one chunks of work, results in order.

Workers are forked from the building process, so they see everything it holds (the
Site, the Jinja environment) without pickling it; only chunk numbers go out and
results come back. Results are handed on in chunk order, so output stays
deterministic. Where fork is missing or unsafe (Windows, macOS, a process running
other threads, such as the preview server), or the work is too small to repay the
start-up, the work runs in this process instead.

The pool is a few pipes rather than multiprocessing.Pool, whose helper threads can
wait forever when a worker dies or sends back something that does not unpickle. Here
a worker that ends without its result, or an exception that cannot travel, becomes
an error in the caller, and leaving early (an error, Ctrl-C) kills the workers.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import select
import signal
import struct
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

WORKERS_ENV = "XPROMO_WORKERS"  # a fixed number of worker processes (1: none)

_INDEX = struct.Struct("<I")  # a chunk number, as the task pipe carries it
_SIZE = struct.Struct("<Q")  # the length of a result message that follows
_MAX_CHUNKS = 8192  # the task pipe is filled before forking: stay within its buffer


class WorkerError(RuntimeError):
    """A worker process failed in a way its exception could not carry back."""


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


def can_fork() -> bool:
    """True when this process may fork workers (Linux, no other threads running)."""
    return _fork_is_safe()


def _fork_is_safe() -> bool:
    return (
        sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1
    )


def run(
    function: Callable[[Chunk], Result], chunks: Sequence[Chunk], workers: int
) -> Iterator[Result]:
    """Yield function(chunk) for each chunk, in order, computed by workers processes.

    With one worker (or one chunk) everything runs here. function may be a closure:
    workers inherit it by fork. An exception it raises reaches the caller at that
    chunk's turn, as if the chunks had run here one after another.
    """
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield function(chunk)
        return
    if len(chunks) > _MAX_CHUNKS:
        raise ValueError(f"at most {_MAX_CHUNKS} chunks, not {len(chunks)}")
    yield from _Pool(function, chunks, min(workers, len(chunks))).results()


class _Pool:
    """count forked processes taking chunk numbers from one pipe, each answering on its own."""

    def __init__(self, function: Callable[[Any], Any], chunks: Sequence[Any], count: int) -> None:
        self.function = function
        self.chunks = chunks
        self.count = count
        self.children: dict[int, int] = {}  # pid → the read end of its result pipe

    def results(self) -> Iterator[Any]:
        tasks_in, tasks_out = os.pipe()
        payload = b"".join(_INDEX.pack(index) for index in range(len(self.chunks)))
        _write_all(tasks_out, payload)  # fits the pipe's buffer: nobody reads yet
        gc.collect()
        gc.freeze()  # what the workers inherit stays shared: the collector will not touch it
        finished = False
        try:
            for _ in range(self.count):
                self._fork(tasks_in, tasks_out)
            os.close(tasks_out)
            tasks_out = -1
            yield from self._collect()
            finished = True
        finally:
            if tasks_out >= 0:
                os.close(tasks_out)
            os.close(tasks_in)
            self._reap(kill=not finished)
            gc.unfreeze()

    def _fork(self, tasks_in: int, tasks_out: int) -> None:
        answer_in, answer_out = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it at once
                os.close(tasks_out)
                os.close(answer_in)
                for earlier in self.children.values():
                    os.close(earlier)
                self._work(tasks_in, answer_out)
                code = 0
            finally:
                os._exit(code)  # no atexit handlers, no buffers of the parent flushed twice
        os.close(answer_out)
        self.children[pid] = answer_in

    def _work(self, tasks_in: int, answer_out: int) -> None:
        while True:
            raw = os.read(tasks_in, _INDEX.size)  # whole numbers: a pipe read is atomic
            if not raw:
                return
            (index,) = _INDEX.unpack(raw)
            message: tuple[int, bool, Any, str | None]
            try:
                message = (index, True, self.function(self.chunks[index]), None)
            except Exception as error:  # sent back, raised by the caller at its turn
                message = (index, False, error, traceback.format_exc())
            _write_all(answer_out, _pack(message))

    def _collect(self) -> Iterator[Any]:
        waiting = dict(self.children)  # pid → read end, until its worker has said all
        by_fd = {fd: pid for pid, fd in waiting.items()}
        arrived: dict[int, tuple[bool, Any, str | None]] = {}
        for turn in range(len(self.chunks)):
            while turn not in arrived:
                if not waiting:
                    raise WorkerError(_lost(turn, self._reap(kill=True)))
                ready, _, _ = select.select(list(waiting.values()), [], [])
                for fd in ready:
                    message = _read_message(fd)
                    if message is None:  # this worker has no more to say
                        del waiting[by_fd[fd]]
                        continue
                    index, ok, value, text = message
                    arrived[index] = (ok, value, text)
            ok, value, text = arrived.pop(turn)
            if not ok:
                raise _rebuilt(value, text)
            yield value

    def _reap(self, kill: bool) -> dict[int, int]:
        """Wait for every worker (killing them first if asked); return pid → exit status."""
        statuses = {}
        for pid, fd in self.children.items():
            if kill:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            statuses[pid] = status
            os.close(fd)
        self.children = {}
        return statuses


def _pack(message: tuple[int, bool, Any, str | None]) -> bytes:
    try:
        data = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # an exception or result that cannot travel: say what it was
        index, ok, value, text = message
        what = "result" if ok else f"{type(value).__name__}: {value}"
        failure = WorkerError(f"a worker's {what} could not be sent back: {error}")
        data = pickle.dumps((index, False, failure, text), pickle.HIGHEST_PROTOCOL)
    return _SIZE.pack(len(data)) + data


def _read_message(fd: int) -> tuple[int, bool, Any, str | None] | None:
    head = _read_exactly(fd, _SIZE.size)
    if head is None:
        return None
    body = _read_exactly(fd, _SIZE.unpack(head)[0])
    if body is None:
        return None
    try:
        message: tuple[int, bool, Any, str | None] = pickle.loads(body)
    except Exception as error:
        raise WorkerError(f"a worker's answer could not be read: {error}") from error
    return message


def _read_exactly(fd: int, size: int) -> bytes | None:
    """Read size bytes from fd; None at the end of the pipe (also midway: a worker died)."""
    parts = []
    while size:
        part = os.read(fd, min(size, 1 << 20))
        if not part:
            return None
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _rebuilt(error: BaseException, text: str | None) -> BaseException:
    """The worker's exception, with its traceback there as the cause (shown by --debug)."""
    if text and error.__cause__ is None:
        error.__cause__ = WorkerError("in a worker process:\n" + text.rstrip())
    return error


def _lost(turn: int, statuses: dict[int, int]) -> str:
    codes = sorted({os.waitstatus_to_exitcode(status) for status in statuses.values()})
    said = ", ".join(str(code) for code in codes) or "unknown"
    return f"worker processes ended before sending chunk {turn} (exit status {said})"


def split(items: Sequence[Chunk], workers: int, per_worker: int = 8) -> list[Sequence[Chunk]]:
    """Cut items into contiguous chunks: per_worker chunks a worker, so the load evens out."""
    if not items:
        return []
    if workers <= 1:
        return [items]
    count = max(1, min(len(items), workers * per_worker))
    size = -(-len(items) // count)
    return [items[start : start + size] for start in range(0, len(items), size)]


class TimedOut(Exception):
    """A call run by `call_with_timeout` did not finish in time; it was stopped."""


def call_with_timeout(function: Callable[[], Result], seconds: float) -> Result:
    """Return function(), run in a forked process that is killed after seconds.

    Raises TimedOut when it takes longer, WorkerError when the process ends without an
    answer, and what function raised when that can travel back. Where fork is unsafe
    (see worker_count) function runs here, without a time limit.
    """
    if not _fork_is_safe():
        return function()
    answer_in, answer_out = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.close(answer_in)
            try:
                message = pickle.dumps((True, function()))
            except Exception as error:  # sent back as data, raised in the caller
                message = pickle.dumps((False, error))
            _write_all(answer_out, message)
        finally:
            os._exit(0)
    os.close(answer_out)
    try:
        data = _read_until(answer_in, time.monotonic() + seconds)
    finally:
        os.close(answer_in)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)
    if data is None:
        raise TimedOut(f"it took longer than {seconds:g} second{'s' * (seconds != 1)}")
    try:
        ok, value = pickle.loads(data)
    except Exception:
        raise WorkerError("the process ended without an answer") from None
    if not ok:
        raise value
    return value  # type: ignore[no-any-return]


def _read_until(fd: int, deadline: float) -> bytes | None:
    """Return everything written to fd until it is closed, or None at the deadline."""
    parts: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        part = os.read(fd, 1 << 20)
        if not part:
            return b"".join(parts)
        parts.append(part)
