"""The hindsight per-task optimum: the placement that is best for the rates the task will meet.

For a task that starts at `start` with the stream's queues as they are (device core, edge cores,
links), every placement is executed as the simulator would run it, under the network's actual
future (the trace or the process's realisation, fluid transfers), and the one whose last output
reaches the device first wins (ties: the lexicographically smallest placement). It reads the
future, so only the simulator can run it; no decision made on the phone can do better for that
task from that queue state, which makes it an upper bound for every per-task policy.

Up to `EXHAUSTIVE_MAX` subtasks it is exact: all 3^N placements side by side (`scheduler.lanes`,
chunked, or branching subtask by subtask from `BRANCH_FROM` subtasks on). Beyond that it is a local search (from the three single-site placements, one-subtask
moves while one helps): a placement no better than the optimum, not the optimum, and
`Hindsight.exact` says so. With outage windows the executor itself is run for each placement
(exact, slower).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from kdoffload.model.errors import InputError
from kdoffload.model.oracle import all_placements
from kdoffload.model.profile import Profile
from kdoffload.model.states import States
from kdoffload.scheduler.executor import Executor, Log, Task
from kdoffload.scheduler.lanes import Lanes

NAME = "hindsight"
EXHAUSTIVE_MAX = 10  # 3^10 = 59,049 placements per task
CHUNK = 8192  # lanes evaluated at once
# From this many subtasks the lanes branch subtask by subtask (a prefix run once for all its
# completions); below it the extra numpy calls per level cost more than the work they share
# (chain6: 2.6 ms flat against 6.7 ms branching; dag10: 335 ms against 156 ms, on this machine).
BRANCH_FROM = 8


@dataclass(frozen=True)
class Hindsight:
    """The best placement for one task in hindsight, and the task's delay under it."""

    placement: np.ndarray  # [N] int8
    delay: float  # finish - arrival, s
    exact: bool  # all 3^N placements were compared


def executor_copy(executor: Executor) -> Executor:
    """The stream's queues, copied: runs on it leave the stream as it is (network, faults shared:
    they are the world, drawn lazily and the same whatever order they are asked in)."""
    twin = copy.copy(executor)
    twin.device = copy.deepcopy(executor.device)
    twin.edge_free, twin.link_free, twin.log = list(executor.edge_free), list(executor.link_free), Log()
    return twin


def finishes(executor: Executor, task: Task, start: float, placements: np.ndarray) -> np.ndarray:
    """When `task`, its decision done at `start`, would finish under each placement [P, N]: [P] s."""
    if executor.faults is not None:
        return np.array([executor_copy(executor).run(0, start, start, start, task, x).done
                         for x in placements.tolist()])
    out = np.empty(len(placements))
    for a in range(0, len(placements), CHUNK):
        out[a:a + CHUNK] = Lanes(executor, len(placements[a:a + CHUNK])).finish(
            task, start, placements[a:a + CHUNK])
    return out


def best_placement(executor: Executor, task: Task, arrival: float, start: float) -> Hindsight:
    """The hindsight optimum of one task, decided at `start` (its decision, if charged, already
    reserved on `executor`'s device core), from the queues `executor` holds now.

    `executor` is the running stream's (`scheduler.stream.simulate` builds it); it is not changed.
    """
    n = executor.n
    if n <= EXHAUSTIVE_MAX:
        if executor.faults is None and n >= BRANCH_FROM:
            placements, done = Lanes.every_placement(executor, task, start)
        else:
            placements = all_placements(n)
            done = finishes(executor, task, start, placements)
        k = int(np.argmin(done))  # first minimum: the lexicographically smallest
        return Hindsight(placements[k], float(done[k]) - arrival, True)
    return _local_search(executor, task, arrival, start)


def _local_search(executor: Executor, task: Task, arrival: float, start: float) -> Hindsight:
    return local_search(lambda x: finishes(executor, task, start, x), executor.n, arrival)


