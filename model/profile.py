"""App profiles: task graphs, sampling ranges, their TOML form and validation; the network model."""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from kdoffload.model import daggen, graph_source
from kdoffload.model.errors import InputError
from kdoffload.model.graphs import MAX_MAGNITUDE, MAX_SUBTASKS, TaskGraph, Workload, is_int, read_graph
from kdoffload.model.graph_import import DOT_SUFFIXES, WFFORMAT_SUFFIXES
from kdoffload.model.nesting import parse_toml
from kdoffload.model.observation import check_recipe

DEVICE, EDGE, CLOUD = 0, 1, 2
LABELS = ("local", "edge", "cloud")
# Profiles take graphs of up to MAX_SUBTASKS (model/graphs.py); numpy's exhaustive search is only
# practical up to 12 (model/dataset.py refuses it beyond).
NUMPY_EXHAUSTIVE_MAX = 12
# The shipped profiles and regimes are package data (pyproject.toml), found through the installed
# package; a package on the file system (every install here) gives a real folder.
CONFIG_DIR = Path(str(resources.files("kdoffload.model") / "configs"))


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


# Ranges a graph's nominal workload replaces (the spread then says how states vary around it).
WORKLOAD_RANGES = ("cycles", "out_bits", "in_bits")


@dataclass(frozen=True)
class Spread:
    """Log-uniform factors [low, high] by which states vary each subtask's nominal workload."""

    cycles: tuple[float, float] = (0.5, 2.0)
    out_bits: tuple[float, float] = (0.5, 2.0)
    in_bits: tuple[float, float] = (0.5, 2.0)


# Which range keys must be strictly positive (rates, clocks, work, sizes); the rest must be >= 0
# except the noise terms, which are in dB and may take any sign.
_POSITIVE = {"f_device", "f_edge", "f_cloud", "cycles", "out_bits", "in_bits", "bandwidth",
             "distance", "tx_power", "down_up_ratio", "rate_backhaul"}
_SIGNED = {"noise_dbm_per_hz", "noise_figure_db"}
# Physical bounds, far beyond any real system: past them the model's arithmetic overflows
# (10^(dB/10) of a huge noise level) or means nothing.
_BOUNDS = {"noise_dbm_per_hz": (-250.0, 0.0), "noise_figure_db": (0.0, 60.0), "tx_power": (0.0, 1e3),
           "distance": (0.0, 1e6), "bandwidth": (0.0, 1e11), "down_up_ratio": (0.0, 1e6)}
MAX_EDGE_CORES = 4096


@dataclass(frozen=True)
class Profile:
    """One app: its task graph, the edge's core count, and where states are drawn from."""

    name: str
    n: int
    edges: tuple[tuple[int, int], ...]
    edge_cores: int = 2
    ranges: Ranges = field(default_factory=Ranges)
    names: tuple[str, ...] | None = None
    # None: every subtask's workload is drawn from the ranges (the shipped profiles); else the
    # nominal workload of each subtask, which states scale by factors drawn from `spread`.
    workload: Workload | None = None
    spread: Spread = field(default_factory=Spread)
    family: daggen.DaggenParams | None = None  # set: each state has its own graph of this family
    # None: the decision sees the state alone; "rate-history": also what the phone observed of its
    # network and its own queues (model/observation.py).
    observation: str | None = None

    @property
    def graph(self) -> TaskGraph:
        return TaskGraph(self.n, self.edges, self.names, self.workload)

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
                  for k, v in dataclasses.asdict(self.ranges).items()
                  if not ((self.workload or self.family) and k in WORKLOAD_RANGES)}
        out = {"name": self.name, "edge_cores": self.edge_cores, "ranges": ranges}
        if self.family:
            out["family"] = {"daggen": dataclasses.asdict(self.family)}
        else:
            out["graph"] = self.graph.to_dict()
        if self.workload or self.family:  # old profiles keep their exact dict: it keys cached dataset shards
            out["spread"] = {k: list(v) for k, v in dataclasses.asdict(self.spread).items()}
        if self.observation:  # only when set: the other profiles keep their exact dict
            out["observation"] = self.observation
        return out

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


