"""What a run shows: end-to-end delays, the decision's share, throughput, utilisation, queues.

End-to-end delay is arrival to the last result on the device, over every arrived task (the run
drains: tasks still in flight at the end of the arrival window are followed to completion).
Utilisation and queues are over [0, makespan]; a queue is the work that is ready for a resource
and waiting for it (the time between a reservation's ready and start), averaged over time.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from kdoffload.model.delay import BH_DOWN, BH_UP, DOWN, UP
from kdoffload.model.profile import LABELS
from kdoffload.scheduler.checks import conservation
from kdoffload.scheduler.stream import RunResult

RESOURCES = ("device", "edge", "uplink", "downlink", "backhaul_up", "backhaul_down", "cloud")


@dataclass
class Summary:
    """One engine's run in numbers (seconds unless the name says otherwise)."""

    policy: str
    arrived: int
    completed: int  # result on the device by the end of the arrival window
    in_flight: int  # not yet, then
    mean_e2e: float
    p50_e2e: float
    p95_e2e: float
    decision_share: float  # charged decision time / end-to-end time, summed over tasks
    mean_decision_us: float  # charged
    mean_decision_wall_us: float  # measured, whatever was charged
    mean_decision_wait: float  # arrival to decision start (the device core was busy)
    throughput: float  # completed / arrival window, tasks/s
    served_rate: float  # arrived / (last result - first arrival), tasks/s
    makespan: float
    replacements: int
    site_share: dict  # share of subtasks run at each site
    utilisation: dict  # busy fraction; for the edge over all its cores, for the cloud busy cores
    queue_mean: dict  # time-average number waiting
    queue_max: dict
    out_of_support: float | None = None  # share of decisions on states outside the training support

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def summarise(result: RunResult, edge_cores: int) -> Summary:
    recs = result.records
    counts = conservation(result)
    arrival = np.array([r.arrival for r in recs])
    done = np.array([r.done for r in recs])
    e2e = done - arrival
    charged = np.array(result.decision_s)
    makespan = float(done.max())
    sites = np.concatenate([r.sites for r in recs])  # tasks of different graphs differ in length
    util, q_mean, q_max = _resources(result, makespan, edge_cores)
    return Summary(
        policy=result.policy, arrived=counts["arrived"], completed=counts["completed"],
        in_flight=counts["in_flight"], mean_e2e=float(e2e.mean()),
        p50_e2e=float(np.percentile(e2e, 50)), p95_e2e=float(np.percentile(e2e, 95)),
        decision_share=float(charged.sum() / e2e.sum()),
        mean_decision_us=float(charged.mean() * 1e6),
        mean_decision_wall_us=float(np.mean(result.decision_wall_s) * 1e6),
        mean_decision_wait=float(np.mean([r.decision_start - r.arrival for r in recs])),
        # every arrival at t = 0 leaves an empty window: nothing can have completed in it
        throughput=counts["completed"] / result.horizon if result.horizon > 0 else 0.0,
        served_rate=float(len(recs) / max(makespan - arrival.min(), 1e-12)),
        makespan=makespan, replacements=sum(len(r.replacements) for r in recs),
        site_share={LABELS[s]: float(np.mean(sites == s)) for s in range(3)},
        utilisation=util, queue_mean=q_mean, queue_max=q_max,
        out_of_support=_share_flagged(result.out_of_support),
    )


def _share_flagged(flags: list) -> float | None:
    known = [f for f in flags if f is not None]
    return float(np.mean(known)) if known else None


def _resources(result: RunResult, makespan: float, edge_cores: int):
    log = result.log
    spans = {  # (ready, start, end) per reservation
        "device": [row[-3:] for row in log.device],
        "edge": [row[-3:] for row in log.edge],
        "uplink": log.links[UP], "downlink": log.links[DOWN],
        "backhaul_up": log.links[BH_UP], "backhaul_down": log.links[BH_DOWN],
        "cloud": [row[-3:] for row in log.cloud],
    }
    util, q_mean, q_max = {}, {}, {}
    for name in RESOURCES:
        rows = np.array([r[-3:] for r in spans[name]], dtype=float).reshape(-1, 3)
        ready, start, end = rows.T
        busy = float((end - start).sum()) / makespan
        util[name] = busy / edge_cores if name == "edge" else busy
        q_mean[name] = float((start - ready).sum()) / makespan
        q_max[name] = _max_waiting(ready, start)
    return util, q_mean, q_max


def _max_waiting(ready: np.ndarray, start: np.ndarray) -> int:
    """Most reservations ready and not yet started at any one time."""
    waiting = start > ready
    if not waiting.any():
        return 0
    times = np.concatenate([ready[waiting], start[waiting]])
    deltas = np.concatenate([np.ones(waiting.sum()), -np.ones(waiting.sum())])
    order = np.lexsort((deltas, times))  # at equal times, leave before join
    return int(np.cumsum(deltas[order]).max())
