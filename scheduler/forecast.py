"""The expected-delay optimum: the best placement a phone could choose knowing only the past.

`hindsight` picks the placement best for the one future a task really meets, which no decision
made at t can know. `forecast` picks the placement whose finish is earliest on average over
`FUTURES` futures of the network drawn from its law conditioned on what was seen up to t
(`scheduler.forecast_futures`: a process continued from its current state, a trace by a block
bootstrap of its recent past), from the stream's queues as they are. Every placement meets the
same futures (common random numbers), and each future is run exactly as the simulator would
(`scheduler.lanes`, all 3^N placements up to `hindsight.EXHAUSTIVE_MAX` subtasks; the local
search of `hindsight` beyond). It is the best causal per-task decision given the model of the
network, charged as a decision that takes no time (its Monte Carlo search runs on the host).

One thing it knows that a phone would not: when the work already queued on a link will be done
(the stream's queue ends, computed under the real rates), as the observation's backlog does.
"""

from __future__ import annotations

import copy

import numpy as np

from kdoffload.model.oracle import all_placements
from kdoffload.model.profile import Profile
from kdoffload.scheduler.executor import Executor, Task
from kdoffload.scheduler.forecast_futures import futures
from kdoffload.scheduler.hindsight import (BRANCH_FROM, EXHAUSTIVE_MAX, Hindsight, HindsightPolicy,
                                           finishes, local_search)
from kdoffload.scheduler.lanes import Lanes

NAME = "forecast"
FUTURES = 16  # futures per decision: the mean's standard error is a quarter of one future's spread


def on_future(executor: Executor, network) -> Executor:
    """The stream's executor with `network` in place of the real one (queues shared, unchanged:
    the lanes copy them)."""
    twin = copy.copy(executor)
    twin.network = network
    return twin


def mean_finishes(executor: Executor, task: Task, start: float, placements: np.ndarray | None,
                  worlds: list) -> tuple[np.ndarray, np.ndarray]:
    """Every placement's finish averaged over `worlds` (placements None: all 3^N, branching)."""
    total = None
    for world in worlds:
        twin = on_future(executor, world)
        if placements is None:
            placements, done = Lanes.every_placement(twin, task, start)
        else:
            done = finishes(twin, task, start, placements)
        total = done if total is None else total + done
    return placements, total / len(worlds)


def expected_best(executor: Executor, task: Task, arrival: float, start: float, count: int,
                  seed) -> Hindsight:
    """The placement of least mean delay over `count` futures from t = start; its mean delay."""
    worlds = futures(executor.network, start, count, seed)
    n = executor.n
    if n <= EXHAUSTIVE_MAX:
        branch = executor.faults is None and n >= BRANCH_FROM
        placements, done = mean_finishes(executor, task, start, None if branch else all_placements(n), worlds)
        k = int(np.argmin(done))  # first minimum: the lexicographically smallest
        return Hindsight(placements[k], float(done[k]) - arrival, True)
    return local_search(lambda x: mean_finishes(executor, task, start, x, worlds)[1], n, arrival)


def forecast_policy(profile: Profile, seed: int = 0, count: int = FUTURES) -> HindsightPolicy:
    """`forecast` as a simulator engine, on the stream protocol of `HindsightPolicy` (attach,
    arriving): it is shown the stream's queues and network, and reads the network up to the
    decision's instant only. Task k's futures are seeded by (seed, k), whatever policy asks."""
    return HindsightPolicy(profile, NAME, lambda executor, task, k, arrival, start:
                           expected_best(executor, task, arrival, start, count, (seed, k)))