def load_profile(name_or_path: str | Path, allow_family: bool = False) -> Profile:
    """A shipped profile by name (`chain6`), a TOML file of the same form by path, or a daggen
    spec (`daggen:n=30,fat=0.7,...`; with `seed=K` one graph of the family, else the family).

    A shipped name wins over a file or folder of that name in the working directory. A family
    (each state its own graph) is only returned to a caller that handles one (`allow_family`).
    """
    if str(name_or_path).startswith(daggen.SPEC_PREFIX):
        raw = graph_source.spec_profile(str(name_or_path))
        return profile_from_dict(raw, str(name_or_path), allow_family=allow_family)
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
    if path.suffix in DOT_SUFFIXES + WFFORMAT_SUFFIXES:  # not TOML: its cycles need the import's choices
        raise InputError(f"{path}: a {'DOT' if path.suffix in DOT_SUFFIXES else 'WfFormat'} file; import it "
                         f"first (kdoffload graph import {path} --out G.toml) and use the .toml")
    raw = read_toml(path)
    if set(raw) == {"graph"}:
        raise InputError(f"{path}: a graph file, not a profile (a profile names it: "
                         f"name = \"...\" and graph = \"{path.name}\")")
    return profile_from_dict(raw, source=path.name, base_dir=path.parent, allow_family=allow_family)


def load_graph(source: str | Path) -> TaskGraph:
    """A graph file (a TOML holding only `[graph]`), else the graph of the profile `source` names."""
    path = Path(source)
    if path.suffix == ".toml" and path.is_file() and set(read_toml(path)) == {"graph"}:
        return read_graph(path)
    return load_profile(source).graph


def read_toml(path: Path) -> dict:
    """A TOML file's table; a file that is not TOML (or not text) is an InputError naming it."""
    return parse_toml(path.read_bytes(), path)


def profile_from_dict(raw: dict, source: str = "profile", base_dir: Path | None = None,
                      allow_family: bool = False) -> Profile:
    """A validated Profile. `graph` is an inline table or a graph file's path (relative to
    `base_dir`); `family` instead of `graph` names a generated family (docs/graphs.md)."""
    def fail(key: str, problem: str) -> InputError:
        return InputError(f"{source}: {key}: {problem}")

    _reject_unknown(raw, {"name", "edge_cores", "graph", "family", "ranges", "spread", "observation"},
                    "", fail)
    if "name" not in raw:
        raise fail("name", "missing")
    if ("graph" in raw) == ("family" in raw):
        raise fail("graph", "give either a graph (a table or a graph file) or a family")
    if not isinstance(raw["name"], str) or not raw["name"]:
        raise fail("name", "must be a non-empty string")
    check_name(raw["name"], f"{source}: name")
    edge_cores = raw.get("edge_cores", 2)
    if not is_int(edge_cores) or not 1 <= edge_cores <= MAX_EDGE_CORES:
        raise fail("edge_cores", f"must be an integer from 1 to {MAX_EDGE_CORES}, got {edge_cores!r}")
    family, graph = None, None
    if "family" in raw:
        family, graph = graph_source.check_family(raw["family"], source, fail, allow_family)
    else:
        graph = graph_source.load_graph_table(raw["graph"], source, base_dir, fail)
    has_workload = graph is None or graph.workload is not None
    ranges = _check_ranges(raw.get("ranges", {}), fail)
    for key in WORKLOAD_RANGES:
        if has_workload and key in raw.get("ranges", {}):
            raise fail(f"ranges.{key}", "the graph's nominal workload and [spread] replace this range")
    if "spread" in raw and not has_workload:
        raise fail("spread", "needs a graph with a nominal workload (cycles, out_bits, in_bits)")
    spread = _check_spread(raw.get("spread", {}), fail)
    observation = check_recipe(raw.get("observation"), fail)
    if graph is None:  # a family: each state draws its own graph
        return Profile(raw["name"], family.largest_n, (), int(edge_cores), ranges, spread=spread,
                       family=family, observation=observation)
    return Profile(raw["name"], graph.n, graph.edges, int(edge_cores), ranges, graph.names,
                   graph.workload, spread, observation=observation)


