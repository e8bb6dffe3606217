"""The native core (native/, libkdocore.so) in process, through its C ABI and ctypes.

ctypes rather than a compiled extension: the library already exists for kdo_bench and the Java
host, its C ABI is a handful of functions over flat arrays, and ctypes needs no build step
tied to the Python version. Each call hands over whole batches, so its ~1 us of call overhead
is paid once per batch, not per state.

Answers equal model/oracle.py, model/delay.py and model/policies.Greedy bit for bit (the core
does the same floating-point operations in the same order).
"""

from __future__ import annotations

import ctypes
import weakref
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from kdoffload.model.errors import InputError
from kdoffload.model.locations import core_library
from kdoffload.model.nesting import parse_json
from kdoffload.model.profile import Profile
from kdoffload.model.states import SCALAR_FIELDS, SUBTASK_FIELDS, States

BUILD_HINT = "build it with `make native`, or set KDO_CORE_LIB to a built libkdocore.so"
METHODS = {"auto": 0, "chain_dp": 1, "branch_bound": 2, "exhaustive": 3}

class _States(ctypes.Structure):
    # Addresses as plain integers: building the struct then costs a few attribute reads a field.
    _fields_ = [("count", ctypes.c_int64)] + [(name, ctypes.c_void_p) for name in SUBTASK_FIELDS + SCALAR_FIELDS]


class _Budget(ctypes.Structure):
    _fields_ = [("max_nodes", ctypes.c_uint64), ("max_seconds", ctypes.c_double)]


def library_path() -> Path:
    """Where the core is looked for (model.locations): $KDO_CORE_LIB, else the package's copy."""
    return core_library()


def available() -> bool:
    return library_path().is_file()


@lru_cache(maxsize=1)
def _lib() -> ctypes.CDLL:
    path = library_path()
    if not path.is_file():
        raise InputError(f"{path}: the native core is not built ({BUILD_HINT})")
    try:
        lib = ctypes.CDLL(str(path))
    except OSError as err:  # a file that is not a shared library, or one built for elsewhere
        raise InputError(f"{path}: not a loadable native core ({err}); KDO_CORE_LIB names the "
                         "library") from None
    p, st = ctypes.c_void_p, ctypes.POINTER(_States)
    i8, f64, u64 = (np.ctypeslib.ndpointer(t, flags="C_CONTIGUOUS") for t in (np.int8, np.float64, np.uint64))
    lib.kdo_last_error.restype = ctypes.c_char_p
    lib.kdo_profile_new.restype = p
    lib.kdo_profile_new.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int32),
                                    ctypes.c_int, ctypes.c_int]
    lib.kdo_profile_free.argtypes = [p]
    lib.kdo_delays.argtypes = [p, st, i8, f64]
    lib.kdo_delays_of_placements.argtypes = [p, st, ctypes.c_int64, ctypes.c_int64, i8, f64]
    lib.kdo_solve.argtypes = [p, st, ctypes.c_int, i8, f64, u64]
    lib.kdo_solve_timed.argtypes = [p, st, ctypes.c_int, i8, f64, f64]
    lib.kdo_greedy.argtypes = [p, st, i8, f64]
    lib.kdo_heft.argtypes = [p, st, i8, f64]
    u8 = np.ctypeslib.ndpointer(np.uint8, flags="C_CONTIGUOUS")
    lib.kdo_solve_certified_hinted.argtypes = [p, st, ctypes.POINTER(_Budget), p, p, i8, f64, f64, u8, u64]
    lib.kdo_time_solve.argtypes = [p, st, ctypes.c_int, ctypes.c_int, f64]
    f32, u8 = (np.ctypeslib.ndpointer(t, flags="C_CONTIGUOUS") for t in (np.float32, np.uint8))
    lib.kdo_decode.argtypes = [p, st, f32, u8, ctypes.c_char_p, ctypes.c_int, ctypes.c_int, i8]
    lib.kdo_graph_decide.argtypes = [p, st, f32, u8, ctypes.c_int, ctypes.c_int, ctypes.c_int, i8, f64]
    lib.kdo_graph_decide_pairs.argtypes = [p, st, f32, u8, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                           ctypes.c_int, i8, f64]
    f32w = np.ctypeslib.ndpointer(np.float32, flags="C_CONTIGUOUS,WRITEABLE")
    lib.kdo_graph_features.argtypes = [p, st, f32w, f32w, f32w, f32w]
    lib.kdo_guided_solve.argtypes = [p, st, p, u8, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                     ctypes.POINTER(_Budget), i8, f64, u8, u64, f64]
    lib.kdo_decider_new.restype = p
    lib.kdo_decider_new.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    lib.kdo_decider_free.argtypes = [p]
    lib.kdo_decide.argtypes = [p, st, i8, f64]
    return lib


