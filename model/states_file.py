"""States a user brings: a dataset `.npz` (only the state fields needed) or a CSV, checked.

CSV: a header row, one column per state field, per-subtask fields as `cycles_0` ... `cycles_{N-1}`
(likewise `out_bits_i`; `in_bits_i` only for the profile's entries, 0 elsewhere). Every value
must be a finite number, positive where the delay model divides or takes a log (docs/formats.md).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from kdoffload.model import oracle
from kdoffload.model.arrays_file import check_derived_times, check_shape, check_state_values, read_members
from kdoffload.model.dataset import Demonstrations
from kdoffload.model.errors import InputError
from kdoffload.model.features import build_features
from kdoffload.model.profile import Profile
from kdoffload.model.states import SCALAR_FIELDS, SUBTASK_FIELDS, States

MAX_STATES = 2_000_000  # beyond this the exact solve alone would take hours: refuse up front


def columns(profile: Profile) -> list[str]:
    cols = [f"{f}_{i}" for f in ("cycles", "out_bits") for i in range(profile.n)]
    cols += [f"in_bits_{i}" for i in profile.entries]
    return cols + list(SCALAR_FIELDS)


def _from_csv(path: Path, profile: Profile) -> dict[str, np.ndarray]:
    try:
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text (expected a CSV)") from None
    if len(rows) < 2:
        raise InputError(f"{path}: needs a header row and at least one state")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in columns(profile) if c not in header]
    if missing:
        raise InputError(f"{path}: column {missing[0]} missing (profile {profile.name} needs "
                         f"{len(columns(profile))} columns)")
    if len(rows) - 1 > MAX_STATES:
        raise InputError(f"{path}: {len(rows) - 1:,} states, at most {MAX_STATES:,}")
    table = {}
    for name in columns(profile):
        k = header.index(name)
        values = []
        for line, row in enumerate(rows[1:], start=2):
            try:
                values.append(float(row[k]))
            except (ValueError, IndexError):
                raise InputError(f"{path}: line {line}, column {name}: "
                                 f"{row[k] if k < len(row) else 'nothing'!r} is not a number") from None
        table[name] = np.asarray(values)
    count = len(rows) - 1
    arrays = {f: np.stack([table[f"{f}_{i}"] for i in range(profile.n)], axis=1)
              for f in ("cycles", "out_bits")}
    arrays["in_bits"] = np.zeros((count, profile.n))
    for i in profile.entries:
        arrays["in_bits"][:, i] = table[f"in_bits_{i}"]
    return {**arrays, **{f: table[f] for f in SCALAR_FIELDS}}


def _from_npz(path: Path, profile: Profile) -> dict[str, np.ndarray]:
    arrays = {f: np.asarray(v, dtype=np.float64)
              for f, v in read_members(path, SUBTASK_FIELDS + SCALAR_FIELDS).items()}
    for f in SUBTASK_FIELDS + SCALAR_FIELDS:
        if f not in arrays:
            raise InputError(f"{path}: field {f} missing")
    count = len(arrays["f_device"]) if arrays["f_device"].ndim else 0
    if count > MAX_STATES:
        raise InputError(f"{path}: {count:,} states, at most {MAX_STATES:,}")
    for f in SUBTASK_FIELDS:
        check_shape(str(path), f, arrays[f], (count, profile.n))
    for f in SCALAR_FIELDS:
        check_shape(str(path), f, arrays[f], (count,))
    return arrays


def load_states(path: Path, profile: Profile) -> States:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such states file")
    if path.suffix == ".npz":
        arrays = _from_npz(path, profile)
    elif path.suffix == ".csv":
        arrays = _from_csv(path, profile)
    else:
        raise InputError(f"{path}: a states file is a .npz or a .csv")
    if len(arrays["f_device"]) == 0:
        raise InputError(f"{path}: holds no states")
    check_state_values(str(path), profile, arrays)
    check_derived_times(str(path), arrays)
    return States.from_dict(arrays)


def solved(profile: Profile, states: States, source: str) -> Demonstrations:
    """The states with their exact optimal placements and delays."""
    labels, optimal = oracle.solve(profile, states)
    return Demonstrations(profile, states, build_features(profile, states), labels.astype(np.int8),
                          optimal, {"seed": None, "source": source})