def _check_spread(raw, fail) -> Spread:
    if not isinstance(raw, dict):
        raise fail("spread", "must be a table")
    _reject_unknown(raw, set(WORKLOAD_RANGES), "spread.", fail)
    values = {}
    for key, value in raw.items():
        if not (isinstance(value, list) and len(value) == 2 and all(map(_is_number, value))):
            raise fail(f"spread.{key}", f"must be a [low, high] pair of numbers, got {value!r}")
        if not 0 < value[0] <= value[1] <= 1e6:
            raise fail(f"spread.{key}", f"need 0 < low <= high <= 1e6, got {value!r}")
        values[key] = (float(value[0]), float(value[1]))
    return Spread(**values)


def _reject_unknown(table: dict, known: set[str], prefix: str, fail) -> None:
    for key in table:
        if key not in known:
            raise fail(prefix + key, f"unknown key (expected one of {', '.join(sorted(known))})")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


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
        lowest, highest = _BOUNDS.get(key, (-MAX_MAGNITUDE, MAX_MAGNITUDE))
        if not all(lowest <= v <= highest for v in (value if isinstance(value, tuple) else (value,))):
            raise fail(key_name, f"must lie within [{lowest:g}, {highest:g}], got {raw[key]!r}")
        values[key] = value
    ranges = dataclasses.replace(defaults, **values)
    _check_derived(ranges, fail)
    return ranges


def _check_derived(ranges: Ranges, fail) -> None:
    """The rates and times the ranges make, at their extremes, finite and positive: each input
    may be in range while what it derives is not (a bandwidth of 1e-300 Hz is positive, but its
    noise power underflows and the Shannon rate becomes infinite)."""
    with np.errstate(all="ignore"):
        uplinks = [float(shannon_rate(b, d, ranges.tx_power, ranges.noise_dbm_per_hz,
                                      ranges.noise_figure_db))
                   for b in ranges.bandwidth for d in ranges.distance]
    if not min(uplinks) > 0:
        raise fail("ranges", "bandwidth, distance, tx_power and noise make the uplink rate zero "
                   "at the far end of the ranges")
    fastest = max(uplinks) * ranges.down_up_ratio[1]
    if not fastest <= MAX_MAGNITUDE:
        raise fail("ranges.bandwidth", f"{list(ranges.bandwidth)} Hz gives an uplink rate of "
                   f"{max(uplinks):g} bit/s (downlink {fastest:g}), above {MAX_MAGNITUDE:g}")
    bits = max(ranges.out_bits[1], ranges.in_bits[1])
    times = {f"ranges.{site}": ranges.cycles[1] / getattr(ranges, site)[0]
             for site in ("f_device", "f_edge", "f_cloud")}
    times |= {"ranges.bandwidth": bits / min(uplinks), "ranges.rate_backhaul": bits / ranges.rate_backhaul[0]}
    for key, seconds in times.items():
        if not seconds <= MAX_MAGNITUDE:
            raise fail(key, f"the largest work or data over its lowest value takes {seconds:g} s, "
                       f"more than {MAX_MAGNITUDE:g}")


def shannon_rate(bandwidth, distance_m, tx_power_w, noise_dbm_per_hz, noise_figure_db):
    """Uplink rate in bit/s: B log2(1 + P g / (N0 B)), path loss 128.1 + 37.6 log10(d / km) dB."""
    path_loss_db = 128.1 + 37.6 * np.log10(np.asarray(distance_m) / 1000.0)
    gain = 10.0 ** (-path_loss_db / 10.0)
    noise_w_per_hz = 10.0 ** ((noise_dbm_per_hz + noise_figure_db - 30.0) / 10.0)
    return bandwidth * np.log2(1.0 + tx_power_w * gain / (noise_w_per_hz * bandwidth))