def _check(rc: int) -> None:
    if rc != 0:
        raise InputError(f"native core: {_lib().kdo_last_error().decode('utf-8', 'replace')}")


class _Profile:
    """The core's handle of one profile; freed with the object."""

    def __init__(self, profile: Profile):
        lib = _lib()
        edges = np.array(profile.edges, dtype=np.int32).reshape(-1, 2)
        self.handle = lib.kdo_profile_new(profile.name.encode(), profile.n,
                                          edges.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
                                          len(edges), profile.edge_cores)
        if not self.handle:
            raise InputError(f"profile {profile.name}: {lib.kdo_last_error().decode('utf-8', 'replace')}")
        self.n = profile.n
        weakref.finalize(self, lib.kdo_profile_free, self.handle)


@lru_cache(maxsize=32)
def _profile(profile: Profile) -> _Profile:
    return _Profile(profile)


def _states(profile: Profile, states: States) -> tuple[_States, np.ndarray]:
    """The batch as the C struct, and the one buffer it points into (kept alive by the caller).

    The fields are copied into one float64 buffer, per-subtask fields [S, N] then the others
    [S], so the struct's pointers are the buffer's address plus offsets: one copy and integer
    arithmetic instead of a numpy ctypes object per field.
    """
    count, n = len(states), profile.n
    buffer = np.empty(count * (len(SUBTASK_FIELDS) * n + len(SCALAR_FIELDS)))
    offset = 0
    for name, shape in [(f, (count, n)) for f in SUBTASK_FIELDS] + [(f, (count,)) for f in SCALAR_FIELDS]:
        value = getattr(states, name)
        if np.shape(value) != shape:
            raise InputError(f"states.{name}: shape {np.shape(value)} is not {shape}")
        size = count * (n if len(shape) == 2 else 1)
        buffer[offset:offset + size] = np.ravel(value)
        offset += size
    base, step = buffer.__array_interface__["data"][0], buffer.itemsize
    sizes = [count * n] * len(SUBTASK_FIELDS) + [count] * len(SCALAR_FIELDS)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return _States(count, *(base + int(start) * step for start in starts)), buffer


def _placements(placements, rows: int, n: int) -> np.ndarray:
    out = np.ascontiguousarray(placements, dtype=np.int8)
    if out.shape != (rows, n):
        raise InputError(f"placements: shape {out.shape} is not ({rows}, {n})")
    return out


def delays(profile: Profile, states: States, placements: np.ndarray) -> np.ndarray:
    """T(x_s; s) for one placement per state: [S, N] -> [S] seconds (as model.delay.delays)."""
    struct, keep = _states(profile, states)
    x = _placements(placements, len(states), profile.n)
    out = np.empty(len(states))
    _check(_lib().kdo_delays(_profile(profile).handle, ctypes.byref(struct), x, out))
    return out


def delays_of_placements(profile: Profile, states: States, placements: np.ndarray, k: int = 0) -> np.ndarray:
    """T(x; s_k) for many placements of state k: [P, N] -> [P] seconds."""
    struct, keep = _states(profile, states)
    x = _placements(placements, len(np.asarray(placements)), profile.n)
    out = np.empty(len(x))
    _check(_lib().kdo_delays_of_placements(_profile(profile).handle, ctypes.byref(struct), k, len(x), x, out))
    return out


def solve_with_nodes(profile: Profile, states: States, method: str = "auto"):
    """(labels [S, N] int8, optimal delays [S], search nodes per state [S] uint64)."""
    if method not in METHODS:
        raise InputError(f"method: {method!r} is not one of {', '.join(METHODS)}")
    struct, keep = _states(profile, states)
    labels = np.empty((len(states), profile.n), dtype=np.int8)
    optimal = np.empty(len(states))
    nodes = np.empty(len(states), dtype=np.uint64)
    _check(_lib().kdo_solve(_profile(profile).handle, ctypes.byref(struct), METHODS[method],
                            labels, optimal, nodes))
    return labels, optimal, nodes


