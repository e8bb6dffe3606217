"""App profiles: task graphs, sampling ranges, their TOML form and validation; the network model."""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from model.errors import InputError

DEVICE, EDGE, CLOUD = 0, 1, 2
LABELS = ("local", "edge", "cloud")
# The native branch and bound solves N = 16 in milliseconds; numpy's exhaustive search is only
# practical up to 12 (model/dataset.py refuses it beyond).
MAX_SUBTASKS = 16
NUMPY_EXHAUSTIVE_MAX = 12
CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"


@dataclass(frozen=True)
class Ranges:
    """Sampling ranges of one profile. Pairs are [low, high]; units Hz, s, cycles, bits, m, W."""

    f_device: tuple[float, float] = (0.5e9, 2.5e9)
    f_edge: tuple[float, float] = (4e9, 16e9)
    f_cloud: tuple[float, float] = (8e9, 32e9)
    edge_wait: tuple[float, float] = (0.0, 0.1)
    cycles: tuple[float, float] = (1e7, 2e9)  # log-uniform
    out_bits: tuple[float, float] = (1e4, 4e7)  # log-uniform
    in_bits: tuple[float, float] = (1e4, 4e7)  # log-uniform
    bandwidth: tuple[float, float] = (1e6, 20e6)
    distance: tuple[float, float] = (50.0, 1000.0)
    tx_power: float = 0.2
    noise_dbm_per_hz: float = -174.0
    noise_figure_db: float = 9.0
    down_up_ratio: tuple[float, float] = (2.0, 5.0)
    rate_backhaul: tuple[float, float] = (1e7, 3e8)  # log-uniform
    lat_backhaul: tuple[float, float] = (0.02, 0.1)
    lat_wireless: tuple[float, float] = (0.001, 0.01)


# Which range keys must be strictly positive (rates, clocks, work, sizes); the rest must be >= 0
# except the noise terms, which are in dB and may take any sign.
_POSITIVE = {"f_device", "f_edge", "f_cloud", "cycles", "out_bits", "in_bits", "bandwidth",
             "distance", "tx_power", "down_up_ratio", "rate_backhaul"}
_SIGNED = {"noise_dbm_per_hz", "noise_figure_db"}
# Physical bounds, far beyond any real system: past them the model's arithmetic overflows
# (10^(dB/10) of a huge noise level) or means nothing.
_BOUNDS = {"noise_dbm_per_hz": (-250.0, 0.0), "noise_figure_db": (0.0, 60.0), "tx_power": (0.0, 1e3),
           "distance": (0.0, 1e6), "bandwidth": (0.0, 1e11), "down_up_ratio": (0.0, 1e6)}
_MAX_VALUE = 1e30  # any other range: sizes, clocks, rates and times far below float overflow
MAX_EDGE_CORES = 4096


@dataclass(frozen=True)
class Profile:
    """One app: its task graph, the edge's core count, and where states are drawn from."""

    name: str
    n: int
    edges: tuple[tuple[int, int], ...]
    edge_cores: int = 2
    ranges: Ranges = field(default_factory=Ranges)

    @property
    def preds(self) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(sorted(j for j, k in self.edges if k == i)) for i in range(self.n))

    @property
    def entries(self) -> tuple[int, ...]:
        return tuple(i for i in range(self.n) if not any(k == i for _, k in self.edges))

    @property
    def exits(self) -> tuple[int, ...]:
        return tuple(i for i in range(self.n) if not any(j == i for j, _ in self.edges))

    @property
    def is_chain(self) -> bool:
        return set(self.edges) == {(i, i + 1) for i in range(self.n - 1)}

    def to_dict(self) -> dict:
        """The profile in its TOML form: `profile_from_dict(p.to_dict()) == p`."""
        ranges = {k: list(v) if isinstance(v, tuple) else v
                  for k, v in dataclasses.asdict(self.ranges).items()}
        return {"name": self.name, "edge_cores": self.edge_cores,
                "graph": {"n": self.n, "edges": [list(e) for e in self.edges]}, "ranges": ranges}

    def with_ranges(self, **changes) -> Profile:
        return dataclasses.replace(self, ranges=dataclasses.replace(self.ranges, **changes))


