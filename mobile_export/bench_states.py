"""bench_states.json: the states (and arrival times) the phone app benchmarks and streams.

{"profile": name, "states": [state, ...], "arrivals_s": [...]}: states in the golden record's
`state` shape (every state field; per-subtask fields as lists of N floats), arrivals optional,
non-decreasing seconds. The Java core reads it (android_demo/core BenchStates).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from kdoffload.mobile_export.golden import state_record
from kdoffload.model.errors import InputError
from kdoffload.model.io import atomic_write_text
from kdoffload.model.nesting import parse_json
from kdoffload.model.profile import Profile
from kdoffload.model.states import STATE_FIELDS, States


def write_bench_states(profile: Profile, states: States, arrivals, path: Path) -> Path:
    """`arrivals` [S] seconds, non-decreasing, or None."""
    if len(states) == 0:
        raise InputError(f"{path}: no states to write")
    payload = {"profile": profile.name, "states": [state_record(states, k) for k in range(len(states))]}
    if arrivals is not None:
        arrivals = np.asarray(arrivals, dtype=np.float64)
        if arrivals.ndim != 1 or not np.isfinite(arrivals).all() or (arrivals < 0).any() \
                or (np.diff(arrivals) < 0).any():
            raise InputError(f"{path}: arrivals must be finite, >= 0 and non-decreasing")
        payload["arrivals_s"] = arrivals.tolist()
    return atomic_write_text(Path(path), json.dumps(payload))


def read_bench_states(path: Path, profile: Profile) -> tuple[States, np.ndarray | None]:
    """The states and arrivals of a bench_states.json written for `profile`."""
    path = Path(path)
    try:
        payload = parse_json(path.read_bytes(), path)
    except (OSError, ValueError) as err:
        raise InputError(f"{path}: not a readable JSON file ({err})") from None
    if not isinstance(payload, dict) or payload.get("profile") != profile.name:
        raise InputError(f"{path}: profile is {payload.get('profile') if isinstance(payload, dict) else None}, "
                         f"expected {profile.name}")
    records = payload.get("states")
    if not isinstance(records, list) or not records:
        raise InputError(f"{path}: states: missing or empty")
    try:
        states = States.from_dict({f: [r[f] for r in records] for f in STATE_FIELDS})
    except (KeyError, TypeError, ValueError) as err:
        raise InputError(f"{path}: states: a record lacks or garbles {err}") from None
    if states.cycles.shape != (len(records), profile.n):
        raise InputError(f"{path}: states: per-subtask fields must hold {profile.n} values")
    arrivals = payload.get("arrivals_s")
    return states, (None if arrivals is None else np.asarray(arrivals, dtype=np.float64))
