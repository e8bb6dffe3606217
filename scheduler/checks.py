"""Conservation and consistency of a run: no task lost, every record a schedule that could happen.

Run after every simulation; a violation is a bug in the scheduler, never the user's input.
"""

from __future__ import annotations

import math
import sys

import numpy as np

from kdoffload.model.delay import BH_DOWN, BH_UP, DOWN, UP
from kdoffload.model.profile import CLOUD, DEVICE, EDGE, Profile
from kdoffload.scheduler.executor import DECISION, tasks_from_states
from kdoffload.scheduler.stream import RunResult, Workload

REL = 1e-9
# Times are absolute: a run that starts at t is stored as t + run - t, exact only to the spacing of
# floats near t. Tolerate a few of those spacings on top of the relative tolerance.
ULPS = 4 * sys.float_info.epsilon


class ConsistencyError(AssertionError):
    """The scheduler produced something impossible."""


def conservation(result: RunResult) -> dict[str, int]:
    """Arrived = completed (result on the device by the end of arrivals) + in flight then."""
    ids = sorted(r.task for r in result.records)
    if ids != list(range(result.arrived)):
        raise ConsistencyError(f"{result.policy}: {result.arrived} tasks arrived but records hold "
                               f"{len(ids)} ({len(set(ids))} distinct)")
    completed = sum(r.done <= result.horizon for r in result.records)
    in_flight = sum(r.arrival <= result.horizon < r.done for r in result.records)
    if completed + in_flight != result.arrived:
        raise ConsistencyError(f"{result.policy}: arrived {result.arrived} != completed {completed} "
                               f"+ in flight {in_flight}")
    return {"arrived": result.arrived, "completed": completed, "in_flight": in_flight}


def check_run(profile: Profile, result: RunResult, workload: Workload) -> dict[str, int]:
    """Raise `ConsistencyError` unless the run is conserved and every record consistent."""
    counts = conservation(result)
    states = workload.states.scaled(workload.scale) if workload.scale != 1.0 else workload.states
    tasks = tasks_from_states(states)
    runs = _runs_by_task(result)
    for rec in result.records:
        graph = workload.graph(rec.task) or profile  # the task's own graph when tasks differ
        _check_record(graph, rec, tasks[rec.task], runs.get(rec.task, []), result.policy)
    _check_resources(result)
    return counts


def _runs_by_task(result: RunResult) -> dict[int, list]:
    """Every logged subtask run as (subtask, site, start, end), grouped by task."""
    runs: dict[int, list] = {}
    for task, i, _, start, end in result.log.device:
        if i != DECISION:
            runs.setdefault(task, []).append((i, DEVICE, start, end))
    for task, i, _, _, start, end in result.log.edge:
        runs.setdefault(task, []).append((i, EDGE, start, end))
    for task, i, _, start, end in result.log.cloud:
        runs.setdefault(task, []).append((i, CLOUD, start, end))
    return runs


def _check_record(profile: Profile, rec, task, runs: list, policy: str) -> None:
    def fail(problem: str):
        raise ConsistencyError(f"{policy}: task {rec.task}: {problem}")

    n = profile.n
    if sorted(i for i, *_ in runs) != list(range(n)):
        fail(f"subtasks run {sorted(i for i, *_ in runs)}, expected each of 0..{n - 1} once")
    if not rec.arrival <= rec.decision_start <= rec.start:
        fail("decided before it arrived or started before its decision")
    moved = {r.subtask: r for r in rec.replacements}
    for i, site, start, end in runs:
        if (site, start, end) != (rec.sites[i], rec.run_start[i], rec.run_end[i]):
            fail(f"subtask {i}: the record and the resource log disagree")
        if site != rec.planned[i] and (i not in moved or moved[i].site != site):
            fail(f"subtask {i} ran on {site}, decided {rec.planned[i]}, with no re-placement")
        if not rec.start <= rec.ready[i] <= start:
            fail(f"subtask {i} started before its inputs were there")
        if any(rec.ready[i] < rec.run_end[j] for j in profile.preds[i]):
            fail(f"subtask {i} had its inputs before a predecessor finished")
        run = task.cycles[i] * task.seconds_per_cycle[site]
        if not math.isclose(end - start, run, rel_tol=REL, abs_tol=1e-12 + ULPS * abs(end)):
            fail(f"subtask {i} ran {end - start} s, its work takes {run} s")
    if any(rec.done < rec.run_end[e] for e in profile.exits):
        fail("the result is on the device before an exit finished")


def _check_resources(result: RunResult) -> None:
    """Each core and link serves one thing at a time, in reservation order (decisions fill the
    device core's idle time), and never in an outage."""
    log, faults = result.log, result.faults
    lanes = {"device core": sorted((s, e) for *_, s, e in log.device)}
    for task, i, core, _, s, e in log.edge:
        lanes.setdefault(f"edge core {core}", []).append((s, e))
    for link, name in ((UP, "uplink"), (DOWN, "downlink"), (BH_UP, "backhaul up"), (BH_DOWN, "backhaul down")):
        lanes[name] = [(s, e) for *_, s, e in log.links[link]]
    for name, spans in lanes.items():
        for (s0, e0), (s1, e1) in zip(spans, spans[1:]):
            if s1 < e0:
                raise ConsistencyError(f"{result.policy}: {name}: a reservation starts at {s1} "
                                       f"before the previous one ends at {e0}")
    outages = [(faults.edge, [(s, e) for *_, s, e in log.edge], "edge")]
    outages += [(faults.link(link), [(s, e) for *_, s, e in log.links[link]], "link")
                for link in (UP, DOWN, BH_UP, BH_DOWN)]
    for windows, spans, name in outages:
        if not windows or not spans:
            continue
        starts, ends = np.array(spans).T
        for a, b in windows.upto(ends.max()):
            if np.any((starts < b) & (a < ends)):
                raise ConsistencyError(f"{result.policy}: {name} worked inside its outage [{a}, {b})")
