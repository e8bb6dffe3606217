"""Executes one task's graph under a placement on shared resources, in virtual time.

The rules are DESIGN.md's list schedule, exactly as `model.delay` implements it (data copies
included: a datum missing at a site comes from the edge if a copy is there, else from its origin,
device<->cloud is stored and forwarded at the edge, and a copy once at a site is reused), with the
resources shared by every task of a stream. Reservations are append-only and made task by task in
order of decision, subtask by subtask in index order: each resource serves its users FIFO and is
never used in a gap before a time an earlier reservation holds (only decisions fill the device
core's idle time: `scheduler.device`). Alone on idle resources, a task
therefore takes exactly T(x) of the delay model. On top of that:
- rates may change over time: a wireless transfer drains its bits at the rate in force at each
  moment (`scheduler.rates`), stalling where the rate is 0;
- the edge's own users (`edge_wait`) keep every edge core busy until the task's start + edge_wait;
- outage windows: no run or transfer overlaps one of its resource (it waits for the end), and a
  subtask whose site is unreachable when it is due is re-placed (`_replacement_site`).
Scalar Python on purpose: one task is a few dozen operations, far below numpy's per-call cost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kdoffload.model.delay import BH_DOWN, BH_UP, DOWN, UP
from kdoffload.model.profile import CLOUD, DEVICE, EDGE, Profile
from kdoffload.model.states import States
from kdoffload.scheduler.device import DeviceCore
from kdoffload.scheduler.faults import Faults

INF = float("inf")
FALLBACK_ORDER = (DEVICE, CLOUD, EDGE)
DECISION = -1  # in the device log, a decision rather than a subtask


@dataclass
class Task:
    """One task's execution parameters as plain floats (SI units), as `model.delay.Params` has them."""

    cycles: list
    out_bits: list
    in_bits: list
    seconds_per_cycle: tuple  # per site
    rate: tuple  # per link, used when the network is static
    lat: tuple  # per link
    edge_wait: float


def tasks_from_states(states: States) -> list[Task]:
    cols = {k: v.tolist() for k, v in states.to_dict().items()}
    return [Task(cols["cycles"][k], cols["out_bits"][k], cols["in_bits"][k],
                 (1.0 / cols["f_device"][k], 1.0 / cols["f_edge"][k], 1.0 / cols["f_cloud"][k]),
                 (cols["rate_up"][k], cols["rate_down"][k], cols["rate_backhaul"][k], cols["rate_backhaul"][k]),
                 (cols["lat_wireless"][k], cols["lat_wireless"][k], cols["lat_backhaul"][k], cols["lat_backhaul"][k]),
                 cols["edge_wait"][k])
            for k in range(len(states))]


@dataclass
class Replacement:
    """A subtask moved off its decided site because that site was unreachable when it was due."""

    task: int
    subtask: int
    planned: int
    site: int
    time: float


@dataclass
class TaskRecord:
    """What happened to one task; times in seconds of virtual time."""

    task: int
    arrival: float
    decision_start: float
    start: float  # the decision is done: subtasks may begin
    planned: list  # the decided placement
    sites: list  # where each subtask ran
    ready: list  # when all its inputs were at its site
    run_start: list
    run_end: list
    done: float  # the last exit output is on the device
    replacements: list = field(default_factory=list)


@dataclass
class Log:
    """Every reservation per resource, in the order it was made."""

    device: list = field(default_factory=list)  # (task, subtask or DECISION, ready, start, end)
    edge: list = field(default_factory=list)  # (task, subtask, core, ready, start, end)
    links: list = field(default_factory=lambda: [[], [], [], []])  # (task, ready, start, end)
    cloud: list = field(default_factory=list)  # (task, subtask, ready, start, end)


