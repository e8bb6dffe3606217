"""Offline demonstrations: sample states, solve each exactly, store state -> x*, T(x*) as .npz.

States are drawn in shards whose seeds derive from (seed, shard index) alone, so the file is the
same whatever the worker count. Finished shards are cached beside the output (`<out>.shards/`)
and reused by a rerun of the same job, so a killed run resumes; the final file is written to a
temporary name and renamed, so a crash leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import platform
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

import numpy as np

from model import native, oracle
from model.errors import InputError
from model.io import atomic_write
from model.features import build_features
from model.policies import BestTrivial
from model.system import NUMPY_EXHAUSTIVE_MAX, STATE_FIELDS, Profile, States, profile_from_dict, sample_states
from model.delay import delays

SHARD_SIZE = 4096
DATASET_VERSION = 1
# Both give the same labels and the same delay bits, so the solver is not part of the data.
SOLVERS = {"numpy": oracle.solve, "native": native.solve}


def default_solver() -> str:
    """The native core when it is built, else the numpy oracle."""
    return "native" if native.available() else "numpy"


def check_solver(solver: str, profile: Profile | None = None) -> str:
    if solver not in SOLVERS:
        raise InputError(f"--solver: {solver!r} is not one of {', '.join(SOLVERS)}")
    if (solver == "numpy" and profile is not None and not profile.is_chain
            and profile.n > NUMPY_EXHAUSTIVE_MAX):
        raise InputError(f"--solver numpy: {profile.name} has {profile.n} subtasks, more than the "
                         f"{NUMPY_EXHAUSTIVE_MAX} numpy's exhaustive search handles (use --solver native)")
    if solver == "native" and not native.available():
        raise InputError(f"--solver native: {native.library_path()} is missing ({native.BUILD_HINT})")
    return solver


@dataclass
class Demonstrations:
    """A loaded dataset: states, features [S, F], labels [S, N] int8, optimal delays [S]."""

    profile: Profile
    states: States
    features: np.ndarray
    labels: np.ndarray
    optimal_delay: np.ndarray
    meta: dict

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


def _shard_job(profile_dict: dict, seed: int, index: int, count: int, path: str,
               solver: str = "numpy") -> int:
    """Make one shard (in a worker process) and write it atomically; returns its state count."""
    profile = profile_from_dict(profile_dict)
    rng = np.random.default_rng(np.random.SeedSequence([seed, index]))
    states = sample_states(profile, count, rng)
    labels, optimal = SOLVERS[solver](profile, states)
    arrays = {"features": build_features(profile, states), "labels": labels.astype(np.int8),
              "optimal_delay": optimal, **states.to_dict(),
              "shard_key": np.array(_shard_key(profile_dict, seed, index, count))}
    _atomic_savez(Path(path), arrays)
    return count


def _shard_key(profile_dict: dict, seed: int, index: int, count: int) -> str:
    return json.dumps({"profile": profile_dict, "seed": seed, "index": index, "count": count,
                       "version": DATASET_VERSION}, sort_keys=True)


def _atomic_savez(path: Path, arrays: dict) -> None:
    atomic_write(path, lambda f: np.savez(f, **arrays))


def _cached(path: Path, key: str) -> bool:
    try:
        with np.load(path) as z:
            return str(z["shard_key"]) == key
    except Exception:  # a torn or foreign file is simply made again
        return False


def generate(profile: Profile, samples: int, seed: int, out: Path, workers: int = 1,
             force: bool = False, progress: Callable[[int, int], None] | None = None,
             solver: str = "numpy") -> Path:
    """Write `samples` demonstrations to `out`; `progress(done, total)` after every shard.

    `solver` is "numpy" (model/oracle.py) or "native" (the C++ core): the same bytes either way.
    """
    out = Path(out)
    check_solver(solver, profile)
    if samples < 1:
        raise InputError(f"--samples: must be at least 1, got {samples}")
    if workers < 1:
        raise InputError(f"--workers: must be at least 1, got {workers}")
    if out.suffix != ".npz":
        raise InputError(f"{out}: the output must be a .npz file")
    if out.exists() and not force:
        raise InputError(f"{out}: already exists (use --force to overwrite)")
    out.parent.mkdir(parents=True, exist_ok=True)
    shard_dir = out.with_name(out.name + ".shards")
    shard_dir.mkdir(exist_ok=True)
    profile_dict = profile.to_dict()
    jobs = []
    for index, start in enumerate(range(0, samples, SHARD_SIZE)):
        count = min(SHARD_SIZE, samples - start)
        path = shard_dir / f"shard-{index:05d}.npz"
        jobs.append((index, count, path, _shard_key(profile_dict, seed, index, count)))
    done = sum(count for _, count, path, key in jobs if _cached(path, key))
    todo = [job for job in jobs if not _cached(job[2], job[3])]
    if progress:
        progress(done, samples)
    if todo:
        if workers == 1:
            for index, count, path, _ in todo:
                done += _shard_job(profile_dict, seed, index, count, str(path), solver)
                if progress:
                    progress(done, samples)
        else:
            with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
                futures = [pool.submit(_shard_job, profile_dict, seed, index, count, str(path), solver)
                           for index, count, path, _ in todo]
                for future in futures:
                    done += future.result()
                    if progress:
                        progress(done, samples)
    parts = [dict(np.load(path)) for _, _, path, _ in jobs]
    arrays = {k: np.concatenate([p[k] for p in parts]) for k in parts[0] if k != "shard_key"}
    meta = {"profile": profile_dict, "seed": seed, "samples": samples, "shard_size": SHARD_SIZE,
            "format_version": DATASET_VERSION, "versions": _versions()}
    arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
    _atomic_savez(out, arrays)
    shutil.rmtree(shard_dir, ignore_errors=True)
    return out


def load(path: Path) -> Demonstrations:
    """Read a dataset written by `generate`; a missing or malformed file is an InputError."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such dataset")
    try:
        with np.load(path) as z:
            arrays = {k: z[k] for k in z.files}
        meta = json.loads(str(arrays["meta"]))
        profile = profile_from_dict(meta["profile"], source=str(path))
        states = States.from_dict(arrays)
    except (KeyError, ValueError, OSError) as err:
        raise InputError(f"{path}: not a kdoffload dataset ({err})") from None
    return Demonstrations(profile, states, arrays["features"], arrays["labels"],
                          arrays["optimal_delay"], meta)


def read_meta(path: Path) -> dict:
    """The dataset's meta alone (an .npz member is read on demand, so this skips the arrays)."""
    try:
        with np.load(path) as z:
            return json.loads(str(z["meta"]))
    except (KeyError, ValueError, OSError) as err:
        raise InputError(f"{path}: not a kdoffload dataset ({err})") from None


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
