"""Offline demonstrations: sample states, solve each exactly, store state -> x*, T(x*) as .npz.

States are drawn in shards whose seeds derive from (seed, shard index) alone, so the file is the
same whatever the worker count or the engine that runs them (`model.parallel`). The driver
saves each finished shard the moment it arrives, cached beside the output (`<out>.shards/`)
and reused by a rerun of the same job, so a killed run resumes; the final file is written to a
temporary name and renamed, so a crash leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import platform
import shutil
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

import numpy as np

from kdoffload.model import exact, native, oracle
from kdoffload.model.delay import delays
from kdoffload.model.arrays_file import (check_derived_times, check_finite, check_shape, check_state_values,
                               read_members)
from kdoffload.model.errors import InputError
from kdoffload.model.features import build_features, feature_recipe
from kdoffload.model.io import atomic_write
from kdoffload.model.nesting import parse_json
from kdoffload.model.parallel import JobMap, process_pool
from kdoffload.model.policies import BestTrivial
from kdoffload.model.profile import NUMPY_EXHAUSTIVE_MAX, Profile, profile_from_dict
from kdoffload.model.states import STATE_FIELDS, SUBTASK_FIELDS, States, sample_states

SHARD_SIZE = 4096
DATASET_VERSION = 1
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip member can carry
# Both give the same labels and the same delay bits, so the solver is not part of the data.
SOLVERS = {"numpy": oracle.solve, "native": native.solve}


def default_solver() -> str:
    """The native core when it is built, else the numpy oracle."""
    return "native" if native.available() else "numpy"


def check_solver(solver: str, profile: Profile | None = None) -> str:
    if solver not in SOLVERS:
        raise InputError(f"solver: {solver!r} is not one of {', '.join(SOLVERS)}")
    if (solver == "numpy" and profile is not None and not profile.is_chain
            and profile.n > NUMPY_EXHAUSTIVE_MAX):
        raise InputError(f"solver numpy: {profile.name} has {profile.n} subtasks, more than the "
                         f"{NUMPY_EXHAUSTIVE_MAX} numpy's exhaustive search handles (the native solver has no such limit)")
    if solver == "native" and not native.available():
        raise InputError(f"solver native: {native.library_path()} is missing ({native.BUILD_HINT})")
    return solver


@dataclass
class Demonstrations:
    """A loaded dataset: states, features [S, F], labels [S, N] int8, optimal delays [S], and per
    state the certificate: gap [S] (0: exact) and certified [S] bool (a file without them was
    solved exactly throughout). An uncertified state's label and delay are the best found."""

    profile: Profile
    states: States
    features: np.ndarray
    labels: np.ndarray
    optimal_delay: np.ndarray
    meta: dict
    gap: np.ndarray | None = None
    certified: np.ndarray | None = None

    def __post_init__(self):
        if self.gap is None:
            self.gap = np.zeros(len(self.labels))
        if self.certified is None:
            self.certified = np.ones(len(self.labels), dtype=bool)

    def __len__(self) -> int:
        return len(self.labels)