class Executor:
    """Shared resources of one stream, and the rules that place a task's work on them."""

    def __init__(self, profile: Profile, network, faults: Faults | None = None):
        self.n, self.preds = profile.n, profile.preds
        self.entries, self.exits = frozenset(profile.entries), profile.exits
        self._shapes: dict = {}  # id(graph) -> (graph, its n, preds, entries, exits)
        self.network, self.dynamic = network, network.dynamic
        self.faults = faults if faults else None
        self.device = DeviceCore()
        self.edge_free = [0.0] * profile.edge_cores
        self.link_free = [0.0, 0.0, 0.0, 0.0]
        self.log = Log()

    def reserve_decision(self, task_id: int, arrival: float, earliest: float,
                         duration: float) -> tuple[float, float]:
        """Run a decision of `duration` s on the device core from `earliest` on: (start, end).

        A decision that takes no time needs no core: it is done at `earliest`.
        """
        if duration <= 0.0:
            return earliest, earliest
        begin = self.device.reserve_decision(earliest, duration)
        self.log.device.append((task_id, DECISION, arrival, begin, begin + duration))
        return begin, begin + duration

    def _graph_shape(self, graph: Profile | None) -> tuple:
        """(n, preds, entries, exits) of a task's own graph (None: the stream profile's)."""
        if graph is None:
            return self.n, self.preds, self.entries, self.exits
        known = self._shapes.get(id(graph))
        if known is None or known[0] is not graph:  # tasks of a mix share their graph's profile
            if len(self._shapes) >= 64:  # a family's tasks each have their own: keep few
                self._shapes.clear()
            known = self._shapes[id(graph)] = (graph, (graph.n, graph.preds, frozenset(graph.entries),
                                                       graph.exits))
        return known[1]

    def run(self, task_id: int, arrival: float, decision_start: float, start: float,
            task: Task, placement, graph: Profile | None = None) -> TaskRecord:
        """Place every subtask of `task` (decided `placement`) from `start` on; then the results.

        `graph`: the task's own graph when tasks differ (its Task is then padded past its n)."""
        n, preds, entries, exits = self._graph_shape(graph)
        planned = [int(s) for s in placement]
        rec = TaskRecord(task_id, arrival, decision_start, start, planned, list(planned),
                         [0.0] * n, [0.0] * n, [0.0] * n, start)
        outputs = [None] * n  # per subtask: [time at device, edge, cloud], inf where absent
        for i in range(n):
            inputs = [(outputs[j], task.out_bits[j]) for j in preds[i]]
            if i in entries:
                inputs.insert(0, ([start, INF, INF], task.in_bits[i]))
            site = planned[i]
            if self.faults is not None:
                site = self._replacement_site(rec, i, site, inputs)
            ready = start
            for avail, bits in inputs:
                t = self._fetch(task_id, task, avail, site, bits)
                if t > ready:
                    ready = t
            rec.sites[i], rec.ready[i] = site, ready
            rec.run_start[i], rec.run_end[i] = self._run(task_id, task, i, site, ready, start)
            out = [INF, INF, INF]
            out[site] = rec.run_end[i]
            outputs[i] = out
        for e in exits:
            t = self._fetch(task_id, task, outputs[e], DEVICE, task.out_bits[e])
            if t > rec.done:
                rec.done = t
        return rec

    # -- cores -------------------------------------------------------------------------------

    def _run(self, task_id: int, task: Task, i: int, site: int, ready: float, start: float):
        run = task.cycles[i] * task.seconds_per_cycle[site]
        if site == DEVICE:
            begin = self.device.reserve_subtask(ready, run)
            self.log.device.append((task_id, i, ready, begin, begin + run))
        elif site == EDGE:
            floor = start + task.edge_wait
            free = [f if f > floor else floor for f in self.edge_free]
            core = free.index(min(free))  # frees first; lowest index on a tie
            begin = ready if ready > free[core] else free[core]
            if self.faults is not None and self.faults.edge:
                begin = self.faults.edge.fit(begin, run)
            self.edge_free[core] = begin + run
            self.log.edge.append((task_id, i, core, ready, begin, begin + run))
        else:
            begin = ready
            self.log.cloud.append((task_id, i, ready, begin, begin + run))
        return begin, begin + run

    # -- transfers ---------------------------------------------------------------------------

    def _hop(self, task_id: int, task: Task, link: int, bits: float, t_from: float) -> float:
        free = self.link_free[link]
        begin = t_from if t_from > free else free
        lat = task.lat[link]
        if self.dynamic and link <= DOWN:
            drain_end = self.network.drain_end

            def length(s):  # the bits drain at the rate in force at each moment
                return drain_end(link, s, bits) - s + lat
        else:
            rate = task.rate[link]

            def length(s):
                return bits / rate + lat
        if self.faults is not None:
            windows = self.faults.link(link)
            if windows:
                begin = windows.fit(begin, length)
        end = begin + length(begin)
        self.link_free[link] = end
        self.log.links[link].append((task_id, t_from, begin, end))
        return end

    def _fetch(self, task_id: int, task: Task, avail: list, site: int, bits: float) -> float:
        """Bring a datum to `site` (updating its copies `avail`); when it is there."""
        if avail[site] != INF:
            return avail[site]
        if site == EDGE:
            if avail[DEVICE] != INF:
                avail[EDGE] = self._hop(task_id, task, UP, bits, avail[DEVICE])
            else:
                avail[EDGE] = self._hop(task_id, task, BH_DOWN, bits, avail[CLOUD])
            return avail[EDGE]
        far, relay_link, last_link = (CLOUD, BH_DOWN, DOWN) if site == DEVICE else (DEVICE, UP, BH_UP)
        if avail[EDGE] == INF:
            avail[EDGE] = self._hop(task_id, task, relay_link, bits, avail[far])
        avail[site] = self._hop(task_id, task, last_link, bits, avail[EDGE])
        return avail[site]

    # -- faults ------------------------------------------------------------------------------

    def _replacement_site(self, rec: TaskRecord, i: int, site: int, inputs: list) -> int:
        """The decided site if reachable when the subtask is due, else the device, the cloud, the
        edge: the first of those that is reachable. If none is, the decided site (it waits)."""
        due = max(min(avail) for avail, _ in inputs)
        if self._reachable(site, inputs, due):
            return site
        for other in FALLBACK_ORDER:
            if other != site and self._reachable(other, inputs, due):
                rec.replacements.append(Replacement(rec.task, i, site, other, due))
                return other
        return site

    def _reachable(self, site: int, inputs: list, t: float) -> bool:
        """The site is up at t and no input needs a link that is down at t to get there."""
        if site == EDGE and self.faults.edge.down(t):
            return False
        for avail, _ in inputs:
            if avail[site] != INF:
                continue
            for link in _path(avail, site):
                if self.faults.link(link).down(t):
                    return False
        return True


def _path(avail: list, site: int) -> tuple[int, ...]:
    """The links `_fetch` would use to bring a datum with copies `avail` to `site`."""
    if site == EDGE:
        return (UP,) if avail[DEVICE] != INF else (BH_DOWN,)
    if site == DEVICE:
        return (DOWN,) if avail[EDGE] != INF else (BH_DOWN, DOWN)
    return (BH_UP,) if avail[EDGE] != INF else (UP, BH_UP)
