"""How independent jobs run: a `JobMap` maps a job function over argument tuples.

Dataset shards, sweep members and ablation seeds are such jobs. Whoever makes the jobs takes a
JobMap as an argument, so it never imports a distribution framework it was not asked to use
(the Ray one lives in `kdoffload.ray_jobs`). A JobMap yields `(position, result)` pairs in the
order jobs finish, so the caller can save each result the moment it arrives; `shared` holds
large read-only inputs every job needs, which an engine may ship once rather than per job.
"""

from __future__ import annotations

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
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            futures = {pool.submit(fn, *job, **(shared or {})): position
                       for position, job in enumerate(jobs)}
            for future in as_completed(futures):
                yield futures[future], future.result()

    return run
