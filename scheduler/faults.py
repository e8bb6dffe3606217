"""Outage windows of the edge server, the wireless link and the backhaul.

A window [start, end) means the resource does no work in it: no subtask runs on an edge core and
no transfer is on the link while it lasts. Windows are given by the user or drawn from an
alternating renewal process (exponential up and down times), extended lazily as time advances.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np

from kdoffload.model.delay import DOWN, UP
from kdoffload.model.errors import InputError

LINK_NAMES = ("wireless", "backhaul")
# Random windows drawn in one run at most: the command refuses up front what it can foresee, this
# stops what it could not (a run that lasts far longer in virtual time than its arrivals).
MAX_WINDOWS = 10_000_000
# Windows one run or transfer may wait through: with mean up times far below its length the
# chance of a long enough stretch vanishes (exp(-length / mean_up)), and the wait with it.
MAX_SKIPPED = 100_000


class Windows:
    """Sorted, disjoint [start, end) windows; with `mean_up`/`mean_down`, a seeded random process."""

    def __init__(self, windows=(), mean_up: float | None = None, mean_down: float | None = None,
                 seed: int = 0):
        merged: list[list[float]] = []
        for a, b in sorted(windows):
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]
        self._random = mean_up is not None
        if self._random:
            if self.starts:
                raise ValueError("give fixed windows or a random process, not both")
            self._rng = np.random.default_rng(seed)
            self._mean_up, self._mean_down = mean_up, mean_down
            self._next_start = float(self._rng.exponential(mean_up))

    def __bool__(self) -> bool:
        return self._random or bool(self.starts)

    def _generate_until(self, t: float) -> None:
        while self._random and self._next_start <= t:
            if len(self.starts) >= MAX_WINDOWS:
                raise InputError(f"random outages: more than {MAX_WINDOWS:,} outage windows before "
                                 f"t = {t:.3g} s; raise MEAN_UP:MEAN_DOWN or shorten the run")
            end = self._next_start + float(self._rng.exponential(self._mean_down))
            self.starts.append(self._next_start)
            self.ends.append(end)
            self._next_start = end + float(self._rng.exponential(self._mean_up))

    def down(self, t: float) -> bool:
        """Is the resource in an outage at time t?"""
        self._generate_until(t)
        k = bisect.bisect_right(self.starts, t) - 1
        return k >= 0 and t < self.ends[k]

    def fit(self, start: float, duration) -> float:
        """The earliest s >= start with [s, s + duration(s)) clear of every window.

        `duration` is a number or a function of the start time (a transfer's length depends on the
        rates it meets from its start on).
        """
        s = start
        for skipped in range(MAX_SKIPPED + 1):
            length = duration(s) if callable(duration) else duration
            self._generate_until(s + length)
            k = bisect.bisect_right(self.ends, s)  # first window that ends after s
            if k < len(self.starts) and self.starts[k] < s + length:
                s = self.ends[k]
                continue
            return s
        # Only a random process gets here (fixed windows run out): its up times are too short.
        raise InputError(f"random outages: {length:.3g} s of work found no clear stretch in "
                         f"{MAX_SKIPPED:,} outage windows from t = {start:.3g} s; mean up "
                         f"{self._mean_up:g} s is too short for it")

    def upto(self, horizon: float) -> list[tuple[float, float]]:
        """The windows that start before `horizon`, for reports and checks."""
        self._generate_until(horizon)
        return [(a, b) for a, b in zip(self.starts, self.ends) if a < horizon]


@dataclass
class Faults:
    """Outage windows per resource: the edge server's cores, the wireless link, the backhaul."""

    edge: Windows = field(default_factory=Windows)
    wireless: Windows = field(default_factory=Windows)
    backhaul: Windows = field(default_factory=Windows)

    def __bool__(self) -> bool:
        return bool(self.edge) or bool(self.wireless) or bool(self.backhaul)

    def link(self, link: int) -> Windows:
        return self.wireless if link in (UP, DOWN) else self.backhaul

    def describe(self, horizon: float) -> dict:
        return {name: [list(w) for w in getattr(self, name).upto(horizon)]
                for name in ("edge", "wireless", "backhaul")}


def parse_window(text: str, option: str) -> tuple[float, float]:
    """'START:END' in seconds, 0 <= START < END."""
    parts = text.split(":")
    if len(parts) != 2:
        raise InputError(f"{option} {text!r}: expected START:END in seconds")
    try:
        start, end = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"{option} {text!r}: START and END must be numbers") from None
    if not (math.isfinite(start) and math.isfinite(end)) or start < 0 or end <= start:
        raise InputError(f"{option} {text!r}: need 0 <= START < END")
    return start, end


def parse_means(text: str, option: str) -> tuple[float, float]:
    """'MEAN_UP:MEAN_DOWN' in seconds, both positive."""
    parts = text.split(":")
    try:
        up, down = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"{option} {text!r}: expected MEAN_UP:MEAN_DOWN in seconds") from None
    if not (math.isfinite(up) and math.isfinite(down)) or up <= 0 or down <= 0:
        raise InputError(f"{option} {text!r}: both means must be positive")
    return up, down


def make_faults(edge_outages: list[str], link_outages: list[str], random_outages: str | None,
                seed: int) -> Faults:
    """Faults from the command line's --edge-outage, --link-outage and --random-outages."""
    edge = [parse_window(text, "edge outage") for text in edge_outages]
    links: dict[str, list] = {name: [] for name in LINK_NAMES}
    for text in link_outages:
        name, _, window = text.partition(":")
        if name not in links:
            raise InputError(f"link outage {text!r}: link must be one of {', '.join(LINK_NAMES)} "
                             "(LINK:START:END)")
        links[name].append(parse_window(window, "link outage"))
    if random_outages is not None:
        if edge:
            raise InputError("random outages and edge outages: give one of them")
        up, down = parse_means(random_outages, "random outages")
        edge_windows = Windows(mean_up=up, mean_down=down, seed=seed)
    else:
        edge_windows = Windows(edge)
    return Faults(edge_windows, Windows(links["wireless"]), Windows(links["backhaul"]))
