"""States a user brings: a dataset `.npz` (only the state fields needed) or a CSV, checked.

CSV: a header row, one column per state field, per-subtask fields as `cycles_0` ... `cycles_{N-1}`
(likewise `out_bits_i`; `in_bits_i` only for the profile's entries, 0 elsewhere). Every value
must be a finite number, positive where the delay model divides or takes a log (docs/formats.md).
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import numpy as np

from model import oracle
from model.dataset import Demonstrations
from model.errors import InputError
from model.features import build_features
from model.profile import Profile
from model.states import SCALAR_FIELDS, SUBTASK_FIELDS, States

NON_NEGATIVE = {"edge_wait", "lat_wireless", "lat_backhaul", "in_bits"}
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
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {f: np.asarray(z[f], dtype=np.float64) for f in SUBTASK_FIELDS + SCALAR_FIELDS
                      if f in z.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as err:
        raise InputError(f"{path}: not a readable .npz ({type(err).__name__})") from None
    for f in SUBTASK_FIELDS + SCALAR_FIELDS:
        if f not in arrays:
            raise InputError(f"{path}: field {f} missing")
    count = len(arrays["f_device"])
    for f in SUBTASK_FIELDS:
        if arrays[f].shape != (count, profile.n):
            raise InputError(f"{path}: {f} has shape {arrays[f].shape}, expected ({count}, {profile.n})")
    for f in SCALAR_FIELDS:
        if arrays[f].shape != (count,):
            raise InputError(f"{path}: {f} has shape {arrays[f].shape}, expected ({count},)")
    if count > MAX_STATES:
        raise InputError(f"{path}: {count:,} states, at most {MAX_STATES:,}")
    return arrays


def _check_values(path: Path, profile: Profile, arrays: dict[str, np.ndarray]) -> None:
    if len(arrays["f_device"]) == 0:
        raise InputError(f"{path}: holds no states")
    for f, values in arrays.items():
        if f == "in_bits":
            values = values[:, list(profile.entries)]
        bad = ~np.isfinite(values) | ((values < 0) if f in NON_NEGATIVE else (values <= 0))
        if bad.any():
            row = int(np.argwhere(bad)[0][0])
            need = "non-negative" if f in NON_NEGATIVE else "positive"
            raise InputError(f"{path}: {f}: state {row} holds {values.reshape(len(values), -1)[row].tolist()}, "
                             f"every value must be a finite {need} number")


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
    _check_values(path, profile, arrays)
    return States.from_dict(arrays)


def solved(profile: Profile, states: States, source: str) -> Demonstrations:
    """The states with their exact optimal placements and delays."""
    labels, optimal = oracle.solve(profile, states)
    return Demonstrations(profile, states, build_features(profile, states), labels.astype(np.int8),
                          optimal, {"seed": None, "source": source})
