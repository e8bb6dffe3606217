"""The delay model: T(placement; state) as the list schedule of DESIGN.md, vectorised over lanes.

A lane is one (state, placement) pair being scheduled. The same code runs
- many placements of one state (the exhaustive search): state parameters are scalars, and
- one placement per state for many states (evaluation): state parameters are [S] arrays.
Sites of a subtask are either one int for every lane or an int array per lane.

Data copies: every output (and every entry's device input) is tracked per site with the time it
is there. A datum missing at the site that needs it comes from the edge if a copy is there, else
from its origin; device<->cloud goes through the edge (store and forward), which leaves a copy at
the edge. Each successor at a site where the datum already is reads that copy: nothing is resent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kdoffload.model.profile import CLOUD, DEVICE, EDGE, Profile
from kdoffload.model.states import States

UP, DOWN, BH_UP, BH_DOWN = 0, 1, 2, 3  # device->edge, edge->device, edge->cloud, cloud->edge


@dataclass
class Params:
    """State parameters for the lanes: each entry a scalar (shared) or an [M] array (per lane)."""

    cycles: list  # per subtask
    out_bits: list
    in_bits: list
    seconds_per_cycle: tuple  # per site
    rate: tuple  # per link
    lat: tuple
    edge_wait: object

    @classmethod
    def from_states(cls, states: States) -> Params:
        """One lane per state."""
        return cls._build({k: v for k, v in states.to_dict().items()})

    @classmethod
    def from_state(cls, states: States, k: int = 0) -> Params:
        """State k shared by every lane, as Python floats (scalar arithmetic is cheapest)."""
        return cls._build({key: v[k] for key, v in states.to_dict().items()})

    @classmethod
    def _build(cls, s: dict) -> Params:
        cols = (lambda a: [a[..., i] for i in range(a.shape[-1])])
        scalar = (lambda v: float(v) if np.ndim(v) == 0 else v)
        return cls(
            cycles=[scalar(v) for v in cols(s["cycles"])],
            out_bits=[scalar(v) for v in cols(s["out_bits"])],
            in_bits=[scalar(v) for v in cols(s["in_bits"])],
            seconds_per_cycle=tuple(scalar(1.0 / s[k]) for k in ("f_device", "f_edge", "f_cloud")),
            rate=tuple(scalar(s[k]) for k in ("rate_up", "rate_down", "rate_backhaul", "rate_backhaul")),
            lat=tuple(scalar(s[k]) for k in ("lat_wireless", "lat_wireless", "lat_backhaul", "lat_backhaul")),
            edge_wait=scalar(s["edge_wait"]),
        )


def _lanes(site, value: int):
    """Which lanes put a subtask at `value`: a bool for a shared site, else a bool array."""
    return site == value


def _where(mask, new, old):
    if mask is True or mask is np.True_:
        return np.broadcast_to(new, np.shape(old)).copy() if np.ndim(new) == 0 else new
    return np.where(mask, new, old)


class Schedule:
    """Resource and data state of the list schedule after the subtasks placed so far, for M lanes.

    All arrays keep lanes on the last axis so that lanes can be selected, repeated and joined
    uniformly (`take`, `concat`), which is what the exhaustive search's prefix tree needs.
    """

    def __init__(self, profile: Profile, params: Params, lanes: int):
        self.profile, self.params = profile, params
        self.preds, self.entries = profile.preds, set(profile.entries)
        # After placing subtask i, outputs no later subtask or exit reads are dropped: the
        # exhaustive search copies these arrays at every level, so fewer is faster.
        exits = set(profile.exits)
        self.last_reader = [max((k for j2, k in profile.edges if j2 == j), default=j)
                            if j not in exits else profile.n for j in range(profile.n)]
        self.arrays = {
            "dev_free": np.zeros(lanes),
            "edge_free": np.zeros((profile.edge_cores, lanes)) + params.edge_wait,
            "link_free": np.zeros((4, lanes)),
        }  # plus "at<j>": [3, M], when subtask j's output is at each site (inf: not there)

    @property
    def lanes(self) -> int:
        return self.arrays["dev_free"].shape[-1]

    def take(self, index) -> Schedule:
        """The lanes at `index`, as a schedule of its own (copied: placing on it is independent)."""
        return Schedule._with(self, {k: v[..., index].copy() for k, v in self.arrays.items()})

    def copy(self) -> Schedule:
        return self.take(slice(None))

    @staticmethod
    def _with(template: Schedule, arrays: dict) -> Schedule:
        out = object.__new__(Schedule)
        out.__dict__.update(template.__dict__)
        out.arrays = arrays
        return out

    @staticmethod
    def concat(parts: list[Schedule]) -> Schedule:
        arrays = {k: np.concatenate([p.arrays[k] for p in parts], axis=-1) for k in parts[0].arrays}
        return Schedule._with(parts[0], arrays)

    def select(self, mask: np.ndarray, other: Schedule) -> Schedule:
        """Lane-wise: this schedule where mask, else other."""
        arrays = {k: np.where(mask, v, other.arrays[k]) for k, v in self.arrays.items()}
        return Schedule._with(self, arrays)

    # -- transfers ---------------------------------------------------------------------------

    def _hop(self, link: int, mask, t_from, bits, avail: np.ndarray, dst: int) -> None:
        link_free = self.arrays["link_free"]
        p = self.params
        end = np.maximum(t_from, link_free[link]) + (bits / p.rate[link] + p.lat[link])
        link_free[link] = _where(mask, end, link_free[link])
        avail[dst] = _where(mask, end, avail[dst])

    def fetch(self, avail: np.ndarray, site, bits) -> np.ndarray:
        """Bring a datum to `site`, reserving links; `avail` [3, M] is updated. Returns arrival [M]."""
        for v in (DEVICE, EDGE, CLOUD):
            on_v = _lanes(site, v)
            if on_v is False or on_v is np.False_:
                continue
            missing = np.isinf(avail[v])
            need = missing if on_v is True or on_v is np.True_ else on_v & missing
            if not need.any():
                continue
            if v == EDGE:  # not at the edge: only at its origin
                from_device = need & np.isfinite(avail[DEVICE])
                self._hop(UP, from_device, avail[DEVICE], bits, avail, EDGE)
                self._hop(BH_DOWN, need & ~from_device, avail[CLOUD], bits, avail, EDGE)
            else:
                far, relay_link, last_link = (CLOUD, BH_DOWN, DOWN) if v == DEVICE else (DEVICE, UP, BH_UP)
                relay = need & np.isinf(avail[EDGE])
                if relay.any():
                    self._hop(relay_link, relay, avail[far], bits, avail, EDGE)
                self._hop(last_link, need, avail[EDGE], bits, avail, v)
        if np.ndim(site) == 0:
            return avail[site]
        return np.take_along_axis(avail, site[None, :].astype(np.intp), axis=0)[0]

    # -- subtasks ----------------------------------------------------------------------------

    def place(self, i: int, site) -> np.ndarray:
        """Schedule subtask i at `site` (int, or [M] ints) after all earlier ones. Returns finish [M]."""
        p, a = self.params, self.arrays
        lanes = self.lanes
        ready = np.zeros(lanes)
        if i in self.entries:
            device_input = np.full((3, lanes), np.inf)
            device_input[DEVICE] = 0.0
            ready = np.maximum(ready, self.fetch(device_input, site, p.in_bits[i]))
        for j in self.preds[i]:
            ready = np.maximum(ready, self.fetch(a[f"at{j}"], site, p.out_bits[j]))
        fin = np.zeros(lanes)
        for v in (DEVICE, EDGE, CLOUD):
            on_v = _lanes(site, v)
            if on_v is False or on_v is np.False_ or (np.ndim(on_v) and not on_v.any()):
                continue
            run = p.cycles[i] * p.seconds_per_cycle[v]
            if v == DEVICE:
                done = np.maximum(ready, a["dev_free"]) + run
                a["dev_free"] = _where(on_v, done, a["dev_free"])
            elif v == EDGE:
                core = np.argmin(a["edge_free"], axis=0)  # frees first; lowest index on a tie
                cols = np.arange(lanes)
                free = a["edge_free"][core, cols]
                done = np.maximum(ready, free) + run
                a["edge_free"][core, cols] = _where(on_v, done, free)
            else:
                done = ready + run
            fin = _where(on_v, done, fin)
        at = np.full((3, lanes), np.inf)
        if np.ndim(site) == 0:
            at[site] = fin
        else:
            np.put_along_axis(at, site[None, :].astype(np.intp), fin[None, :], axis=0)
        a[f"at{i}"] = at
        for j in self.preds[i]:
            if self.last_reader[j] == i:
                del a[f"at{j}"]
        return fin

    def finish(self) -> np.ndarray:
        """Send every exit's output to the device, in exit order. Returns T [M]."""
        total = np.zeros(self.lanes)
        for e in self.profile.exits:
            total = np.maximum(total, self.fetch(self.arrays[f"at{e}"], DEVICE, self.params.out_bits[e]))
        return total