def solve(profile: Profile, states: States) -> tuple[np.ndarray, np.ndarray]:
    """As model.oracle.solve: the chain DP on chains, else branch and bound (exact, same ties)."""
    labels, optimal, _ = solve_with_nodes(profile, states)
    return labels, optimal


def solve_timed(profile: Profile, states: States, method: str = "auto"):
    """(labels [S, N] int8, optimal delays [S], seconds each solve took, timed in C++ [S])."""
    struct, keep = _states(profile, states)
    labels = np.empty((len(states), profile.n), dtype=np.int8)
    optimal, ns = np.empty(len(states)), np.empty(len(states))
    _check(_lib().kdo_solve_timed(_profile(profile).handle, ctypes.byref(struct), METHODS[method],
                                  labels, optimal, ns))
    return labels, optimal, ns * 1e-9


@dataclass
class NativeOptimal:
    """The exact expert as a policy (model.policies.Policy), solved by the native core.

    `decide_timed` reports the solver's own time measured in C++, so a simulator can charge
    what the solve costs on a phone-class core rather than the ctypes and numpy around it.
    """

    profile: Profile
    name: str = "optimal-native"

    def __post_init__(self):
        _profile(self.profile)  # a missing library is an InputError now, not mid-run

    def decide(self, states: States) -> np.ndarray:
        return solve(self.profile, states)[0]

    def decide_timed(self, states: States) -> tuple[np.ndarray, float]:
        labels, _, seconds = solve_timed(self.profile, states)
        return labels, float(seconds.sum())


def _hint(name: str, value, shape: tuple[int, ...]):
    """A hint as a contiguous int8 array of `shape` (None stays None: no hint)."""
    if value is None:
        return None
    array = np.ascontiguousarray(value, dtype=np.int8)
    if array.shape != shape:
        raise InputError(f"{name}: shape {array.shape}, expected {shape}")
    return array


def solve_certified(profile: Profile, states: States, max_nodes: int = 0, max_seconds: float = 0.0,
                    site_order=None, incumbent=None):
    """The anytime exact solve, each state under its own budget (0: no limit); `max_seconds` counts
    the CPU time of the thread that solves (the caller's), not wall time.

    Optional hints, per state: `site_order` [S, N, 3] (each subtask's sites in the order the search
    tries them) and `incumbent` [S, N] (a placement to start from). They change only the nodes.
    Returns (labels [S, N] int8, delays [S] of those labels, lower bounds on T* [S], certified
    [S] bool, search nodes [S] uint64). A certified label is x* with the usual ties.
    """
    if max_nodes < 0 or max_seconds < 0:
        raise InputError(f"budget: max_nodes {max_nodes} and max_seconds {max_seconds} must be >= 0")
    order = _hint("site_order", site_order, (len(states), profile.n, 3))
    start = _hint("incumbent", incumbent, (len(states), profile.n))
    struct, keep = _states(profile, states)
    count = len(states)
    labels = np.empty((count, profile.n), dtype=np.int8)
    found, lower = np.empty(count), np.empty(count)
    certified, nodes = np.empty(count, dtype=np.uint8), np.empty(count, dtype=np.uint64)
    budget = _Budget(int(max_nodes), float(max_seconds))
    address = (lambda hint: None if hint is None else hint.ctypes.data)
    _check(_lib().kdo_solve_certified_hinted(_profile(profile).handle, ctypes.byref(struct), ctypes.byref(budget),
                                             address(order), address(start), labels, found, lower, certified,
                                             nodes))
    return labels, found, lower, certified.astype(bool), nodes


def _heuristic(entry: str, profile: Profile, states: States) -> tuple[np.ndarray, np.ndarray]:
    struct, keep = _states(profile, states)
    labels = np.empty((len(states), profile.n), dtype=np.int8)
    out = np.empty(len(states))
    _check(getattr(_lib(), entry)(_profile(profile).handle, ctypes.byref(struct), labels, out))
    return labels, out


