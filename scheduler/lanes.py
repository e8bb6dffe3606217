"""One task executed under many placements at once, from the stream's queues as they are.

`Lanes` replays `scheduler.executor.Executor.run` for P placements side by side ([P] arrays, one
lane per placement): the same list schedule, the same FIFO links and edge cores, and transfers
that drain at the rate in force at each moment (`drain_ends`, `scheduler.rates.StepRate.drain_end`
over an array of starts). Every operation is the scalar one's, in the same order, so a lane's
finish is bit for bit the executor's. Nothing of the stream changes: the lanes hold copies of the
queues. Outage windows are not modelled here (the caller runs the executor itself then).
"""

from __future__ import annotations

import numpy as np

from kdoffload.model.delay import BH_DOWN, BH_UP, DOWN, UP
from kdoffload.model.profile import CLOUD, DEVICE, EDGE
from kdoffload.scheduler.rates import StepRate

INF = float("inf")


def _fold(rate: StepRate, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if rate.period is None:
        return np.zeros(len(t)), t
    laps = np.floor_divide(t, rate.period)
    u = t - laps * rate.period
    over = u >= rate.period  # rounding, as StepRate._fold
    laps, u = np.where(over, laps + 1, laps), np.where(over, u - rate.period, u)
    return laps, np.maximum(u, 0.0)


def _step_ends(rate: StepRate, bits: float, starts: np.ndarray) -> np.ndarray:
    """`rate.drain_end(s, bits)` for every s in `starts` (bits > 0)."""
    times, rates, prefix = (np.frombuffer(a, dtype=np.float64) for a in (rate.times, rate.rates, rate.bits))
    laps, u = _fold(rate, starts)
    k = np.maximum(np.searchsorted(times, u, side="right") - 1, 0)
    r = rates[k]
    last = rate.period if rate.period is not None else INF
    seg_end = np.where(k + 1 < len(times), times[np.minimum(k + 1, len(times) - 1)], last)
    with np.errstate(divide="ignore", invalid="ignore"):
        fast = starts + bits / r
        ok = (r > 0.0) & (fast <= starts - u + seg_end)
        if ok.all():
            return fast
        inside = prefix[k] + r * (u - times[k])
        total = np.where(laps > 0, laps * getattr(rate, "period_bits", 0.0) + inside, inside) + bits
        return np.where(ok, fast, _times_of(rate, times, rates, prefix, total))


def _times_of(rate, times, rates, prefix, total):
    """StepRate._time_of over an array of delivered-bit totals."""
    laps = np.zeros(len(total))
    if rate.period is not None:
        laps = np.maximum(np.ceil(total / rate.period_bits) - 1, 0)
        total = total - laps * rate.period_bits
    k = np.maximum(np.searchsorted(prefix, total, side="left") - 1, 0)
    r = rates[k]
    offset = laps * rate.period if rate.period is not None else laps
    done = offset + times[k] + (total - prefix[k]) / r
    return np.where(r > 0.0, done, INF)


def drain_ends(network, link: int, starts: np.ndarray, bits: float) -> np.ndarray:
    """`network.drain_end(link, s, bits)` for every s in `starts` [L] (a dynamic network)."""
    if bits <= 0.0 or len(starts) == 0:
        return starts.copy()
    rate = network.links[link - UP]
    network._reach(float(starts.max()))
    done = _step_ends(rate, bits, starts)
    while network.process is not None and not (done <= rate.end).all():
        network.process.grow(*network.links)
        done = _step_ends(rate, bits, starts)
    return done


class Lanes:
    """The shared resources of a stream, one copy per placement lane."""

    def __init__(self, executor, lanes: int):
        self.executor = executor
        self.device_free = np.full(lanes, executor.device.free)
        self.edge_free = np.tile(np.asarray(executor.edge_free, dtype=float), (lanes, 1))
        self.link_free = [np.full(lanes, f) for f in executor.link_free]

    def finish(self, task, start: float, placements: np.ndarray) -> np.ndarray:
        """When the last exit output of `task` is on the device, per placement [P, N]."""
        outputs = []
        for i in range(self.executor.n):
            outputs.append(self._place(task, i, placements[:, i].astype(np.intp), outputs, start))
        return self._home(task, outputs, start)

    @classmethod
    def every_placement(cls, executor, task, start: float) -> tuple[np.ndarray, np.ndarray]:
        """All 3^N placements [3^N, N] in lexicographic order and their finishes [3^N].

        The lanes branch subtask by subtask (each lane into one per site of the next subtask), so
        a prefix is executed once for all its completions: about 1.5 x 3^N lane-steps, not N x 3^N.
        """
        lanes, outputs = cls(executor, 1), []
        placements = np.zeros((1, 0), dtype=np.int8)
        for i in range(executor.n):
            lanes._branch()
            outputs = [np.repeat(out, 3, axis=0) for out in outputs]
            sites = np.tile(np.arange(3, dtype=np.int8), len(placements))[:, None]
            placements = np.concatenate([np.repeat(placements, 3, axis=0), sites], axis=1)
            outputs.append(lanes._place(task, i, placements[:, i].astype(np.intp), outputs, start))
        return placements, lanes._home(task, outputs, start)

    def _branch(self) -> None:
        self.device_free = np.repeat(self.device_free, 3)
        self.edge_free = np.repeat(self.edge_free, 3, axis=0)
        self.link_free = [np.repeat(f, 3) for f in self.link_free]

    def _place(self, task, i: int, site: np.ndarray, outputs: list, start: float) -> np.ndarray:
        """Run subtask i at `site` [P] after fetching its inputs; its output's copies [P, 3]."""
        ex, lanes = self.executor, len(site)
        ready = np.full(lanes, start)
        inputs = [(outputs[j], task.out_bits[j]) for j in ex.preds[i]]
        if i in ex.entries:
            fresh = np.full((lanes, 3), INF)
            fresh[:, DEVICE] = start
            inputs.insert(0, (fresh, task.in_bits[i]))
        for avail, bits in inputs:
            ready = np.maximum(ready, self._fetch(task, avail, site, bits))
        out = np.full((lanes, 3), INF)
        out[np.arange(lanes), site] = self._run(task, i, site, ready, start)
        return out

    def _home(self, task, outputs: list, start: float) -> np.ndarray:
        lanes = len(outputs[0])
        done = np.full(lanes, start)
        to_device = np.zeros(lanes, dtype=np.intp)
        for e in self.executor.exits:
            done = np.maximum(done, self._fetch(task, outputs[e], to_device, task.out_bits[e]))
        return done

    def _run(self, task, i: int, site: np.ndarray, ready: np.ndarray, start: float) -> np.ndarray:
        run = np.array([task.cycles[i] * s for s in task.seconds_per_cycle])[site]
        begin = ready.copy()
        local = site == DEVICE
        begin[local] = np.maximum(ready[local], self.device_free[local])
        self.device_free[local] = begin[local] + run[local]
        edge = np.nonzero(site == EDGE)[0]
        if len(edge):
            free = np.maximum(self.edge_free[edge], start + task.edge_wait)
            core = free.argmin(axis=1)  # frees first; lowest index on a tie
            begin[edge] = np.maximum(ready[edge], free[np.arange(len(edge)), core])
            self.edge_free[edge, core] = begin[edge] + run[edge]
        return begin + run

    def _hop(self, task, link: int, bits: float, t_from: np.ndarray, lanes: np.ndarray) -> np.ndarray:
        begin = np.maximum(t_from, self.link_free[link][lanes])
        lat = task.lat[link]
        if self.executor.dynamic and link <= DOWN:
            length = drain_ends(self.executor.network, link, begin, bits) - begin + lat
        else:
            length = bits / task.rate[link] + lat
        end = begin + length
        self.link_free[link][lanes] = end
        return end

    def _fetch(self, task, avail: np.ndarray, site: np.ndarray, bits: float) -> np.ndarray:
        """Executor._fetch per lane: bring the datum with copies `avail` [P, 3] to `site` [P]."""
        rows = np.arange(len(site))
        need = np.isinf(avail[rows, site])
        to_edge = need & (site == EDGE)
        on_device = np.isfinite(avail[:, DEVICE])
        sources = ((to_edge & on_device, UP, DEVICE), (to_edge & ~on_device, BH_DOWN, CLOUD))
        for lanes, link, origin in sources:
            lanes = np.nonzero(lanes)[0]
            if len(lanes):
                avail[lanes, EDGE] = self._hop(task, link, bits, avail[lanes, origin], lanes)
        for target, far, relay, last in ((DEVICE, CLOUD, BH_DOWN, DOWN), (CLOUD, DEVICE, UP, BH_UP)):
            going = need & (site == target)
            relayed = np.nonzero(going & np.isinf(avail[:, EDGE]))[0]
            if len(relayed):
                avail[relayed, EDGE] = self._hop(task, relay, bits, avail[relayed, far], relayed)
            going = np.nonzero(going)[0]
            if len(going):
                avail[going, target] = self._hop(task, last, bits, avail[going, EDGE], going)
        return avail[rows, site]
