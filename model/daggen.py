"""Random layered task graphs with daggen's parameters (Suter and Hunold), reproducible by seed.

The structure follows daggen's published recipe: `fat` sets the ideal level width
floor(exp(fat * ln n)); `regularity` lets each level's width stray by up to (1 - regularity)
of it; a task of level l draws min(1 + floor(U(0, density * w)), w) parents (w the width of the
level above), each from a level up to `jump` above, skipping a task already chosen. The
workload is this project's own mapping (docs/graphs.md): each task handles U[mindata, maxdata]
bytes; its output (and an entry's device input) is that many bytes, and its work is set so that
sending the output at REFERENCE_RATE takes `ccr` times as long as computing it at
REFERENCE_CLOCK (daggen's own --ccr picks a complexity class instead, which has no meaning for
cycles on a phone).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from kdoffload.model.errors import InputError
from kdoffload.model.graphs import MAX_MAGNITUDE, MAX_SUBTASKS, TaskGraph, Workload

# The middle of the shipped profiles' device clocks and a mid-range uplink: ccr is measured there.
REFERENCE_CLOCK = 1.5e9  # Hz
REFERENCE_RATE = 10e6  # bit/s
SPEC_PREFIX = "daggen:"


@dataclass(frozen=True)
class DaggenParams:
    """One family of graphs; defaults are the settings of the DRL offloading papers."""

    n: int = 20  # subtasks (with n_max: the fewest)
    fat: float = 0.7  # width: 0 a chain, 1 all in parallel
    density: float = 0.6  # how many parents a task draws from the level above
    regularity: float = 0.7  # 1: every level exactly the ideal width
    jump: int = 1  # a parent lies at most this many levels up
    ccr: float = 0.5  # communication-to-computation ratio at the reference rate and clock
    mindata: float = 1.25e3  # bytes a task handles, low end
    maxdata: float = 1.25e6  # bytes, high end
    n_max: int = 0  # 0: every graph has n subtasks; else each draws its own from n to n_max

    @property
    def largest_n(self) -> int:
        return self.n_max or self.n

    def spec(self) -> str:
        # n_max = 0 is left out, so a spec written before n ranges keeps its text (and its name).
        return SPEC_PREFIX + ",".join(f"{k}={v:g}" for k, v in asdict(self).items()
                                      if k != "n_max" or v)


_INT_KEYS = {"n", "jump", "n_max"}


def params_from_dict(raw: dict, source: str) -> DaggenParams:
    """Validated parameters; unknown keys, wrong types and out-of-range values name the key."""
    known = {f.name for f in fields(DaggenParams)}
    values = {}
    for key, value in raw.items():
        if key not in known:
            raise InputError(f"{source}: {key}: unknown daggen parameter "
                             f"(expected one of {', '.join(sorted(known))})")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"{source}: {key}: must be a number, got {value!r}")
        if key in _INT_KEYS and value != int(value):
            raise InputError(f"{source}: {key}: must be an integer, got {value!r}")
        values[key] = int(value) if key in _INT_KEYS else float(value)
    params = DaggenParams(**values)
    checks = [("n", 1 <= params.n <= MAX_SUBTASKS, f"from 1 to {MAX_SUBTASKS}"),
              ("fat", 0 <= params.fat <= 1, "in [0, 1]"), ("density", 0 <= params.density <= 1, "in [0, 1]"),
              ("regularity", 0 <= params.regularity <= 1, "in [0, 1]"), ("jump", params.jump >= 1, ">= 1"),
              ("ccr", 0 < params.ccr <= 1e6, "in (0, 1e6]"), ("mindata", 0 < params.mindata <= 1e27, "in (0, 1e27]"),
              ("maxdata", params.mindata <= params.maxdata <= 1e27, "from mindata to 1e27"),
              ("n_max", params.n_max == 0 or params.n <= params.n_max <= MAX_SUBTASKS,
               f"0 or from n to {MAX_SUBTASKS}")]
    for key, ok, need in checks:
        if not ok:
            raise InputError(f"{source}: {key}: must be {need}, got {getattr(params, key)!r}")
    _check_work(params, source)
    return params


def task_cycles(data_bits, ccr: float):
    """The work of a task handling `data_bits` (a number or an array) in a family of this ccr."""
    return data_bits / ccr * (REFERENCE_CLOCK / REFERENCE_RATE)


def _check_work(params: DaggenParams, source: str) -> None:
    """Every task's cycles between mindata's and maxdata's must be a graph's workload: each
    bound alone is in range, but their ratio with ccr can leave it (1e27 bytes at ccr 1e-300
    is infinite work, 1e-300 bytes at ccr 1e6 no work at all)."""
    for key, data in (("maxdata", params.maxdata), ("mindata", params.mindata)):
        cycles = task_cycles(8.0 * data, params.ccr)
        if not 0 < cycles <= MAX_MAGNITUDE:
            raise InputError(f"{source}: ccr: {params.ccr:g} with {key} {data:g} gives a task of "
                             f"{cycles:g} cycles (8 x bytes / ccr x {REFERENCE_CLOCK / REFERENCE_RATE:g}); "
                             f"the work must be positive and at most {MAX_MAGNITUDE:g}")


def parse_spec(text: str) -> tuple[DaggenParams, int | None]:
    """`daggen:n=30,fat=0.7,...[,seed=K]` -> the parameters and the graph seed (None: not given)."""
    body = text[len(SPEC_PREFIX):] if text.startswith(SPEC_PREFIX) else text
    raw: dict = {}
    for item in filter(None, body.split(",")):
        key, eq, value = item.partition("=")
        if not eq:
            raise InputError(f"{text}: {item!r} is not key=value")
        if key.strip() in raw:  # a spec is typed by hand: the later value silently winning hides a slip
            raise InputError(f"{text}: {key.strip()}: given twice")
        try:
            raw[key.strip()] = float(value)
        except ValueError:
            raise InputError(f"{text}: {key.strip()}: {value!r} is not a number") from None
    seed = raw.pop("seed", None)
    if seed is not None and (seed != int(seed) or seed < 0):
        raise InputError(f"{text}: seed: must be a non-negative integer, got {seed!r}")
    return params_from_dict(raw, text), None if seed is None else int(seed)


def _level_widths(params: DaggenParams, rng: np.random.Generator) -> list[int]:
    ideal = int(math.exp(params.fat * math.log(params.n)))
    latitude = 1.0 - params.regularity
    widths: list[int] = []
    while sum(widths) < params.n:
        width = max(1, int(ideal * (1.0 + rng.uniform(-latitude, latitude))))
        widths.append(min(width, params.n - sum(widths)))
    return widths


def _parents(params: DaggenParams, levels: list[list[int]], level: int, rng) -> set[int]:
    above = len(levels[level - 1])
    chosen: set[int] = set()
    for _ in range(min(1 + int(rng.uniform(0, params.density * above)), above)):
        source = levels[max(0, level - int(rng.uniform(1, params.jump + 1)))]
        start = int(rng.integers(len(source)))
        # The next task of that level not already a parent; none left: this draw is given up.
        free = [source[(start + k) % len(source)] for k in range(len(source))
                if source[(start + k) % len(source)] not in chosen]
        if free:
            chosen.add(free[0])
    return chosen


def generate(params: DaggenParams, rng: np.random.Generator) -> TaskGraph:
    """One graph of the family; tasks are numbered level by level, so edges go from low to high."""
    if params.n_max:  # drawn first, and only for a range: a fixed n keeps its graphs' draws
        params = replace(params, n=int(rng.integers(params.n, params.n_max + 1)), n_max=0)
    levels, next_id = [], 0
    for width in _level_widths(params, rng):
        levels.append(list(range(next_id, next_id + width)))
        next_id += width
    edges = sorted(((j, i) for level in range(1, len(levels)) for i in levels[level]
                    for j in _parents(params, levels, level, rng)), key=lambda e: (e[1], e[0]))
    data_bits = 8.0 * rng.uniform(params.mindata, params.maxdata, size=params.n)
    cycles = task_cycles(data_bits, params.ccr)
    in_bits = np.zeros(params.n)
    in_bits[levels[0]] = data_bits[levels[0]]
    workload = Workload(tuple(map(float, cycles)), tuple(map(float, data_bits)), tuple(map(float, in_bits)))
    return TaskGraph(params.n, tuple(edges), None, workload)