def run_placements(profile: Profile, params: Params, placements: np.ndarray,
                   busy: np.ndarray | None = None) -> np.ndarray:
    """T for each lane's placement ([M, N] ints) under `params`; `busy` [M, 3]: the phone's core,
    uplink and downlink free only after that many seconds (None: idle)."""
    placements = np.asarray(placements)
    schedule = Schedule(profile, params, len(placements))
    if busy is not None:
        busy = np.asarray(busy, dtype=np.float64)
        schedule.arrays["dev_free"] = busy[:, 0].copy()
        schedule.arrays["link_free"][UP] = busy[:, 1]
        schedule.arrays["link_free"][DOWN] = busy[:, 2]
    for i in range(profile.n):
        schedule.place(i, placements[:, i])
    return schedule.finish()


def delays(profile: Profile, states: States, placements: np.ndarray,
           busy: np.ndarray | None = None) -> np.ndarray:
    """T(x_s; s) for one placement per state: states S, placements [S, N] -> [S] seconds.

    `busy` [S, 3]: the seconds already queued on the phone's core, uplink and downlink (an
    observation's backlogs), which every resource starts behind; None, or all zero: an idle
    phone, bit for bit."""
    placements = np.asarray(placements)
    if placements.shape != (len(states), profile.n):
        raise ValueError(f"placements shape {placements.shape} != ({len(states)}, {profile.n})")
    return run_placements(profile, Params.from_states(states), placements, busy)


def delays_of_placements(profile: Profile, states: States, placements: np.ndarray, k: int = 0) -> np.ndarray:
    """T(x; s_k) for many placements of state k: placements [P, N] -> [P] seconds."""
    placements = np.asarray(placements)
    if placements.ndim != 2 or placements.shape[1] != profile.n:
        raise ValueError(f"placements shape {placements.shape} is not [P, {profile.n}]")
    return run_placements(profile, Params.from_state(states, k), placements)
