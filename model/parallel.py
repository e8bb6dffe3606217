"""How independent jobs run: a `JobMap` maps a job function over argument tuples.

Dataset shards, sweep members and ablation seeds are such jobs. Whoever makes the jobs takes a
JobMap as an argument, so it never imports a distribution framework it was not asked to use
(the Ray one lives in `kdoffload.ray_jobs`). A JobMap yields `(position, result)` pairs in the
order jobs finish, so the caller can save each result the moment it arrives; `shared` holds
large read-only inputs every job needs, which an engine may ship once rather than per job.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from typing import Any, Callable, Iterator, Mapping, Sequence

JobMap = Callable[[Callable[..., Any], Sequence[tuple], Mapping[str, Any]], Iterator[tuple[int, Any]]]


def serial(fn: Callable[..., Any], jobs: Sequence[tuple],
           shared: Mapping[str, Any] | None = None) -> Iterator[tuple[int, Any]]:
    """Every job in this process, one after another."""
    for position, job in enumerate(jobs):
        yield position, fn(*job, **(shared or {}))


def process_pool(workers: int) -> JobMap:
    """Jobs in `workers` spawned processes on this machine (one worker: in this process)."""
    if workers == 1:
        return serial

    def run(fn: Callable[..., Any], jobs: Sequence[tuple],
            shared: Mapping[str, Any] | None = None) -> Iterator[tuple[int, Any]]:
        # spawn, not fork: a forked copy of a process holding torch's thread pool can deadlock.
        pool = ProcessPoolExecutor(workers, mp_context=get_context("spawn"),
                                   initializer=_ignore_interrupts)
        try:
            with _interrupts_held():  # the workers start during submit and inherit the blocked mask
                futures = {pool.submit(fn, *job, **(shared or {})): position
                           for position, job in enumerate(jobs)}
            for future in as_completed(futures):
                yield futures[future], future.result()
        except BaseException:  # Ctrl-C or a failed job: stop at once, not after the queue drains
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()

    return run


@contextmanager
def _interrupts_held():
    """Ctrl-C held back meanwhile and acted on after (late, never lost), while workers start.

    A Ctrl-C goes to the terminal's whole process group, workers included: a worker started here
    inherits SIGINT blocked, so it never sees one, even before its initializer runs. Blocking it
    in this thread is not enough for this process (another thread may take the signal and
    Python runs the handler here all the same), so the handler only notes it meanwhile: a worker
    left half-started would print the traceback of its broken start-up.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: arrived.append(signum))
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        signal.signal(signal.SIGINT, previous)
    if arrived and callable(previous):
        previous(signal.SIGINT, None)


def _ignore_interrupts() -> None:
    """Ctrl-C is the driver's to handle: a worker that dies of it would print its own traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