# A profile's name becomes a folder under runs/: an identifier, never a path.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def check_name(name, what: str) -> str:
    """`name` if it is a safe identifier (letters, digits, `_`, `-`, `.`; no `..`), else InputError."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name) or ".." in name:
        raise InputError(f"{what}: {name!r} is not a name (letters, digits, '_', '-', '.'; "
                         "at most 64, not starting with '.' or '-')")
    return name


def load_profile(name_or_path: str | Path) -> Profile:
    """A shipped profile by name (`chain6`), or a TOML file of the same form by path.

    A shipped name wins over a file or folder of that name in the working directory.
    """
    shipped_path = CONFIG_DIR / f"{name_or_path}.toml"
    path = Path(name_or_path)
    if NAME_PATTERN.fullmatch(str(name_or_path)) and shipped_path.is_file():
        path = shipped_path
    elif path.suffix != ".toml" and not path.exists():
        shipped = ", ".join(sorted(p.stem for p in CONFIG_DIR.glob("*.toml")))
        raise InputError(f"profile {name_or_path!r}: no such profile (shipped: {shipped}) "
                         "and no such file")
    if not path.is_file():
        raise InputError(f"{path}: no such profile file")
    return profile_from_dict(read_toml(path), source=path.name)


def read_toml(path: Path) -> dict:
    """A TOML file's table; a file that is not TOML (or not text) is an InputError naming it."""
    try:
        return tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: not valid TOML: {err}") from None


def profile_from_dict(raw: dict, source: str = "profile") -> Profile:
    def fail(key: str, problem: str) -> InputError:
        return InputError(f"{source}: {key}: {problem}")

    _reject_unknown(raw, {"name", "edge_cores", "graph", "ranges"}, "", fail)
    for key in ("name", "graph"):
        if key not in raw:
            raise fail(key, "missing")
    if not isinstance(raw["name"], str) or not raw["name"]:
        raise fail("name", "must be a non-empty string")
    check_name(raw["name"], f"{source}: name")
    edge_cores = raw.get("edge_cores", 2)
    if not _is_int(edge_cores) or not 1 <= edge_cores <= MAX_EDGE_CORES:
        raise fail("edge_cores", f"must be an integer from 1 to {MAX_EDGE_CORES}, got {edge_cores!r}")
    graph = raw["graph"]
    if not isinstance(graph, dict):
        raise fail("graph", "must be a table with n and edges")
    _reject_unknown(graph, {"n", "edges"}, "graph.", fail)
    n, edges = _check_graph(graph, fail)
    ranges = _check_ranges(raw.get("ranges", {}), fail)
    return Profile(raw["name"], n, edges, int(edge_cores), ranges)


def _reject_unknown(table: dict, known: set[str], prefix: str, fail) -> None:
    for key in table:
        if key not in known:
            raise fail(prefix + key, f"unknown key (expected one of {', '.join(sorted(known))})")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_graph(graph: dict, fail) -> tuple[int, tuple[tuple[int, int], ...]]:
    n = graph.get("n")
    if not _is_int(n) or n < 1:
        raise fail("graph.n", f"must be an integer >= 1, got {n!r}")
    if n > MAX_SUBTASKS:
        raise fail("graph.n", f"{n} subtasks is more than the {MAX_SUBTASKS} the exact solvers handle")
    raw_edges = graph.get("edges", [])
    if not isinstance(raw_edges, list):
        raise fail("graph.edges", "must be a list of [from, to] pairs")
    edges = []
    for e in raw_edges:
        if not (isinstance(e, list) and len(e) == 2 and all(_is_int(v) for v in e)):
            raise fail("graph.edges", f"{e!r} is not a [from, to] pair of integers")
        j, i = e
        if not (0 <= j < n and 0 <= i < n):
            raise fail("graph.edges", f"{e!r} names a subtask outside 0..{n - 1}")
        edges.append((j, i))
    if len(set(edges)) != len(edges):
        raise fail("graph.edges", "an edge is listed twice")
    cycle = _find_cycle(n, edges)
    if cycle:
        raise fail("graph.edges", "the graph is cyclic: " + " -> ".join(map(str, cycle)))
    for j, i in edges:
        if j >= i:
            raise fail("graph.edges", f"[{j}, {i}] is not in topological order (need from < to)")
    return n, tuple(sorted(edges, key=lambda e: (e[1], e[0])))


