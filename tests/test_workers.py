"""Worker processes: results in order, failures reach the caller, nothing is left running."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

from xpromo_site import workers
from xpromo_site.errors import Diagnostic, Location, XpromoError
from xpromo_site.workers import WorkerError, run, split, worker_count


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    """A pool that waits forever fails the test instead of stalling the suite."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError("the worker pool did not answer within 60 s")

    before = _children()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
    assert _children() <= before  # every worker was waited for: none running, no zombie


def _children() -> set[str]:
    """The process ids of this process's children, running or waiting to be reaped."""
    found: set[str] = set()
    for task in Path("/proc/self/task").iterdir():
        found.update((task / "children").read_text().split())
    return found


def test_results_come_in_chunk_order_as_in_one_process() -> None:
    chunks = split(list(range(1000)), 2, per_worker=16)
    offset = 7  # a closure: workers inherit it by fork, nothing is pickled on the way out

    def square(chunk: list[int]) -> list[tuple[int, int]]:
        return [(n + offset, os.getpid()) for n in chunk]

    results = list(run(square, chunks, 2))
    assert [n for part in results for n, _ in part] == [n + offset for n in range(1000)]
    pids = {pid for part in results for _, pid in part}
    assert os.getpid() not in pids
    assert len(pids) <= 2


def test_an_exception_reaches_the_caller_at_its_turn_with_the_workers_traceback() -> None:
    def fail_at_three(chunk: list[int]) -> int:
        if chunk == [3]:
            raise ValueError("three")
        return chunk[0]

    seen = []
    with pytest.raises(ValueError, match="three") as raised:
        for value in run(fail_at_three, [[n] for n in range(8)], 2):
            seen.append(value)
    assert seen == [0, 1, 2]
    assert isinstance(raised.value.__cause__, WorkerError)
    assert "fail_at_three" in str(raised.value.__cause__)


def test_located_errors_travel_whole() -> None:
    problem = Diagnostic(Location("content/campaigns/a.md", 3, 1), "bad link", "fix it")

    def refuse(chunk: list[int]) -> int:
        raise XpromoError([problem])

    with pytest.raises(XpromoError) as raised:
        list(run(refuse, [[1], [2]], 2))
    assert raised.value.diagnostics == (problem,)


def test_a_result_that_cannot_travel_is_an_error_not_a_hang() -> None:
    def unpicklable(chunk: list[int]) -> object:
        return threading.Lock()

    with pytest.raises(WorkerError, match="could not be sent back"):
        list(run(unpicklable, [[1], [2], [3]], 2))


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    def die_at_one(chunk: list[int]) -> int:
        if chunk == [1]:
            os._exit(3)
        return chunk[0]

    with pytest.raises(WorkerError, match="ended before sending chunk 1"):
        list(run(die_at_one, [[n] for n in range(6)], 2))


def test_leaving_early_stops_the_workers() -> None:
    def slow(chunk: list[int]) -> int:
        if chunk[0] > 0:
            signal.pause()  # would never end on its own
        return chunk[0]

    results = run(slow, [[n] for n in range(4)], 2)
    assert next(results) == 0
    results.close()  # kills and waits for both workers (checked by the fixture)


def test_one_worker_or_one_chunk_runs_here() -> None:
    assert list(run(lambda chunk: os.getpid(), [[1], [2]], 1)) == [os.getpid()] * 2
    assert list(run(lambda chunk: os.getpid(), [[1]], 2)) == [os.getpid()]


def test_worker_count_follows_the_setting_and_the_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "_fork_is_safe", lambda: True)  # other tests' threads idle
    monkeypatch.setenv("XPROMO_WORKERS", "3")
    assert worker_count(1, 100) == 3
    monkeypatch.setenv("XPROMO_WORKERS", "1")
    assert worker_count(10_000, 100) == 1
    monkeypatch.delenv("XPROMO_WORKERS")
    assert worker_count(10, 100) == 1
    assert worker_count(1000, 100) == len(os.sched_getaffinity(0))


def test_split_keeps_order_and_evens_the_load() -> None:
    items = list(range(101))
    chunks = split(items, 2, per_worker=4)
    assert [n for chunk in chunks for n in chunk] == items
    assert len(chunks) == 8
    assert max(map(len, chunks)) - min(map(len, chunks)) <= 13
    assert split(items, 1) == [items]
    assert split([], 2) == []


def test_no_fork_while_other_threads_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XPROMO_WORKERS", "2")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert worker_count(10_000, 100) == 1  # a lock held in that thread could hang a child
    finally:
        stop.set()
        thread.join()


@pytest.fixture
def may_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork even while other tests' idle server threads run."""
    monkeypatch.setattr(workers, "_fork_is_safe", lambda: True)


@pytest.mark.usefixtures("may_fork")
def test_a_call_with_a_timeout_answers_like_the_call() -> None:
    assert workers.call_with_timeout(lambda: {"pid": os.getpid()}, 30) != {"pid": os.getpid()}
    assert workers.call_with_timeout(lambda: b"x" * 3_000_000, 30) == b"x" * 3_000_000
    with pytest.raises(ValueError, match="bad svg"):
        workers.call_with_timeout(lambda: (_ for _ in ()).throw(ValueError("bad svg")), 30)


@pytest.mark.usefixtures("may_fork")
def test_a_call_that_takes_too_long_is_stopped() -> None:
    import time

    def forever() -> None:
        while True:
            time.sleep(0.01)

    start = time.monotonic()
    with pytest.raises(workers.TimedOut, match=r"longer than 0\.5 seconds"):
        workers.call_with_timeout(forever, 0.5)
    assert time.monotonic() - start < 5


@pytest.mark.usefixtures("may_fork")
def test_a_call_whose_process_dies_is_a_worker_error() -> None:
    with pytest.raises(WorkerError):
        workers.call_with_timeout(lambda: os._exit(3), 30)