def greedy(profile: Profile, states: States) -> tuple[np.ndarray, np.ndarray]:
    """The greedy placements [S, N] int8 (as model.policies.Greedy) and their delays [S]."""
    return _heuristic("kdo_greedy", profile, states)


def heft(profile: Profile, states: States) -> tuple[np.ndarray, np.ndarray]:
    """The HEFT placements [S, N] int8 (three sites; native/src/solvers.hpp) and their delays [S]."""
    return _heuristic("kdo_heft", profile, states)


def decode(profile: Profile, states: States, logits: np.ndarray, decoder: str, top_k: int,
           ood_top_k: int, out_of_support: np.ndarray) -> np.ndarray:
    """The C++ decoders on given logits [S, N, 3]: placements [S, N] int8 (as model.decider.decode)."""
    struct, keep = _states(profile, states)
    rows = np.ascontiguousarray(logits, dtype=np.float32)
    if rows.shape != (len(states), profile.n, 3):
        raise InputError(f"logits: shape {rows.shape} is not ({len(states)}, {profile.n}, 3)")
    flagged = np.ascontiguousarray(out_of_support, dtype=np.uint8)
    if flagged.shape != (len(states),):
        raise InputError(f"out_of_support: shape {flagged.shape} is not ({len(states)},)")
    labels = np.empty((len(states), profile.n), dtype=np.int8)
    _check(_lib().kdo_decode(_profile(profile).handle, ctypes.byref(struct), rows, flagged,
                             decoder.encode(), top_k, ood_top_k, labels))
    return labels