def local_search(finish, n: int, arrival: float) -> Hindsight:
    """From the best single-site placement, the best one-subtask move while one helps, with
    `finish(placements [P, N]) -> [P]` s scoring each: a good placement, not shown optimal."""
    current = np.full((3, n), np.arange(3, dtype=np.int8)[:, None], dtype=np.int8)
    done = finish(current)
    best, value = current[int(np.argmin(done))], float(done.min())
    while True:
        moves = np.repeat(best[None], 2 * n, axis=0)
        for i in range(n):
            moves[2 * i, i], moves[2 * i + 1, i] = (best[i] + 1) % 3, (best[i] + 2) % 3
        done = finish(moves)
        if not done.min() < value:
            return Hindsight(best, value - arrival, False)
        best, value = moves[int(np.argmin(done))], float(done.min())


class HindsightPolicy:
    """`hindsight` as a simulator engine: the stream attaches its executor and announces each task.

    `scheduler.stream.simulate` calls `attach(executor, tasks, decision_time)` once and
    `arriving(k, arrival, decision_start)` before each decision; outside it `decide` is an error.
    The decision itself is charged as a zero-time call would be (an oracle has no phone time).
    """

    sees_future = True

    def __init__(self, profile: Profile, name: str = NAME, expert=None):
        """`expert(executor, task, k, arrival, start) -> Hindsight` chooses each placement
        (default: the hindsight optimum; `scheduler.forecast` passes its expected-delay one)."""
        self.profile, self.name, self._world, self._task = profile, name, None, None
        self.expert = expert or (lambda executor, task, k, arrival, start:
                                 best_placement(executor, task, arrival, start))
        self.last: Hindsight | None = None

    def attach(self, executor: Executor, tasks: list[Task], decision_time) -> None:
        self._world = (executor, tasks, decision_time)

    def arriving(self, k: int, arrival: float, decision_start: float) -> None:
        self._task = (k, arrival, decision_start)

    def decide_timed(self, states: States, observation=None) -> tuple[np.ndarray, float]:
        """The chosen placement [1, N] and a decision time of 0 (`observation` is not read: the
        expert sees the stream itself)."""
        if self._world is None or self._task is None:
            raise InputError(f"policy {self.name!r} reads the stream's queues and network: only the "
                             "simulator (kdoffload simulate) can run it")
        executor, tasks, decision_time = self._world
        k, arrival, begin = self._task
        self._task = None
        charged = decision_time.charge(0.0, k)
        twin = executor_copy(executor) if charged > 0 else executor
        _, start = twin.reserve_decision(k, arrival, begin, charged)
        self.last = self.expert(twin, tasks[k], k, arrival, start)
        return self.last.placement[None], 0.0

    def decide(self, states: States) -> np.ndarray:
        return self.decide_timed(states)[0]


class HindsightLabels:
    """A policy that decides as `policy` does, and labels each task with the hindsight optimum
    from the same queue state: demonstrations of what the best placement was, on the stream the
    policy itself made. Everything but the lookahead is the wrapped policy's (`__getattr__`).

        labelled = HindsightLabels(policy)
        simulate(profile, Engine(name, labelled), workload, decision_time, scenario)
        labelled.labels  # [Hindsight per task, in arrival order], decided at each task's start
    """

    sees_future = True

    def __init__(self, policy):
        self.policy, self.labels, self._world = policy, [], None

    def __getattr__(self, name):
        return getattr(self.__dict__["policy"], name)

    def attach(self, executor: Executor, tasks: list[Task], decision_time) -> None:
        self._world = (executor, tasks, decision_time)

    def arriving(self, k: int, arrival: float, decision_start: float) -> None:
        """The label is decided where a zero-time decision would start: at `decision_start`."""
        executor, tasks, _ = self._world
        self.labels.append(best_placement(executor, tasks[k], arrival, decision_start))