def _versions() -> dict:
    out = {"python": platform.python_version()}
    for dist in ("kdoffload", "numpy", "torch", "executorch"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def make_shard(profile_dict: dict, seed: int, index: int, count: int,
               solver: str = "numpy") -> dict[str, np.ndarray]:
    """One shard's arrays (in a worker); its draws depend on (seed, index) alone."""
    profile = profile_from_dict(profile_dict)
    rng = np.random.default_rng(np.random.SeedSequence([seed, index]))
    states = sample_states(profile, count, rng)
    solution = exact.solve_certified(profile, states, exact.DEFAULT_BUDGET, solver)
    return {"features": build_features(profile, states), "labels": solution.labels.astype(np.int8),
            "optimal_delay": solution.delay, "gap": solution.gap, "certified": solution.certified,
            **states.to_dict(),
            "shard_key": np.array(_shard_key(profile_dict, seed, index, count))}


def _shard_key(profile_dict: dict, seed: int, index: int, count: int) -> str:
    return json.dumps({"profile": profile_dict, "seed": seed, "index": index, "count": count,
                       "version": DATASET_VERSION}, sort_keys=True)


def _atomic_savez(path: Path, arrays: dict) -> None:
    atomic_write(path, lambda f: _savez(f, arrays))


def _savez(file, arrays: dict) -> None:
    """np.savez with every member dated 1980-01-01, so the same arrays give the same bytes."""
    with zipfile.ZipFile(file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, value in arrays.items():
            with archive.open(zipfile.ZipInfo(f"{name}.npy", _ZIP_EPOCH), "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(value), allow_pickle=False)


def _cached(path: Path, key: str, count: int) -> bool:
    try:
        with np.load(path) as z:
            return str(z["shard_key"]) == key and len(z["labels"]) == count
    except Exception:  # a torn or foreign file is simply made again
        return False


def _load_checked(shard: _Shard) -> dict[str, np.ndarray]:
    """A saved shard's arrays, refused unless it is the one planned (its key and state count)."""
    with np.load(shard.path) as z:
        arrays = {k: z[k] for k in z.files}
    if str(arrays["shard_key"]) != shard.key or len(arrays["labels"]) != shard.count:
        raise RuntimeError(f"{shard.path}: not the planned shard after the run")
    return arrays


@dataclass(frozen=True)
class _Shard:
    index: int
    count: int
    path: Path
    key: str


def _plan(profile_dict: dict, samples: int, seed: int, shard_dir: Path, shard_size: int) -> list[_Shard]:
    shards = []
    for index, start in enumerate(range(0, samples, shard_size)):
        count = min(shard_size, samples - start)
        shards.append(_Shard(index, count, shard_dir / f"shard-{index:05d}.npz",
                             _shard_key(profile_dict, seed, index, count)))
    return shards


def generate(profile: Profile, samples: int, seed: int, out: Path, workers: int = 1,
             force: bool = False, progress: Callable[[int, int], None] | None = None,
             jobs: JobMap | None = None, shard_size: int = SHARD_SIZE, solver: str = "numpy") -> Path:
    """Write `samples` demonstrations to `out`; `progress(done, total)` after every shard.

    `solver` is "numpy" (model/oracle.py) or "native" (the C++ core, which every worker must
    have built): the same bytes either way.

    `jobs` runs the shards (default: a pool of `workers` local processes); whatever runs them,
    the driver alone writes files, so workers need no shared disk. `shard_size` is part of the
    job (a shard's draws follow its index), so a rerun must keep it to resume.
    """
    out = Path(out)
    check_solver(solver, profile)
    if samples < 1:
        raise InputError(f"samples: must be at least 1, got {samples}")
    if workers < 1:
        raise InputError(f"workers: must be at least 1, got {workers}")
    if out.suffix != ".npz":
        raise InputError(f"{out}: the output must be a .npz file")
    if out.exists() and not force:
        raise InputError(f"{out}: already exists (it is replaced only when forced)")
    out.parent.mkdir(parents=True, exist_ok=True)
    shard_dir = out.with_name(out.name + ".shards")
    shard_dir.mkdir(exist_ok=True)
    profile_dict = profile.to_dict()
    shards = _plan(profile_dict, samples, seed, shard_dir, shard_size)
    todo = [s for s in shards if not _cached(s.path, s.key, s.count)]
    done = samples - sum(s.count for s in todo)
    if progress:
        progress(done, samples)
    run = jobs or process_pool(workers)
    for position, arrays in run(make_shard, [(profile_dict, seed, s.index, s.count, solver) for s in todo], {}):
        _atomic_savez(todo[position].path, arrays)  # saved as it arrives: a killed driver resumes here
        done += todo[position].count
        if progress:
            progress(done, samples)
    parts = [_load_checked(s) for s in shards]  # nothing reaches `out` before every shard is checked
    arrays = {k: np.concatenate([p[k] for p in parts]) for k in parts[0] if k != "shard_key"}
    meta = {"profile": profile_dict, "seed": seed, "samples": samples, "shard_size": shard_size,
            "format_version": DATASET_VERSION, "versions": _versions()}
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    _atomic_savez(out, arrays)
    shutil.rmtree(shard_dir, ignore_errors=True)
    return out


ARRAY_FIELDS = ("features", "labels", "optimal_delay")
CERTIFICATE_FIELDS = ("gap", "certified")  # absent from older files, which are exact throughout


def load(path: Path) -> Demonstrations:
    """Read a dataset written by `generate`, every array checked against the profile its meta
    names (shape, dtype, finite values, labels in {0, 1, 2}); a bad file is one InputError."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such dataset")
    arrays = read_members(path, ("meta", *ARRAY_FIELDS, *STATE_FIELDS, *CERTIFICATE_FIELDS))
    missing = [k for k in ("meta", *ARRAY_FIELDS, *STATE_FIELDS) if k not in arrays]
    if missing:
        raise InputError(f"{path}: not a kdoffload dataset (member {missing[0]} missing)")
    meta = _meta(arrays["meta"], path)
    if not isinstance(meta.get("profile"), dict):
        raise InputError(f"{path}: meta.profile: missing or not a table")
    profile = profile_from_dict(meta["profile"], source=str(path))
    _check_arrays(path, profile, arrays)
    _check_certificate(path, arrays)
    return Demonstrations(profile, States.from_dict(arrays), arrays["features"], arrays["labels"],
                          arrays["optimal_delay"], meta, arrays.get("gap"), arrays.get("certified"))


def _meta(value: np.ndarray, path: Path) -> dict:
    if value.shape != () or value.dtype.kind != "U":
        raise InputError(f"{path}: meta: must be one JSON string")
    meta = parse_json(str(value), f"{path}: meta")
    if not isinstance(meta, dict):
        raise InputError(f"{path}: meta: must be a JSON object")
    return meta


def _check_arrays(path: Path, profile: Profile, arrays: dict[str, np.ndarray]) -> None:
    """Shapes against the profile, dtypes as `generate` writes them, finite values throughout."""
    source = str(path)
    count = len(arrays["labels"]) if arrays["labels"].ndim else 0
    if count < 1:
        raise InputError(f"{source}: labels: holds no demonstrations")
    for key in (*ARRAY_FIELDS, *STATE_FIELDS):
        rows = arrays[key].shape[0] if arrays[key].ndim else None
        if rows != count:
            raise InputError(f"{source}: {key} holds {rows} rows, labels holds {count}")
    width = len(feature_recipe(profile))
    check_shape(source, "features", arrays["features"], (count, width), np.float32)
    check_shape(source, "labels", arrays["labels"], (count, profile.n), np.int8)
    check_shape(source, "optimal_delay", arrays["optimal_delay"], (count,), np.float64)
    for f in STATE_FIELDS:
        check_shape(source, f, arrays[f], (count, profile.n) if f in SUBTASK_FIELDS else (count,), np.float64)
    check_finite(source, "features", arrays["features"])
    labels = arrays["labels"]
    if ((labels < 0) | (labels > 2)).any():
        row = int(np.argwhere((labels < 0) | (labels > 2))[0][0])
        raise InputError(f"{source}: labels: row {row} holds {labels[row].tolist()}, every label is 0, 1 or 2")
    delay = arrays["optimal_delay"]
    if not (np.isfinite(delay) & (delay > 0)).all():
        row = int(np.flatnonzero(~(np.isfinite(delay) & (delay > 0)))[0])
        raise InputError(f"{source}: optimal_delay: row {row} holds {delay[row]!r}, must be a finite positive time")
    states = {f: arrays[f] for f in STATE_FIELDS}
    check_state_values(source, profile, states)
    check_derived_times(source, states)


def _check_certificate(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Both certificate arrays or neither; a gap in [0, 1], zero wherever a state is certified."""
    present = [k for k in CERTIFICATE_FIELDS if k in arrays]
    if not present:
        return
    if len(present) == 1:
        raise InputError(f"{path}: {present[0]} without {({*CERTIFICATE_FIELDS} - {present[0]}).pop()}")
    count = len(arrays["labels"])
    check_shape(str(path), "gap", arrays["gap"], (count,), np.float64)
    check_shape(str(path), "certified", arrays["certified"], (count,), np.bool_)
    gap, certified = arrays["gap"], arrays["certified"]
    wrong = ~np.isfinite(gap) | (gap < 0) | (gap > 1) | (certified & (gap != 0))
    if wrong.any():
        row = int(np.flatnonzero(wrong)[0])
        raise InputError(f"{path}: gap: row {row} holds {gap[row]!r} (certified {bool(certified[row])}), "
                         "must be in [0, 1] and 0 where certified")


def read_meta(path: Path) -> dict:
    """The dataset's meta alone (an .npz member is read on demand, so this skips the arrays)."""
    arrays = read_members(Path(path), ("meta",))
    if "meta" not in arrays:
        raise InputError(f"{path}: not a kdoffload dataset (member meta missing)")
    return _meta(arrays["meta"], Path(path))


def summary(demos: Demonstrations) -> dict:
    """Label shares, and the share of states where x* strictly beats the best trivial policy."""
    labels = demos.labels
    shares = np.bincount(labels.ravel(), minlength=3) / labels.size
    trivial = delays(demos.profile, demos.states, BestTrivial(demos.profile).decide(demos.states))
    # Equal placements give bit-identical delays, so a relative 1e-9 only guards rounding noise.
    beats = demos.optimal_delay < trivial * (1 - 1e-9)
    return {"samples": len(labels), "label_share": {"local": float(shares[0]),
            "edge": float(shares[1]), "cloud": float(shares[2])},
            "beats_best_trivial": float(beats.mean())}


__all__ = ["Demonstrations", "generate", "load", "summary", "STATE_FIELDS"]