def _find_cycle(n: int, edges: list[tuple[int, int]]) -> list[int] | None:
    succ = {v: [i for j, i in edges if j == v] for v in range(n)}
    colour = [0] * n  # 0 new, 1 on the stack, 2 done
    stack: list[int] = []

    def visit(v: int) -> list[int] | None:
        colour[v] = 1
        stack.append(v)
        for w in succ[v]:
            if colour[w] == 1:
                return stack[stack.index(w):] + [w]
            if colour[w] == 0 and (found := visit(w)):
                return found
        stack.pop()
        colour[v] = 2
        return None

    for v in range(n):
        if colour[v] == 0 and (found := visit(v)):
            return found
    return None


def _check_ranges(raw: dict, fail) -> Ranges:
    if not isinstance(raw, dict):
        raise fail("ranges", "must be a table")
    defaults = Ranges()
    known = {f.name for f in dataclasses.fields(Ranges)}
    _reject_unknown(raw, known, "ranges.", fail)
    values = {}
    for key, value in raw.items():
        key_name = f"ranges.{key}"
        if isinstance(getattr(defaults, key), tuple):
            if not (isinstance(value, list) and len(value) == 2 and all(map(_is_number, value))):
                raise fail(key_name, f"must be a [low, high] pair of numbers, got {value!r}")
            if value[0] > value[1]:
                raise fail(key_name, f"low {value[0]} is above high {value[1]}")
            low = value[0]
            value = (float(value[0]), float(value[1]))
        else:
            if not _is_number(value):
                raise fail(key_name, f"must be a number, got {value!r}")
            low = value
            value = float(value)
        if key in _POSITIVE and low <= 0:
            raise fail(key_name, f"must be positive, got {raw[key]!r}")
        if key not in _SIGNED and key not in _POSITIVE and low < 0:
            raise fail(key_name, f"must not be negative, got {raw[key]!r}")
        lowest, highest = _BOUNDS.get(key, (-_MAX_VALUE, _MAX_VALUE))
        if not all(lowest <= v <= highest for v in (value if isinstance(value, tuple) else (value,))):
            raise fail(key_name, f"must lie within [{lowest:g}, {highest:g}], got {raw[key]!r}")
        values[key] = value
    ranges = dataclasses.replace(defaults, **values)
    worst = shannon_rate(ranges.bandwidth[0], ranges.distance[1], ranges.tx_power,
                         ranges.noise_dbm_per_hz, ranges.noise_figure_db)
    if not worst > 0:
        raise fail("ranges", "bandwidth, distance, tx_power and noise make the uplink rate zero "
                   "at the far end of the ranges")
    return ranges


def shannon_rate(bandwidth, distance_m, tx_power_w, noise_dbm_per_hz, noise_figure_db):
    """Uplink rate in bit/s: B log2(1 + P g / (N0 B)), path loss 128.1 + 37.6 log10(d / km) dB."""
    path_loss_db = 128.1 + 37.6 * np.log10(np.asarray(distance_m) / 1000.0)
    gain = 10.0 ** (-path_loss_db / 10.0)
    noise_w_per_hz = 10.0 ** ((noise_dbm_per_hz + noise_figure_db - 30.0) / 10.0)
    return bandwidth * np.log2(1.0 + tx_power_w * gain / (noise_w_per_hz * bandwidth))
