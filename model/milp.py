"""The delay model as a mixed-integer linear program, solved by HiGHS (scipy.optimize.milp).

An independent check of the branch and bound where exhaustive search no longer reaches: it
shares no code and no search with it, only the model of docs/model.md ("A MILP of the delay
model" gives the formulation). Binaries: the placement x[i, s], one per edge-core insertion
step, and the transfer events of the data-copy rule as [0, 1] indicators forced up by their
conditions. Every time is a variable held only from below: the list schedule is a composition
of max, min and + that never decreases in any earlier time, so for a fixed placement the least
feasible times are the schedule's own and the minimum of T over the program is min_x T(x).
Conditional constraints use one big M, a bound on any time of the schedule.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import coo_matrix

from kdoffload.model.delay import BH_DOWN, BH_UP, DOWN, UP, Params
from kdoffload.model.delay import delays_of_placements
from kdoffload.model.profile import CLOUD, DEVICE, EDGE, Profile
from kdoffload.model.states import States

SITES = (DEVICE, EDGE, CLOUD)


@dataclass
class MilpSolution:
    """One state: the program's placement [N] int8, its T by the delay model, HiGHS's
    objective and dual bound, and whether HiGHS proved optimality within `mip_rel_gap`."""

    placement: np.ndarray
    delay: float
    objective: float
    lower_bound: float
    certified: bool
    seconds: float


class _Program:
    """Columns and >= rows of a MILP; an affine form is (dict column -> coefficient, constant)."""

    def __init__(self, big_m: float):
        self.big_m = big_m
        self.lower, self.upper, self.integer = [], [], []
        self.rows, self.cols, self.vals, self.rhs = [], [], [], []

    def var(self, upper: float = np.inf, integer: bool = False) -> tuple[dict, float]:
        self.lower.append(0.0)
        self.upper.append(upper)
        self.integer.append(1 if integer else 0)
        return {len(self.lower) - 1: 1.0}, 0.0

    def at_least(self, lhs, rhs, gate=None) -> None:
        """lhs >= rhs, or only where the 0/1 affine `gate` is 1 (lhs - rhs + M (1 - gate) >= 0)."""
        terms, const = _combine(lhs, rhs, -1.0)
        if gate is not None:
            terms, const = _combine((terms, const + self.big_m), gate, -self.big_m)
        row = len(self.rhs)
        for col, coef in terms.items():
            if coef != 0.0:
                self.rows.append(row)
                self.cols.append(col)
                self.vals.append(coef)
        self.rhs.append(-const)

    def solve(self, objective_col: int, time_limit: float, mip_rel_gap: float):
        cost = np.zeros(len(self.lower))
        cost[objective_col] = 1.0
        matrix = coo_matrix((self.vals, (self.rows, self.cols)), shape=(len(self.rhs), len(self.lower)))
        rows = LinearConstraint(matrix.tocsr(), np.array(self.rhs), np.inf)
        for presolve in (True, False):
            options = {"time_limit": time_limit, "mip_rel_gap": mip_rel_gap, "disp": False,
                       "presolve": presolve}
            with _silent_stdout():  # HiGHS's MIP restarts print a debug line to fd 1
                result = milp(cost, integrality=np.array(self.integer), bounds=(self.lower, self.upper),
                              constraints=rows, options=options)
            # Status 4 is HiGHS's own solve error, seen after presolve on some of these
            # programs (scipy 1.17's HiGHS); the same program without presolve solves.
            if result.status != 4:
                break
        return result


@contextmanager
def _silent_stdout():
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def _combine(a, b, scale: float):
    """a + scale * b for affine forms."""
    terms = dict(a[0])
    for col, coef in b[0].items():
        terms[col] = terms.get(col, 0.0) + scale * coef
    return terms, a[1] + scale * b[1]


def _const(value: float):
    return {}, float(value)


def _not(form):
    return _combine(_const(1.0), form, -1.0)


@dataclass
class _Datum:
    """A datum as the copy rule sees it: where it is (site -> copy-time variable), the 0/1 form
    of "its origin is s", its size, and who reads it (consumer position, input rank, site forms)."""

    copies: dict
    origin: dict
    bits: float
    readers: list


class _Builder:
    """The program of one state: placement, resources in index order, copy-rule transfers."""

    def __init__(self, profile: Profile, params: Params):
        self.profile, self.p = profile, params
        self.run = [[params.cycles[i] * params.seconds_per_cycle[s] for s in SITES] for i in range(profile.n)]
        self.prog = _Program(self._big_m())
        self.x = [[self.prog.var(1.0, integer=True) for _ in SITES] for _ in range(profile.n)]
        for i in range(profile.n):  # sum_s x[i, s] == 1, as two rows
            total = (dict(col for form in self.x[i] for col in form[0].items()), 0.0)
            self.prog.at_least(total, _const(1.0))
            self.prog.at_least(_const(1.0), total)
        self.start = [self.prog.var() for _ in range(profile.n)]
        self.finish = [self.prog.var() for _ in range(profile.n)]
        self.events = []  # (key, link, bits, ready, indicator, copy-time target)

    def _hop(self, link: int, bits: float) -> float:
        return bits / self.p.rate[link] + self.p.lat[link]

    def _big_m(self) -> float:
        # Twice everything the schedule could ever do one after another, plus the edge's wait.
        p, n = self.p, self.profile.n
        work = sum(max(row) for row in self.run)
        sizes = sum(p.out_bits) + sum(p.in_bits)
        transfers = sum(2 * (sizes / p.rate[link] + (n + len(self.profile.exits)) * p.lat[link]) for link in range(4))
        return 2.0 * (p.edge_wait + work + transfers) + 1.0

    def build(self):
        data = self._data()
        for datum in data:
            self._copy_events(datum)
        self._links()
        self._reads(data)
        self._resources()
        total = self.prog.var()
        for e in self.profile.exits:
            self.prog.at_least(total, self.home[e])
        self._cuts(total)
        return self.prog, next(iter(total[0]))

    def _cuts(self, total) -> None:
        """Inequalities every schedule meets, without a big M: they change no optimum, but they
        give the LP relaxation the critical path and the loads, which the gated rows only give
        at integral x (without them HiGHS proves little past N = 12)."""
        prog, p, x = self.prog, self.p, self.x
        into = {EDGE: lambda b: min(self._hop(UP, b), self._hop(BH_DOWN, b)),
                DEVICE: lambda b: self._hop(DOWN, b), CLOUD: lambda b: self._hop(BH_UP, b)}
        for j, i in self.profile.edges:  # i reads j's output: after j ends, plus a hop if moved
            prog.at_least(self.start[i], self.finish[j])
            for s in SITES:
                moved = _combine(x[i][s], x[j][s], -1.0)
                prog.at_least(self.start[i], _combine(self.finish[j], moved, into[s](p.out_bits[j])))
        for i in self.profile.entries:
            prog.at_least(self.start[i], _combine(_const(0.0), x[i][EDGE], self._hop(UP, p.in_bits[i])))
            prog.at_least(self.start[i], _combine(_const(0.0), x[i][CLOUD],
                                                  self._hop(UP, p.in_bits[i]) + self._hop(BH_UP, p.in_bits[i])))
        for e in self.profile.exits:
            bits = p.out_bits[e]
            prog.at_least(total, _combine(self.finish[e], _not(x[e][DEVICE]), self._hop(DOWN, bits)))
            prog.at_least(total, _combine(self.finish[e], x[e][CLOUD], self._hop(BH_DOWN, bits) + self._hop(DOWN, bits)))
        # One core on the device; on the edge the busiest core carries the mean, after the wait
        # if the edge is used at all (so the wait counts only beside an edge subtask).
        device_work, edge_work = _const(0.0), _const(0.0)
        for i in range(self.profile.n):
            device_work = _combine(device_work, x[i][DEVICE], self.run[i][DEVICE])
            edge_work = _combine(edge_work, x[i][EDGE], self.run[i][EDGE] / self.profile.edge_cores)
        prog.at_least(total, device_work)
        for i in range(self.profile.n):
            prog.at_least(total, _combine(edge_work, x[i][EDGE], p.edge_wait))

    def _data(self) -> list[_Datum]:
        prog, n, exits = self.prog, self.profile.n, self.profile.exits
        readers = {j: [] for j in range(n)}
        for i in range(n):
            for j in self.profile.preds[i]:
                readers[j].append((i, j, self.x[i]))
        self.home = {}
        home_site = [_const(1.0), _const(0.0), _const(0.0)]
        for rank, e in enumerate(exits):  # the way home comes after every subtask, in exit order
            readers[e].append((n + rank, e, home_site))
        data = []
        for j in range(n):
            copies = {s: prog.var() for s in SITES}
            for s in SITES:  # the origin's copy is there when j finishes
                prog.at_least(copies[s], self.finish[j], gate=self.x[j][s])
            if j in exits:
                self.home[j] = copies[DEVICE]
            data.append(_Datum(copies, {s: self.x[j][s] for s in SITES}, self.p.out_bits[j], readers[j]))
        for i in self.profile.entries:  # each entry's own device input, there at time 0
            copies = {DEVICE: _const(0.0), EDGE: prog.var(), CLOUD: prog.var()}
            origin = {DEVICE: _const(1.0), EDGE: _const(0.0), CLOUD: _const(0.0)}
            data.append(_Datum(copies, origin, self.p.in_bits[i], [(i, -1, self.x[i])]))
        return data

    def _indicator(self, literals: list):
        """A [0, 1] variable forced to 1 when every 0/1 literal is 1 (nothing forces it down:
        an event that did not happen only adds lower bounds, so the optimum leaves it at 0)."""
        literals = [form for form in literals if form != _const(1.0)]
        if any(form == _const(0.0) for form in literals):
            return None
        flag = self.prog.var(1.0)
        total = _const(-(len(literals) - 1))
        for form in literals:
            total = _combine(total, form, 1.0)
        self.prog.at_least(flag, total)
        return flag

    def _copy_events(self, d: _Datum) -> None:
        for q, (position, rank, site) in enumerate(d.readers):
            earlier = [r[2] for r in d.readers[:q]]
            # The edge's copy comes from a device or cloud origin for the first reader off it.
            for origin, link in ((DEVICE, UP), (CLOUD, BH_DOWN)):
                flag = self._indicator([d.origin[origin], _not(site[origin])] + [e[origin] for e in earlier])
                if flag:
                    self.events.append(((position, rank, 0), link, d.bits, d.copies[origin], flag, d.copies[EDGE]))
            # Device or cloud gets it from the edge for its first reader there, if not its origin.
            for dest, link in ((DEVICE, DOWN), (CLOUD, BH_UP)):
                flag = self._indicator([site[dest], _not(d.origin[dest])] + [_not(e[dest]) for e in earlier])
                if flag:
                    self.events.append(((position, rank, 1), link, d.bits, d.copies[EDGE], flag, d.copies[dest]))

    def _links(self) -> None:
        """Each link a FIFO pipe: its transfers in reservation order, each after the previous."""
        prog = self.prog
        for link in range(4):
            free = _const(0.0)
            for _, _, bits, ready, flag, target in sorted((e for e in self.events if e[1] == link),
                                                          key=lambda e: e[0]):
                hop = _const(self._hop(link, bits))
                end = prog.var()
                prog.at_least(end, _combine(ready, hop, 1.0), gate=flag)
                prog.at_least(end, _combine(free, hop, 1.0), gate=flag)
                after = prog.var()
                prog.at_least(after, free)
                prog.at_least(after, end, gate=flag)
                prog.at_least(target, end, gate=flag)
                free = after

    def _reads(self, data: list[_Datum]) -> None:
        for d in data:
            for position, _, site in d.readers:
                if position < self.profile.n:
                    for s in SITES:
                        self.prog.at_least(self.start[position], d.copies[s], gate=site[s])

    def _resources(self) -> None:
        """The device's core, then the edge's cores as a sorted list of free times: a subtask takes
        the first, and its finish is inserted in order (a min per position, one binary each)."""
        prog, cores = self.prog, self.profile.edge_cores
        device_free = _const(0.0)
        edge_free = [_const(self.p.edge_wait)] * cores
        for i in range(self.profile.n):
            x, finish = self.x[i], self.finish[i]
            run = ({}, 0.0)
            for s in SITES:
                run = _combine(run, ({col: self.run[i][s] for col in x[s][0]}, 0.0), 1.0)
            prog.at_least(finish, _combine(self.start[i], run, 1.0))
            prog.at_least(self.start[i], device_free, gate=x[DEVICE])
            prog.at_least(self.start[i], edge_free[0], gate=x[EDGE])
            new_device = prog.var()
            prog.at_least(new_device, device_free)
            prog.at_least(new_device, finish, gate=x[DEVICE])
            device_free = new_device
            edge_free = self._insert(edge_free, finish, x[EDGE])

    def _insert(self, free: list, finish, on_edge) -> list:
        prog, out = self.prog, []
        for k in range(len(free)):
            slot = prog.var()
            prog.at_least(slot, free[k])  # position k of the sorted list only moves later
            if k + 1 < len(free):
                first = prog.var(1.0, integer=True)  # which of finish, free[k + 1] is the min
                prog.at_least(slot, finish, gate=_combine(on_edge, first, -1.0))
                prog.at_least(slot, free[k + 1], gate=first)
            else:
                prog.at_least(slot, finish, gate=on_edge)
            out.append(slot)
        return out


def solve_one(profile: Profile, states: States, k: int = 0, time_limit: float = 60.0,
              mip_rel_gap: float = 1e-9) -> MilpSolution:
    """min_x T(x; state k) by HiGHS, with the placement's T recomputed by the delay model."""
    began = time.perf_counter()
    builder = _Builder(profile, Params.from_state(states, k))
    program, objective_col = builder.build()
    result = program.solve(objective_col, time_limit, mip_rel_gap)
    seconds = time.perf_counter() - began
    if result.x is None:
        return MilpSolution(np.zeros(profile.n, dtype=np.int8), np.inf, np.inf,
                            float(getattr(result, "mip_dual_bound", 0.0) or 0.0), False, seconds)
    columns = [[next(iter(form[0])) for form in row] for row in builder.x]
    placement = np.array([int(np.argmax(result.x[cols])) for cols in columns], dtype=np.int8)
    delay = float(delays_of_placements(profile, states, placement[None, :], k)[0])
    bound = float(result.mip_dual_bound) if result.mip_dual_bound is not None else float(result.fun)
    return MilpSolution(placement, delay, float(result.fun), bound, result.status == 0, seconds)