def graph_decide(profile: Profile, states: States, logits: np.ndarray, top_k: int, ood_top_k: int,
                 passes: int, out_of_support: np.ndarray | None = None,
                 pair_work: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The guarded decision for any graph in C++ (as model.graph_decoding.guarded_decision):
    placements [S, N] int8 and their delays [S], from logits [S, N, 3] (float32). pair_work
    None: model.graph_decoding.PAIR_WORK (0: no pair moves, the decoder before them)."""
    if pair_work is None:
        from kdoffload.model.graph_decoding import PAIR_WORK  # that module imports this one
        pair_work = PAIR_WORK
    struct, keep = _states(profile, states)
    rows = np.ascontiguousarray(logits, dtype=np.float32)
    if rows.shape != (len(states), profile.n, 3):
        raise InputError(f"logits: shape {rows.shape} is not ({len(states)}, {profile.n}, 3)")
    flagged = np.ascontiguousarray(np.zeros(len(states)) if out_of_support is None else out_of_support,
                                   dtype=np.uint8)
    labels, out = np.empty((len(states), profile.n), dtype=np.int8), np.empty(len(states))
    _check(_lib().kdo_graph_decide_pairs(_profile(profile).handle, ctypes.byref(struct), rows, flagged,
                                         top_k, ood_top_k, passes, int(pair_work), labels, out))
    return labels, out


def graph_features(profile: Profile, states: States) -> tuple[np.ndarray, ...]:
    """The graph student's raw inputs in C++ (as model.graph_features.profile_inputs): nodes
    [S, 64, 11], scalars [S, 9], adjacency [S, 64, 64], mask [S, 64], float32."""
    struct, keep = _states(profile, states)
    count = len(states)
    out = tuple(np.zeros(shape, dtype=np.float32) for shape in
                ((count, 64, 11), (count, 9), (count, 64, 64), (count, 64)))
    _check(_lib().kdo_graph_features(_profile(profile).handle, ctypes.byref(struct), *out))
    return out


def guided_solve(profile: Profile, states: States, logits: np.ndarray | None, top_k: int, ood_top_k: int,
                 passes: int, max_nodes: int = 0, max_seconds: float = 0.0,
                 out_of_support: np.ndarray | None = None):
    """The certified search guided by logits [S, N, 3] (None: the plain search), in C++.

    Each subtask's sites by decreasing logit order the branching, the guarded decision
    (graph_decide) is the first incumbent. Returns (labels [S, N] int8, delays [S], certified
    [S] bool, nodes [S] uint64, seconds per state [S], decision and search timed in C++)."""
    struct, keep = _states(profile, states)
    count = len(states)
    rows = None if logits is None else np.ascontiguousarray(logits, dtype=np.float32)
    if rows is not None and rows.shape != (count, profile.n, 3):
        raise InputError(f"logits: shape {rows.shape} is not ({count}, {profile.n}, 3)")
    flagged = np.ascontiguousarray(np.zeros(count) if out_of_support is None else out_of_support, dtype=np.uint8)
    labels, found, ns = np.empty((count, profile.n), dtype=np.int8), np.empty(count), np.empty(count)
    certified, nodes = np.empty(count, dtype=np.uint8), np.empty(count, dtype=np.uint64)
    budget = _Budget(int(max_nodes), float(max_seconds))
    _check(_lib().kdo_guided_solve(_profile(profile).handle, ctypes.byref(struct),
                                   None if rows is None else rows.ctypes.data, flagged, top_k, ood_top_k,
                                   passes, ctypes.byref(budget), labels, found, certified, nodes, ns))
    return labels, found, certified.astype(bool), nodes, ns * 1e-9


def time_solve_ns(profile: Profile, states: States, method: str = "auto", rounds: int = 1) -> np.ndarray:
    """Per-solve wall times in ns, measured in C++ around each call: [rounds * S]."""
    struct, keep = _states(profile, states)
    out = np.empty(rounds * len(states))
    _check(_lib().kdo_time_solve(_profile(profile).handle, ctypes.byref(struct), METHODS[method], rounds, out))
    return out


class NativeDecider:
    """An exported student's whole decision path in C++ (`kdo::Decider`: features, support
    check, forward, decoder), its forward being the manifest's `reference_weights` as a plain
    loop, so no ExecuTorch runtime enters this process. The core replays the manifest's golden
    vectors before it is used. `decide_timed` reports the decision's time measured in C++.
    """

    def __init__(self, profile: Profile, manifest: Path, decoder: str | None = None,
                 name: str = "student-native", rate_estimate: str | None = None):
        manifest = Path(manifest)
        if not manifest.is_file():
            raise InputError(f"{manifest}: no such manifest (export the {profile.name} student first)")
        raw = parse_json(manifest.read_bytes(), manifest)
        declared = (raw.get("profile") or {}).get("name") if isinstance(raw, dict) else None
        if declared != profile.name:
            raise InputError(f"{manifest}: profile.name is {declared!r}, not {profile.name!r}")
        lib = _lib()
        self.handle = lib.kdo_decider_new(str(manifest).encode(), decoder.encode() if decoder else None)
        if not self.handle:
            raise InputError(f"{manifest}: {lib.kdo_last_error().decode('utf-8', 'replace')}")
        weakref.finalize(self, lib.kdo_decider_free, self.handle)
        self.profile, self.name = profile, name
        if profile.observation:  # the observed path's entry points (a core older than them: refused here)
            f64 = np.ctypeslib.ndpointer(np.float64, flags="C_CONTIGUOUS")
            lib.kdo_decide_observed.argtypes = [ctypes.c_void_p, ctypes.POINTER(_States), f64, f64, f64,
                                                np.ctypeslib.ndpointer(np.int8, flags="C_CONTIGUOUS"), f64]
            lib.kdo_decider_set_rate_estimate.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
            if rate_estimate is not None:  # None: the manifest's decoder.rate_estimate
                _check(lib.kdo_decider_set_rate_estimate(self.handle, rate_estimate.encode()))

    def decide_timed(self, states: States, observation=None) -> tuple[np.ndarray, float]:
        """Placements [S, N] and the C++ seconds; `observation` (a `model.observation.Observation`
        of the S states) is what the phone saw, read by a profile that observes (and timed with
        the decision: its summary is part of it)."""
        struct, keep = _states(self.profile, states)
        labels = np.empty((len(states), self.profile.n), dtype=np.int8)
        ns = np.empty(len(states))
        if observation is not None and self.profile.observation:
            backlogs = observation.backlogs()
            _check(_lib().kdo_decide_observed(
                self.handle, ctypes.byref(struct), np.ascontiguousarray(observation.rate_up_history, dtype=np.float64),
                np.ascontiguousarray(observation.rate_down_history, dtype=np.float64), backlogs, labels, ns))
        else:
            _check(_lib().kdo_decide(self.handle, ctypes.byref(struct), labels, ns))
        return labels, float(ns.sum()) * 1e-9

    def decide(self, states: States) -> np.ndarray:
        return self.decide_timed(states)[0]
